"""Result mails at scale: `size` of them (2,000 by default) decided in one transaction
through outbox.services.queue_mail, as when a selection is announced, and delivered by one
real Celery worker (`celery -A wip_portal worker --concurrency=1`, prefork pool) to an SMTP
server on 127.0.0.1.

The bench starts what it needs on free ports, in `setup`, and stops it in `teardown` (at
exit too, and on SIGTERM, whatever failed): a mail server of its own (aiosmtpd, in a thread
of this process, which keeps the Message-ID and recipients of every mail it accepts); a
redis-server that keeps nothing on disk, or, when there is no redis-server, the Redis of
REDIS_URL, with a queue of the bench's own so that no other worker takes its mails; and the
worker, on the bench's database (DATABASE_URL as the harness sets it). This process sends
its tasks through that Redis, with Redis as result backend too, as the portal does when
REDIS_URL is set.

Each mail goes to one of `size` producers, in their language (en, es, fr, pt), with the
subject, text and HTML of a selection result (selected, or not, for one in ten), about 2 KB
of text and 5 KB of HTML, and a de-duplication key as the portal's decisions have.

One repetition queues the mails, commits, and waits until every row is sent and the mail
server has received every mail; it fails if a mail is missing, received twice or by the
wrong recipient, if a row failed or was tried more than once, if a worker process died, or
if the delivery misses the target: 2,000 mails in under 2 minutes (pro rata at other sizes,
5 s at least). A failure keeps the worker's log and says where. Figures of each repetition, printed
and added to results.json (medians, peaks the highest of the timed repetitions):

- `delivery_s`: from the commit to the last row sent and mail received; `mails_per_s`;
- `queue_s`, the queue_mail calls before the commit; `dispatch_s`, commit to the last task
  sent (the on-commit callbacks); the harness's median_ms is the whole repetition;
- `worker_pool_peak_rss_mb`, the pool process that runs the tasks, and
  `worker_main_peak_rss_mb`, the worker's main process (VmHWM from /proc, reset before each
  repetition);
- `queueing_peak_rss_mb`, this process from the first queue_mail to the last task sent,
  and `queueing_rss_growth_mb`, that peak above its size before.

The query count is the queueing's, which is per mail (a look-up of the key, a savepoint and
an INSERT each): it grows with the size by design, so compare sizes by `mails_per_s`, not
by the harness's query warning. Linux only (/proc). Runs on PostgreSQL and on the default
SQLite file (the worker opens the same file). There a reader of the file delays the
worker's writes, so the rows are counted once a second until the mail server has every
mail, and the figures depend more on the machine's disk and load than on PostgreSQL.

Each repetition is 2,000 mails: `python -m bench --only mail_delivery --repeat 3 --warmup 1`.

Measured on 2026-12-01 on this 2-core machine, while other tests ran, 2,000 mails, one
worker, 1 warm-up and 3 timed repetitions (medians; memory the peaks):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wip_bench \
        .venv/bin/python -m bench --only mail_delivery --repeat 3 --warmup 1

| | PostgreSQL 15 | SQLite file |
| --- | --- | --- |
| commit → every mail sent and received | 47 s (worst 50 s) | 29 s (worst 32 s) |
| mails per second | 42 | 70 |
| queueing 2,000 before the commit | 4.9 s | 2.8 s |
| worker peak RSS, pool / main process | 90 MB / 112 MB | 87 MB / 108 MB |
| queueing process peak RSS (growth) | 170 MB (+19 MB) | 176 MB (+22 MB) |

Under heavier load from other work, PostgreSQL took 41–80 s; one SQLite run took 122 s,
over the target, and the bench said so (exit 1). A mail costs one SMTP connection here
(deliver_mail opens one per task): through a distant relay with TLS, reusing connections
would matter more than the database.
"""

import atexit
import contextlib
import ctypes
import itertools
import logging
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.html import escape

from accounts.models import User
from editions.models import Programme
from outbox import services
from outbox.models import Mail, MailStatus

SIZES = [2000]
TARGET_MAILS, TARGET_SECONDS, MIN_TARGET_SECONDS = 2000, 120.0, 5.0
START_TIMEOUT = 60.0
POLL_INTERVAL = 0.02
# The rows are counted this often until the mail server has every mail, then at each poll:
# a reader that often would slow the worker's writes on SQLite.
ROWS_INTERVAL = 1.0
# After the last mail, how long to go on listening for a copy more.
SETTLE = 0.25
ROOT = Path(__file__).resolve().parent.parent
# A Latin American programme: mostly Spanish, then English, French and Portuguese.
LANGUAGES = ["es"] * 8 + ["en"] * 5 + ["fr"] * 4 + ["pt"] * 3
SELECTED_EVERY = 10
SESSIONS = [
    ("Toulouse", "20–22 March"),
    ("Lima", "10–14 August"),
    ("Guanajuato", "18–21 July"),
    ("San Sebastián", "22–25 September"),
]
TITLES = [
    "La espera de Rosa",
    "Los días del salitre",
    "O rio que nos leva",
    "Tierra de nadie",
    "A última colheita",
    "El eco de las montañas",
]

# (subject, paragraphs, button, footer) by language and outcome. The paragraphs become the
# text part, joined by blank lines, and the HTML part, one <p> each.
TEXTS = {
    ("en", True): (
        "Films in Progress %(number)s — “%(title)s” is selected for %(city)s",
        [
            "Dear %(name)s,",
            "We are delighted to tell you that the jury of Films in Progress %(number)s has "
            "selected “%(title)s” for the %(city)s session (%(dates)s). Out of 1,214 "
            "applications from 19 countries, 24 projects were chosen.",
            "What happens next: within two weeks, please confirm your participation from "
            "your project page and upload the materials listed there: a screener of the "
            "current cut (a private link with no expiry date), three stills of at least "
            "3,000 pixels, the director's photo and biography, and the post-production "
            "budget in the programme's template.",
            "The screening copy is due on %(deadline)s, as a DCP or a ProRes 422 HQ file "
            "with English subtitles. The festival covers travel and four nights of "
            "accommodation for one representative of the project; the accreditation form "
            "will reach you separately.",
            "The jury's comments are on your project page, with the whole history of your "
            "application: %(url)s",
            "Congratulations again: we look forward to welcoming you in %(city)s.",
            "The Films in Progress team\nCinélatino, Rencontres de Toulouse",
        ],
        "Open your project",
        "You receive this mail because you applied to Films in Progress with this address. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, France.",
    ),
    ("en", False): (
        "Films in Progress %(number)s — your application “%(title)s”",
        [
            "Dear %(name)s,",
            "Thank you for submitting “%(title)s” to Films in Progress %(number)s. This year "
            "the jury read 1,214 applications from 19 countries and could select only 24 "
            "projects; we are sorry to tell you that yours is not among them.",
            "This decision says nothing final about the film. Many projects we could not "
            "select in one edition have come back with a later cut, and several have gone "
            "on to premiere at major festivals. The industry days remain open to you: the "
            "producers of every application may ask for an accreditation until %(deadline)s.",
            "A note from the jury, when they wrote one, is on your project page, with the "
            "history of your application: %(url)s",
            "We thank you for your trust and hope to see the film on screen soon.",
            "The Films in Progress team\nCinélatino, Rencontres de Toulouse",
        ],
        "Open your project",
        "You receive this mail because you applied to Films in Progress with this address. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, France.",
    ),
    ("es", True): (
        "Films in Progress %(number)s — «%(title)s» ha sido seleccionado para %(city)s",
        [
            "Estimada/o %(name)s:",
            "Nos alegra mucho comunicarle que el jurado de Films in Progress %(number)s ha "
            "seleccionado «%(title)s» para la sesión de %(city)s (%(dates)s). De 1.214 "
            "postulaciones de 19 países, se eligieron 24 proyectos.",
            "Próximos pasos: en un plazo de dos semanas, confirme su participación desde la "
            "página del proyecto y suba los materiales que allí se indican: un enlace privado "
            "y sin fecha de caducidad al corte actual, tres fotogramas de al menos 3.000 "
            "píxeles, la foto y la biografía de la dirección y el presupuesto de "
            "posproducción en la plantilla del programa.",
            "La copia de proyección debe llegar antes del %(deadline)s, en DCP o en un "
            "archivo ProRes 422 HQ con subtítulos en inglés. El festival cubre el viaje y "
            "cuatro noches de alojamiento para una persona del proyecto; recibirá el "
            "formulario de acreditación por separado.",
            "Los comentarios del jurado están en la página de su proyecto, junto con toda la "
            "historia de su postulación: %(url)s",
            "Enhorabuena de nuevo: esperamos recibirle en %(city)s.",
            "El equipo de Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Abrir su proyecto",
        "Recibe este correo porque se postuló a Films in Progress con esta dirección. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, Francia.",
    ),
    ("es", False): (
        "Films in Progress %(number)s — su postulación «%(title)s»",
        [
            "Estimada/o %(name)s:",
            "Gracias por presentar «%(title)s» a Films in Progress %(number)s. Este año el "
            "jurado leyó 1.214 postulaciones de 19 países y solo pudo seleccionar 24 "
            "proyectos; lamentamos comunicarle que el suyo no está entre ellos.",
            "Esta decisión no dice nada definitivo sobre la película. Muchos proyectos que "
            "no pudimos seleccionar en una edición volvieron con un corte posterior, y varios "
            "se estrenaron después en grandes festivales. Las jornadas de industria siguen "
            "abiertas para usted: quienes producen cualquier proyecto postulado pueden pedir "
            "una acreditación hasta el %(deadline)s.",
            "Si el jurado escribió una nota, la encontrará en la página de su proyecto, con "
            "la historia de su postulación: %(url)s",
            "Le agradecemos su confianza y esperamos ver pronto la película en pantalla.",
            "El equipo de Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Abrir su proyecto",
        "Recibe este correo porque se postuló a Films in Progress con esta dirección. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, Francia.",
    ),
    ("fr", True): (
        "Films in Progress %(number)s — « %(title)s » est sélectionné pour %(city)s",
        [
            "Bonjour %(name)s,",
            "Nous avons le plaisir de vous annoncer que le jury de Films in Progress "
            "%(number)s a sélectionné « %(title)s » pour la session de %(city)s (%(dates)s). "
            "Sur 1 214 candidatures venues de 19 pays, 24 projets ont été retenus.",
            "La suite : dans les deux semaines, confirmez votre participation depuis la page "
            "de votre projet et déposez-y les éléments demandés : un lien privé et sans date "
            "d'expiration vers le montage actuel, trois photogrammes d'au moins 3 000 pixels, "
            "la photo et la biographie de la réalisation, et le budget de post-production "
            "dans le modèle du programme.",
            "La copie de projection est attendue pour le %(deadline)s, en DCP ou en fichier "
            "ProRes 422 HQ sous-titré en anglais. Le festival prend en charge le voyage et "
            "quatre nuits d'hébergement pour une personne du projet ; le formulaire "
            "d'accréditation vous parviendra séparément.",
            "Les commentaires du jury sont sur la page de votre projet, avec tout "
            "l'historique de votre candidature : %(url)s",
            "Encore bravo : nous avons hâte de vous accueillir à %(city)s.",
            "L'équipe de Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Ouvrir votre projet",
        "Vous recevez ce message parce que vous avez candidaté à Films in Progress avec "
        "cette adresse. Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, France.",
    ),
    ("fr", False): (
        "Films in Progress %(number)s — votre candidature « %(title)s »",
        [
            "Bonjour %(name)s,",
            "Merci d'avoir présenté « %(title)s » à Films in Progress %(number)s. Cette "
            "année, le jury a lu 1 214 candidatures venues de 19 pays et n'a pu retenir que "
            "24 projets ; nous avons le regret de vous annoncer que le vôtre n'en fait pas "
            "partie.",
            "Cette décision ne dit rien de définitif sur le film. Bien des projets que nous "
            "n'avons pas pu retenir une année sont revenus avec un montage plus avancé, et "
            "plusieurs ont ensuite été présentés dans de grands festivals. Les journées "
            "professionnelles vous restent ouvertes : les producteurs de toute candidature "
            "peuvent demander une accréditation jusqu'au %(deadline)s.",
            "Si le jury a rédigé une note, elle est sur la page de votre projet, avec "
            "l'historique de votre candidature : %(url)s",
            "Nous vous remercions de votre confiance et espérons voir bientôt le film.",
            "L'équipe de Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Ouvrir votre projet",
        "Vous recevez ce message parce que vous avez candidaté à Films in Progress avec "
        "cette adresse. Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, France.",
    ),
    ("pt", True): (
        "Films in Progress %(number)s — “%(title)s” foi selecionado para %(city)s",
        [
            "Olá, %(name)s,",
            "Temos a alegria de informar que o júri do Films in Progress %(number)s "
            "selecionou “%(title)s” para a sessão de %(city)s (%(dates)s). Entre 1.214 "
            "inscrições de 19 países, 24 projetos foram escolhidos.",
            "Próximos passos: em até duas semanas, confirme sua participação na página do "
            "projeto e envie os materiais indicados: um link privado e sem data de expiração "
            "para o corte atual, três fotogramas de pelo menos 3.000 pixels, a foto e a "
            "biografia da direção e o orçamento de pós-produção no modelo do programa.",
            "A cópia de exibição deve chegar até %(deadline)s, em DCP ou em arquivo ProRes "
            "422 HQ com legendas em inglês. O festival cobre a viagem e quatro noites de "
            "hospedagem para uma pessoa do projeto; o formulário de credenciamento chegará "
            "em separado.",
            "Os comentários do júri estão na página do seu projeto, com todo o histórico da "
            "sua inscrição: %(url)s",
            "Parabéns mais uma vez: esperamos recebê-lo em %(city)s.",
            "A equipe do Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Abrir seu projeto",
        "Você recebe este e-mail porque se inscreveu no Films in Progress com este endereço. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, França.",
    ),
    ("pt", False): (
        "Films in Progress %(number)s — sua inscrição “%(title)s”",
        [
            "Olá, %(name)s,",
            "Obrigado por inscrever “%(title)s” no Films in Progress %(number)s. Este ano o "
            "júri leu 1.214 inscrições de 19 países e só pôde selecionar 24 projetos; "
            "lamentamos informar que o seu não está entre eles.",
            "Esta decisão não diz nada definitivo sobre o filme. Muitos projetos que não "
            "pudemos selecionar numa edição voltaram com um corte posterior, e vários "
            "estrearam depois em grandes festivais. Os dias de mercado continuam abertos "
            "para você: os produtores de qualquer inscrição podem pedir credenciamento até "
            "%(deadline)s.",
            "Se o júri escreveu uma nota, ela está na página do seu projeto, com o histórico "
            "da sua inscrição: %(url)s",
            "Agradecemos a sua confiança e esperamos ver o filme em breve.",
            "A equipe do Films in Progress\nCinélatino, Rencontres de Toulouse",
        ],
        "Abrir seu projeto",
        "Você recebe este e-mail porque se inscreveu no Films in Progress com este endereço. "
        "Cinélatino, 5 rue du Pont Montaudran, 31000 Toulouse, França.",
    ),
}

HTML = """<!DOCTYPE html>
<html lang="%(language)s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%(subject)s</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f5;">
<table role="presentation" width="100%%" cellpadding="0" cellspacing="0" border="0"
 style="background-color:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"
 style="max-width:600px;width:100%%;background-color:#ffffff;border-radius:6px;
 font-family:Helvetica,Arial,sans-serif;color:#1f2933;">
<tr><td style="padding:24px 32px;border-bottom:4px solid #b3261e;font-size:20px;
 font-weight:bold;line-height:1.3;">Films in Progress %(number)s</td></tr>
<tr><td style="padding:24px 32px 8px 32px;font-size:16px;line-height:1.55;">
%(paragraphs)s
<p style="margin:24px 0;"><a href="%(url)s" style="display:inline-block;padding:12px 20px;
 background-color:#b3261e;color:#ffffff;text-decoration:none;border-radius:4px;
 font-weight:bold;">%(button)s</a></p>
</td></tr>
<tr><td style="padding:16px 32px 24px 32px;font-size:12px;line-height:1.5;color:#6b7280;
 border-top:1px solid #e5e7eb;">%(footer)s</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
"""

_stack = None
_libc = None


def _target_seconds(size: int) -> float:
    return max(TARGET_SECONDS * size / TARGET_MAILS, MIN_TARGET_SECONDS)


def result_mail(*, index: int, user, number: int) -> dict:
    """The arguments of queue_mail for the result of the `index`-th application."""
    selected = index % SELECTED_EVERY == 0
    subject, paragraphs, button, footer = TEXTS[(user.language, selected)]
    city, dates = SESSIONS[index % len(SESSIONS)]
    values = {
        "number": number,
        "name": user.full_name,
        "title": f"{TITLES[index % len(TITLES)]} {index:04d}",
        "city": city,
        "dates": dates,
        "deadline": "15/02",
        "url": f"{settings.SITE_URL}/{user.language}/projects/{100000 + index}/",
    }
    subject = subject % values
    texts = [paragraph % values for paragraph in paragraphs]
    html_values = {key: escape(value) for key, value in values.items()}
    html = HTML % {
        **html_values,
        "language": user.language,
        "subject": escape(subject),
        "paragraphs": "\n".join(
            '<p style="margin:0 0 16px 0;">'
            + (paragraph % html_values).replace("\n", "<br>")
            + "</p>"
            for paragraph in paragraphs
        ),
        "button": escape(button),
        "footer": escape(footer),
    }
    return {
        "to": user.email,
        "subject": subject,
        "body_text": "\n\n".join(texts) + "\n\n-- \n" + footer + "\n",
        "body_html": html,
        "language": user.language,
        "kind": "submissions.result",
        "recipient": user,
        "dedupe_key": f"result:{number}:{index}",
    }


# --- What the bench starts ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dies_with_us():
    """A preexec_fn: the child gets SIGTERM if this process dies, even by SIGKILL, when
    nothing here had the chance to stop it. (libc is loaded before the fork.)"""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()
    libc = _libc

    def preexec():
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # died before the prctl
            os._exit(1)

    return preexec


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB."""
    figures = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _colon, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0])
    return figures


def _reset_peak(pid: int) -> None:
    """VmHWM starts again from the current RSS (Linux 4.0+)."""
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        if _is_child(int(entry.name), of=pid):
            found.append(int(entry.name))
    return found


def _is_child(pid: int, *, of: int) -> bool:
    """Whether the process runs (not a zombie) and `of` is its parent."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and int(fields[1]) == of


def _stop_process(process, *, grace: float = 20.0) -> None:
    """SIGTERM to the process's group (a worker and its pool), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


class Sink:
    """The handler of the aiosmtpd server: the Message-ID and recipients of every message
    it accepts (the server runs in a thread of its own)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._received: list[tuple[str, tuple[str, ...]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self._lock:
            self._received.append((headers["Message-ID"], tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def take(self) -> list[tuple[str, tuple[str, ...]]]:
        """What arrived since the last call."""
        with self._lock:
            received, self._received = self._received, []
        return received


class Stack:
    """Redis, the mail server, the worker, and this process's Celery app on that Redis."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
        self.keep_folder = False
        self.redis = self.worker = self.controller = self.app = self.previous_app = None
        self.poll = self.pool_pid = None
        self.previous_sigterm = None
        self.previous_mail_log_level = None
        self.sink = Sink()
        self.hostname = f"wip-bench-mail-{os.getpid()}@{socket.gethostname()}"
        self.queue = settings.CELERY_TASK_DEFAULT_QUEUE

    # Starting

    def start(self) -> None:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            self.previous_sigterm = signal.SIG_DFL
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("the worker needs DATABASE_URL (python -m bench sets it)")
        self.redis_url = self._start_redis()
        self.smtp_port = _free_port()
        # Processes first, threads after: a fork while other threads run is best avoided.
        self._start_worker()
        from aiosmtpd.controller import Controller

        # aiosmtpd logs every SMTP command at INFO: five lines a mail on the console.
        mail_log = logging.getLogger("mail.log")
        self.previous_mail_log_level = mail_log.level
        mail_log.setLevel(logging.WARNING)
        self.controller = Controller(
            self.sink,
            hostname="127.0.0.1",
            port=self.smtp_port,
            server_hostname="smtp.wip-bench.localhost",
        )
        self.controller.start()
        self._use_own_app()
        self._wait_for_worker()
        # Rows are counted on a connection of their own: the harness counts the queries of
        # the queueing only.
        self.poll = connections.create_connection(DEFAULT_DB_ALIAS)
        self.pool_pid = self._pool_pid()

    def _start_redis(self) -> str:
        executable = shutil.which("redis-server")
        if executable is None:
            if not settings.REDIS_URL:
                raise RuntimeError(
                    "bench_mail_delivery needs redis-server (apt-get install redis-server) "
                    "or REDIS_URL"
                )
            # A shared Redis: a queue of the bench's own, so that no other worker takes it.
            self.queue = f"bench-mail-{os.getpid()}"
            return settings.REDIS_URL
        import redis

        port = _free_port()
        with (self.folder / "redis.log").open("w") as log:
            self.redis = subprocess.Popen(
                [
                    executable,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_dies_with_us(),
            )
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.redis.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{self._log('redis.log')}")
            try:
                with redis.Redis(host="127.0.0.1", port=port, socket_timeout=5) as client:
                    client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer on port {port}") from None
                time.sleep(0.05)
        return f"redis://127.0.0.1:{port}/0"

    def _start_worker(self) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wip_portal.settings",
            "REDIS_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": "0",
            "EMAIL_USE_SSL": "0",
            "EMAIL_TIMEOUT": "10",
            "PYTHONUNBUFFERED": "1",
            "PYTHONWARNINGS": "ignore",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wip_portal",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "-Q",
            self.queue,
            "--hostname",
            self.hostname,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        with (self.folder / "worker.log").open("w") as log:
            self.worker = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_dies_with_us(),
            )

    def _use_own_app(self) -> None:
        """This process sends its tasks through the bench's Redis: an app configured like the
        portal's with REDIS_URL set, current until teardown (shared tasks such as
        outbox.tasks.task_deliver_mail resolve to the current app)."""
        from celery import Celery
        from celery._state import get_current_app

        self.previous_app = get_current_app()
        app = Celery("wip_portal_bench_mail", set_as_current=False, fixups=[])
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(
            broker_url=self.redis_url,
            result_backend=self.redis_url,
            task_always_eager=False,
            task_default_queue=self.queue,
        )
        app.set_current()
        self.app = app

    def _wait_for_worker(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            self.check_worker()
            replies = self.app.control.ping(destination=[self.hostname], timeout=1.0)
            if any(self.hostname in reply for reply in replies):
                return
        raise RuntimeError(f"the Celery worker did not answer within {START_TIMEOUT} s")

    def _pool_pid(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            children = _children(self.worker.pid)
            if len(children) == 1:
                return children[0]
            time.sleep(0.1)
        raise RuntimeError(f"the worker has {_children(self.worker.pid)} pool processes, not 1")

    # Running

    def check_worker(self) -> None:
        if self.worker.poll() is not None:
            self.keep_folder = True
            raise RuntimeError(
                f"the Celery worker exited with code {self.worker.returncode}:\n"
                + self._log("worker.log", lines=40)
            )
        if self.pool_pid is not None and not _is_child(self.pool_pid, of=self.worker.pid):
            # The worker starts another, but the row the dead one held stays claimed.
            raise self.fail(f"the worker's pool process {self.pool_pid} died")

    def reset_peaks(self) -> None:
        for pid in (self.worker.pid, self.pool_pid):
            _reset_peak(pid)

    def worker_status(self) -> dict[str, dict[str, int]]:
        pool = _children(self.worker.pid)
        if pool != [self.pool_pid]:
            raise AssertionError(f"the worker's pool process changed: {self.pool_pid} → {pool}")
        return {"main": _proc_status(self.worker.pid), "pool": _proc_status(self.pool_pid)}

    def rows(self, first: int, last: int) -> dict[str, int]:
        """The rows between two ids, by status."""
        table = self.poll.ops.quote_name(Mail._meta.db_table)
        with self.poll.cursor() as cursor:
            cursor.execute(
                f"SELECT status, COUNT(*) FROM {table} WHERE id BETWEEN %s AND %s "  # noqa: S608 - our table name
                "GROUP BY status",
                [first, last],
            )
            return dict(cursor.fetchall())

    def errors(self, first: int, last: int) -> list[tuple]:
        table = self.poll.ops.quote_name(Mail._meta.db_table)
        with self.poll.cursor() as cursor:
            cursor.execute(
                f"SELECT id, status, attempts, last_error FROM {table} "  # noqa: S608 - our table name
                "WHERE id BETWEEN %s AND %s AND (status <> %s OR attempts <> 1) "
                "ORDER BY id LIMIT 5",
                [first, last, MailStatus.SENT],
            )
            return cursor.fetchall()

    def queue_length(self) -> int:
        with self.app.connection_for_write() as connection:
            return connection.default_channel.client.llen(self.queue)

    def fail(self, message: str) -> AssertionError:
        self.keep_folder = True
        return AssertionError(
            f"{message}\n--- worker log (last lines, {self.folder / 'worker.log'}) ---\n"
            + self._log("worker.log", lines=30)
        )

    def _log(self, name: str, *, lines: int = 20) -> str:
        path = self.folder / name
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    # Stopping

    def stop(self) -> None:
        """Everything started, in reverse, each step whatever the one before did."""
        steps = [
            lambda: _stop_process(self.worker),
            lambda: self.controller is not None and self.controller.stop(),
            self._drop_own_app,
            lambda: _stop_process(self.redis, grace=10),
            lambda: self.poll is not None and self.poll.close(),
            self._restore_sigterm,
            self._restore_mail_log,
        ]
        for step in steps:
            try:
                step()
            except Exception as error:  # noqa: BLE001 - stop the rest all the same
                print(f"bench_mail_delivery: while stopping: {error!r}", file=sys.stderr)
        self.worker = self.redis = self.controller = self.poll = None
        if self.keep_folder:
            print(f"bench_mail_delivery: logs kept in {self.folder}", file=sys.stderr)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _drop_own_app(self) -> None:
        if self.app is None:
            return
        if self.queue != settings.CELERY_TASK_DEFAULT_QUEUE:  # our queue on a shared Redis
            with self.app.connection_for_write() as connection:
                connection.default_channel.client.delete(self.queue)
        self.previous_app.set_current()
        self.app.close()
        self.app = None

    def _restore_sigterm(self) -> None:
        if self.previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self.previous_sigterm)
            self.previous_sigterm = None

    def _restore_mail_log(self) -> None:
        if self.previous_mail_log_level is not None:
            logging.getLogger("mail.log").setLevel(self.previous_mail_log_level)
            self.previous_mail_log_level = None


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # so that atexit stops what the bench started


def _stop_stack() -> None:
    global _stack
    if _stack is not None:
        stack, _stack = _stack, None
        stack.stop()


atexit.register(_stop_stack)


# --- The benchmark -----------------------------------------------------------------------


def setup(size: int) -> dict:
    global _stack
    _stop_stack()
    programme = Programme.objects.create(
        name="Films in Progress",
        slug="films-in-progress",
        organisers="Cinélatino, Rencontres de Toulouse",
        description="Latin American works in progress shown to industry professionals.",
    )
    users = User.objects.bulk_create(
        User(
            email=f"producer-{index}@example.org",
            full_name=f"Productora {index}",
            language=LANGUAGES[index % len(LANGUAGES)],
            password="!",
        )
        for index in range(size)
    )
    _stack = Stack()
    _stack.start()
    print(
        f"  started redis {_stack.redis_url}, SMTP on 127.0.0.1:{_stack.smtp_port}, "
        f"worker pid {_stack.worker.pid} (pool {_stack.pool_pid}), queue {_stack.queue}",
        flush=True,
    )
    return {
        "size": size,
        "users": users,
        "scope": f"programme:{programme.pk}",
        "stack": _stack,
        "runs": itertools.count(1),
    }


def teardown(context: dict) -> None:
    _stop_stack()


def bench_mail_delivery(context: dict) -> dict:
    """Queue the result mails in one transaction and wait for them at the mail server."""
    stack, size, users = context["stack"], context["size"], context["users"]
    run = next(context["runs"])
    target = _target_seconds(size)
    stack.check_worker()
    stack.sink.take()  # nothing should be there; a late copy of the last run is counted below
    stack.reset_peaks()
    me = os.getpid()
    rss_before = _proc_status(me)["VmRSS"]
    _reset_peak(me)

    started = time.perf_counter()
    with transaction.atomic():
        mails = [
            services.queue_mail(
                **result_mail(index=index, user=user, number=run), scope=context["scope"]
            )
            for index, user in enumerate(users)
        ]
        committing = time.perf_counter()
    dispatched = time.perf_counter()
    queueing_peak = _proc_status(me)["VmHWM"]

    first, last = mails[0].pk, mails[-1].pk
    deadline = committing + max(3 * target, 30.0)
    received: list[tuple[str, tuple[str, ...]]] = []
    rows, rows_at, all_received = {}, committing, None
    while True:
        received += stack.sink.take()
        now = time.perf_counter()
        if all_received is None and len(received) >= size:
            all_received = now
        if all_received is not None or now >= rows_at:
            rows, rows_at = stack.rows(first, last), now + ROWS_INTERVAL
            # A row is sent once the mail server has accepted its mail: when every row is,
            # a mail still missing at the server is lost (counted below).
            if rows.get(MailStatus.SENT, 0) == size:
                all_sent = time.perf_counter()
                break
            if rows.get(MailStatus.FAILED):
                raise stack.fail(f"run {run}: rows failed: {stack.errors(first, last)}")
        stack.check_worker()
        if now > deadline:
            raise stack.fail(
                f"run {run}: after {now - committing:.0f} s, {len(received)} of {size} mails "
                f"received, rows {rows}, {stack.queue_length()} tasks in the queue"
            )
        time.sleep(POLL_INTERVAL)
    time.sleep(SETTLE)
    received += stack.sink.take()
    done = max(all_sent, all_received or time.perf_counter())
    worker = stack.worker_status()

    expected = {mail.message_id: mail.to for mail in mails}
    copies = Counter(message_id for message_id, _recipients in received)
    missing = [message_id for message_id in expected if message_id not in copies]
    twice = {message_id: count for message_id, count in copies.items() if count > 1}
    unknown = [message_id for message_id in copies if message_id not in expected]
    misaddressed = [
        (message_id, recipients)
        for message_id, recipients in received
        if message_id in expected and recipients != (expected[message_id],)
    ]
    problems = stack.errors(first, last)
    if len(expected) != size or missing or twice or unknown or misaddressed or problems:
        raise stack.fail(
            f"run {run}: {len(expected)} queued, {len(received)} received; "
            f"missing {len(missing)} {missing[:3]}, received more than once {len(twice)} "
            f"{list(twice.items())[:3]}, unknown {len(unknown)} {unknown[:3]}, "
            f"misaddressed {len(misaddressed)} {misaddressed[:3]}, rows not sent once "
            f"{problems}"
        )
    if stack.queue_length():
        raise stack.fail(f"run {run}: {stack.queue_length()} tasks left in the queue")

    figures = {
        "delivery_s": done - committing,
        "queue_s": committing - started,
        "dispatch_s": dispatched - committing,
        "worker_pool_peak_rss_mb": worker["pool"]["VmHWM"] / 1024,
        "worker_main_peak_rss_mb": worker["main"]["VmHWM"] / 1024,
        "worker_pool_rss_mb": worker["pool"]["VmRSS"] / 1024,
        "queueing_peak_rss_mb": queueing_peak / 1024,
        "queueing_rss_growth_mb": (queueing_peak - rss_before) / 1024,
    }
    print(
        f"    run {run}: queued {size} in {figures['queue_s']:.2f} s, tasks sent "
        f"{figures['dispatch_s']:.2f} s after the commit, all delivered after "
        f"{figures['delivery_s']:.1f} s ({size / figures['delivery_s']:.0f} mails/s); "
        f"peak RSS worker pool {figures['worker_pool_peak_rss_mb']:.0f} MB "
        f"(now {figures['worker_pool_rss_mb']:.0f}), main "
        f"{figures['worker_main_peak_rss_mb']:.0f} MB; queueing process "
        f"{figures['queueing_peak_rss_mb']:.0f} MB "
        f"(+{figures['queueing_rss_growth_mb']:.0f})",
        flush=True,
    )
    if figures["delivery_s"] > target:
        raise stack.fail(
            f"run {run}: {size} mails delivered in {figures['delivery_s']:.1f} s: "
            f"the target is under {target:.0f} s"
        )
    figures["size"] = size
    return figures


def summarise(runs: list[dict]) -> dict:
    """The timed repetitions: medians of the times, highest of the memory peaks."""
    size = runs[0]["size"]
    delivery = statistics.median(run["delivery_s"] for run in runs)
    return {
        "delivery_s": round(delivery, 2),
        "delivery_max_s": round(max(run["delivery_s"] for run in runs), 2),
        "target_s": _target_seconds(size),
        "mails_per_s": round(size / delivery, 1),
        "queue_s": round(statistics.median(run["queue_s"] for run in runs), 2),
        "dispatch_s": round(statistics.median(run["dispatch_s"] for run in runs), 2),
        **{
            key: round(max(run[key] for run in runs), 1)
            for key in (
                "worker_pool_peak_rss_mb",
                "worker_main_peak_rss_mb",
                "queueing_peak_rss_mb",
                "queueing_rss_growth_mb",
            )
        },
    }


bench_mail_delivery.summary = summarise
