"""The deadline rush: producers saving and submitting in the last minutes before a deadline.

The portal is served by gunicorn on PostgreSQL and driven by Locust.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wip_rush_bench make bench-rush
    make bench-rush RUSH_ARGS="--users 50 --deadline-in 180"

What it does, on 127.0.0.1 only and bounded in time:

1. creates the PostgreSQL database named in DATABASE_URL afresh (its name must contain
   "bench": it is dropped at the end, unless --keep-database) and migrates it;
2. creates a programme, a public edition in --time-zone and a call, and --users producer
   accounts (confirmed, with a password and a producer profile);
3. starts gunicorn (--workers sync workers, DEBUG off, Celery tasks run in the request,
   files in a temporary folder), then moves the call's deadline to --deadline-in seconds
   from now, on a whole second;
4. runs Locust headless (bench/deadline_rush_locustfile.py). Most producers sign in,
   start an application, fill every step with text, save drafts several times, add the
   cut, upload two PDFs and five stills, review and submit, bunched towards the
   deadline. The others wait for the deadline with an application made ready before the
   run (through the services, with the same text and files) and click "Submit" on the
   review page they opened before it: one a second before the deadline, one at the
   exact second, one a second after, and --late more up to 15 s after;
5. checks the database against what the producers saw: every submission the portal
   acknowledged (by project id) is stored, submitted before the deadline, once, with its
   two documents and five stills on disk; every submission sent at or after the deadline
   was refused with the portal's message and left the draft as it was;
6. writes the figures to bench/deadline_rush.json (--output) and a summary next to it
   (bench/deadline_rush.md): throughput, p50/p95/p99 latency per kind of request and
   overall, errors by kind, CPU time of gunicorn and Locust, the machine's load, and
   the checks.

The checks come in two groups. Correctness (exit status 1 when one fails): what was
acknowledged is stored, nothing twice, nothing at or after the deadline, every late
submission refused with the message, the second before the deadline accepted, no server
error. Capacity (reported, exit status unchanged): every producer got through and every
rushing producer submitted before the deadline, which depends on the machine.
"""

import argparse
import datetime as dt
import io
import json
import math
import os
import platform
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zoneinfo
from collections import Counter, defaultdict
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
LOCUSTFILE = BENCH_DIR / "deadline_rush_locustfile.py"
DEFAULT_OUTPUT = BENCH_DIR / "deadline_rush.json"
HOST = "127.0.0.1"
LANGUAGE = "en"
PASSWORD = "salt-river-rush-2027"  # every producer of the run has it
# Producers who wait for the deadline on purpose: a second before it, at the exact second
# and a second after (the call refuses applications from its deadline on).
EDGES = (("deadline-1s", -1.0), ("deadline+0s", 0.0), ("deadline+1s", 1.0))
LATEST_LATE_SECONDS = 15
STILLS = ("still-1", "still-2", "still-3", "still-4", "still-5")
DOCUMENTS = ("budget", "financing_plan")
LATIN_AMERICA = [
    "AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX", "NI", "PA",
    "PE", "PY", "SV", "UY", "VE",
]  # fmt: skip
# What a producer reads on the pages (in English): the portal's messages.
SUBMITTED_MESSAGE = "A confirmation is on its way to your mailbox"
NOT_SUBMITTED_MESSAGE = "Your application was not submitted."


def deadline_message(closes_at: dt.datetime, time_zone: str) -> str:
    """The refusal submit_project() gives, with the deadline in the edition's time zone."""
    local = closes_at.astimezone(zoneinfo.ZoneInfo(time_zone))
    return (
        f"The deadline has passed: applications closed on {local:%Y-%m-%d %H:%M} "
        f"({time_zone} time)."
    )


# --- What the producers type (also imported by the Locust file: standard library only) --

SENTENCES = [
    "Una madre cruza los Andes para traer a su hijo de vuelta a casa.",
    "La película sigue a Rosa durante tres inviernos en el altiplano de Puno.",
    "Entre la sal y el viento, la familia aprende a hablar de lo que perdió.",
    "O filme acompanha uma cooperativa de pescadoras no litoral do Ceará.",
    "Filmamos con actores naturales de la comunidad, en quechua y en castellano.",
    "El montaje busca el ritmo de las estaciones y de los trabajos del campo.",
]


def text(length: int, seed: int) -> str:
    """Natural-looking text of fewer than `length` characters."""
    words, index = [], seed
    while sum(len(word) + 1 for word in words) < length:
        words.append(SENTENCES[index % len(SENTENCES)])
        index += 1
    return " ".join(words)[: length - 1].rstrip() + "."


def project_values(number: int, *, complete: bool) -> dict:
    """The first step: the titles first, everything on the second save."""
    values = {
        "original_title": f"El río de sal {number}",
        "english_title": f"The Salt River {number}",
        "genre": "fiction",
        "expected_runtime": "96",
        "languages": "Spanish, Quechua; English subtitles",
    }
    if complete:
        values.update(
            logline=text(280, number),
            short_synopsis=text(650, number + 1),
            long_synopsis=text(2800, number + 2),
            director_statement=text(2300, number + 3),
            premiere_status="unreleased",
            previous_festivals=text(600, number + 4),
        )
    return values


def company_rows(number: int) -> list[dict]:
    return [
        {
            "name": f"Cine Sur Producciones {number}",
            "country": "PE",
            "role": "producer",
            "share": "70",
        },
        {"name": f"Andes Films {number}", "country": "AR", "role": "co_producer", "share": "30"},
    ]


def director_values(number: int) -> dict:
    return {
        "name": f"Rosa Quispe Mamani {number}",
        "nationality": "PE",
        "gender": "woman",
        "previous_features": "1",
        "biography": text(1000, number + 5),
    }


def financing_values(expected_completion: str) -> dict:
    return {
        "currency": "USD",
        "total_budget": "452000.00",
        "secured_amount": "318500.00",
        "expected_completion": expected_completion,
    }


POST_PRODUCTION = [
    {"need": "colour", "amount": "42000", "details": "Etalonaje en Lima, 12 días"},
    {"need": "sound", "amount": "61000", "details": "Diseño sonoro y mezcla 5.1"},
]


def cut_values(number: int, cut_date: str) -> dict:
    return {
        "stage": "rough_cut",
        "runtime": "94",
        "cut_date": cut_date,
        "subtitles": "en",
        "screener_url": f"https://vimeo.com/{880000000 + number}",
        "screener_password": "salar-2027",
        "changes": "",
    }


# --- Options and database ---------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.deadline_rush", description=__doc__.split("\n")[0]
    )
    add = parser.add_argument
    add("--users", type=int, default=100, help="producers (100)")
    add("--spawn-rate", type=float, default=10, help="producers started a second (10)")
    add("--deadline-in", type=int, default=300, help="seconds from the start to the deadline (300)")
    add("--late", type=int, default=5, help="producers who submit 3–15 s after the deadline (5)")
    add("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn (2×CPUs+1)")
    add("--time-zone", default="Europe/Madrid", help="the edition's (Europe/Madrid)")
    add(
        "--guard",
        type=int,
        default=10,
        help="seconds before the deadline by which the rushing producers aim to submit (10)",
    )
    add("--login-spread", type=int, default=60, help="producers arrive over this many s (60)")
    add("--seed", type=int, default=2027, help="for the producers' pacing (2027)")
    add("--output", default=str(DEFAULT_OUTPUT), help="the JSON figures (the .md goes beside)")
    add("--keep-database", action="store_true", help="leave the database and files to inspect")
    args = parser.parse_args(argv)
    if args.late < 0 or args.users < len(EDGES) + args.late + 1:
        parser.error(f"--users must be at least {len(EDGES) + 1} plus --late")
    if not 60 <= args.deadline_in <= 300:
        parser.error("--deadline-in must be from 60 to 300 seconds (a run stays under ~6 min)")
    if args.spawn_rate <= 0 or args.workers < 1 or args.guard < 2 or args.login_spread < 0:
        parser.error("--spawn-rate and --workers must be positive, --guard at least 2")
    if args.guard + args.login_spread + 40 > args.deadline_in:
        parser.error("--deadline-in must leave 40 s after --login-spread and --guard")
    try:
        zoneinfo.ZoneInfo(args.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        parser.error(f"unknown time zone {args.time_zone}")
    return args


def check_database_url() -> str:
    """The DATABASE_URL to use, or exit: a PostgreSQL database named *bench*."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database whose name contains “bench”, e.g. "
            "postgres://postgres@127.0.0.1:5432/wip_rush_bench. It is dropped and created again."
        )
    config = dj_database_url.parse(url)
    name = str(config["NAME"] or "")
    if "bench" not in name:
        sys.exit(
            f"DATABASE_URL names the database “{name}”. The load test drops and creates the "
            "database it runs on, so it only uses one whose name contains “bench”, e.g. "
            "postgres://postgres@127.0.0.1:5432/wip_rush_bench."
        )
    if "postgresql" not in config["ENGINE"]:
        sys.exit("The load test runs gunicorn's workers on PostgreSQL: give a postgres:// URL.")
    return url


def recreate_database() -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    quoted = connection.ops.quote_name(name)
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        cursor.execute(f"CREATE DATABASE {quoted}")
    print(f"Created a fresh database {name}.", flush=True)


def drop_database() -> None:
    from django.db import DatabaseError, connection

    name = connection.settings_dict["NAME"]
    connection.close()
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
    except DatabaseError as error:
        print(f"Could not drop database {name}: {error}")
    else:
        print(f"Dropped database {name}.")


# --- The call, the producers and their files --------------------------------------------


def create_call(time_zone: str):
    from django.utils import timezone

    from editions import services
    from editions.models import Call, Edition, EditionState, Material, ProductionStage, Programme

    now = timezone.now()
    programme = services.save_programme(
        programme=Programme(
            name="Films in Progress",
            slug="films-in-progress",
            organisers="Cinélatino, Rencontres de Toulouse; San Sebastián Festival",
            description="Latin American works in progress shown to industry professionals.",
        )
    )
    edition = services.save_edition(
        edition=Edition(
            programme=programme,
            number=1,
            year=now.year,
            slug=str(now.year),
            time_zone=time_zone,
            starts_on=dt.date(now.year, 1, 1),
            ends_on=dt.date(now.year, 12, 31),
        )
    )
    services.set_edition_state(edition=edition, state=EditionState.PUBLIC)
    # The deadline is moved to its real moment once gunicorn is up.
    return services.save_call(
        call=Call(
            edition=edition,
            title=f"Call for works in progress {now.year}",
            guidelines="Latin American feature films in post-production.",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now + dt.timedelta(days=1),
            eligible_countries=LATIN_AMERICA,
            minimum_runtime=60,
            accepted_stages=[ProductionStage.ROUGH_CUT, ProductionStage.FINE_CUT],
            required_materials=[
                Material.STILLS,
                Material.SCREENER,
                Material.BUDGET,
                Material.FINANCING_PLAN,
            ],
            max_stills=6,
        )
    )


def create_producers(count: int) -> list:
    """Confirmed accounts with a producer profile. They share one password hash: hashing
    it once instead of once per account saves a third of a second each (the portal's
    hasher is slow on purpose), and signing in still checks it the full way."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from submissions import services
    from submissions.models import ProducerProfile

    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                email=f"producer-{number:03d}@rush.bench.example.org",
                full_name=f"Productora {number:03d}",
                language=LANGUAGE,
                email_confirmed=True,
                password=hashed,
            )
            for number in range(count)
        ]
    )
    for user in users:
        services.save_profile(
            profile=ProducerProfile(
                user=user,
                company=f"Cine Sur Producciones {user.full_name[-3:]}",
                country="PE",
                address="Jr. de la Unión 1040, Lima",
                phone="+51 1 555 0100",
                contact_person=user.full_name,
            )
        )
    return users


def prepare_application(call, user, number: int, contents: dict, dates: dict) -> int:
    """A complete draft made through the services, as the rushing producers make theirs
    through the pages: the same text, companies, director, cut, PDFs and stills."""
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from submissions import eligibility, services, uploads
    from submissions.models import Cut, Director, PostProductionItem, ProjectCompany

    financing = financing_values(dates["expected_completion"])
    project = services.create_project(
        call=call,
        owner=user,
        **project_values(number, complete=True),
        currency=financing["currency"],
        total_budget=Decimal(financing["total_budget"]),
        secured_amount=Decimal(financing["secured_amount"]),
        expected_completion=dt.date.fromisoformat(financing["expected_completion"]),
    )
    for position, row in enumerate(company_rows(number)):
        ProjectCompany.objects.create(
            project=project, position=position, **{**row, "share": Decimal(row["share"])}
        )
    Director.objects.create(project=project, **director_values(number))
    for row in POST_PRODUCTION:
        PostProductionItem.objects.create(
            project=project, **{**row, "amount": Decimal(row["amount"])}
        )
    cut = cut_values(number, dates["cut_date"])
    services.add_cut(
        project=project,
        by=user,
        cut=Cut(**{**cut, "cut_date": dt.date.fromisoformat(cut["cut_date"])}),
    )
    for kind in DOCUMENTS:
        upload = SimpleUploadedFile(f"{kind}.pdf", contents[kind], "application/pdf")
        uploads.save_document(project=project, by=user, kind=kind, upload=upload)
    stills = []
    for name in STILLS:
        upload = SimpleUploadedFile(f"{name}.jpg", contents[name], "image/jpeg")
        stills.append((upload, uploads.check_image(upload)))
    uploads.add_stills(project=project, by=user, uploads=stills)
    failures = eligibility.failures(eligibility.check_project(project))
    if failures:
        sys.exit(f"A prepared application is not complete: {[f.message for f in failures]}")
    return project.pk


def make_pdf(title: str, pages: int) -> bytes:
    """A valid PDF of text pages (catalogue, page tree, font, pages, cross-reference)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for page in range(pages):
        lines = [f"{title} - page {page + 1} of {pages}"] + [
            f"{row:03d}  Line {row:02d}: post-production item, supplier, days, rate, amount "
            f"USD {1250 * (row + 1) + 17 * page:,}.00"
            for row in range(48)
        ]
        text = " T* ".join(
            "({})'".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
            for line in lines
        )
        stream = f"BT /F1 9 Tf 14 TL 50 800 Td {text} ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % len(objects)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_still(number: int) -> bytes:
    """A 1920 × 1080 JPEG with gradients and grain: about 600 KB, like a frame grab."""
    from PIL import Image

    size = (1920, 1080)
    gradient = Image.linear_gradient("L").resize(size)
    grain = Image.effect_noise(size, 60)
    image = Image.merge("RGB", (gradient, gradient.rotate(180), grain))
    tint = Image.new("RGB", size, (40 * number, 120, 200 - 30 * number))
    buffer = io.BytesIO()
    Image.blend(image, tint, 0.3).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_files() -> dict[str, bytes]:
    """The two PDFs and five stills every producer uploads, checked as the portal checks
    uploads before the run starts."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from submissions.uploads import check_image, check_pdf

    contents = {
        "budget": make_pdf("Budget", 12),
        "financing_plan": make_pdf("Financing plan", 8),
        **{name: make_still(number) for number, name in enumerate(STILLS)},
    }
    for name, content in contents.items():
        upload = SimpleUploadedFile(name, content)
        check_pdf(upload) if name in DOCUMENTS else check_image(upload)
    return contents


def plan_producers(emails: list[str], args) -> list[dict]:
    """Who does what, in the order Locust starts them. Offsets are seconds from the
    deadline: `ready_offset` is when the producer has submitted (or, for those who wait
    for the deadline, has the review page open); `submit_offset` when those click
    "Submit" on it."""
    rng = random.Random(args.seed)
    window = args.deadline_in - args.guard - args.login_spread - 40
    late_offsets = [
        3 + (LATEST_LATE_SECONDS - 3) * index / max(1, args.late - 1) for index in range(args.late)
    ]
    waiting = [*EDGES, *((f"late+{offset:.0f}s", offset) for offset in late_offsets)]
    plans = []
    for number, email in enumerate(emails):
        start_delay = rng.uniform(0, args.login_spread)
        if number < len(waiting):
            role, submit_offset = waiting[number]
            ready_offset = -(args.guard + 20 + 40 * rng.random())
        else:
            role, submit_offset = "rush", None
            # Most submissions come in the last part of the window.
            ready_offset = -(args.guard + window * rng.random() ** 2)
        plans.append(
            {
                "number": number,
                "email": email,
                "role": role,
                "prepared": submit_offset is not None,
                "project_id": None,
                "start_delay": round(start_delay, 3),
                "ready_offset": round(ready_offset, 3),
                "submit_offset": submit_offset,
            }
        )
    return plans


# --- gunicorn and Locust ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def portal_environment(database_url: str, media_root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="wip_portal.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        CELERY_TASK_ALWAYS_EAGER="1",
        MEDIA_ROOT=str(media_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def children_cpu() -> float:
    """CPU seconds of the child processes waited for so far (with their own children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_gunicorn(env, port: int, workers: int, log_path: Path) -> subprocess.Popen:
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "wip_portal.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped at start; see {log_path}:\n{log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop(process)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(env, config_path: Path, args, port: int, run_time: int, log_path: Path) -> dict:
    """Locust headless, bounded by --run-time (and killed a minute after it). Returns
    its exit status, CPU seconds and the machine's load average while it ran."""
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{run_time}s",
        "--host",
        f"http://{HOST}:{port}",
        "--only-summary",
        "--stop-timeout",
        "5",
        "--loglevel",
        "WARNING",
    ]
    loads = [os.getloadavg()[0]]
    cpu_before = children_cpu()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "RUSH_CONFIG": str(config_path)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        give_up = time.monotonic() + run_time + 60
        while process.poll() is None and time.monotonic() < give_up:
            time.sleep(5)
            loads.append(os.getloadavg()[0])
        stop(process)
    return {
        "exit_status": process.returncode,
        "cpu_s": round(children_cpu() - cpu_before, 1),
        "load_average_1min": {
            "start": round(loads[0], 2),
            "mean": round(sum(loads) / len(loads), 2),
            "max": round(max(loads), 2),
        },
    }


# --- Checks and figures -----------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency(durations: list[float], seconds: float) -> dict:
    return {
        "requests": len(durations),
        "throughput_rps": round(len(durations) / seconds, 2),
        "p50_ms": round(percentile(durations, 0.50), 1),
        "p95_ms": round(percentile(durations, 0.95), 1),
        "p99_ms": round(percentile(durations, 0.99), 1),
        "max_ms": round(max(durations), 1),
    }


def request_figures(requests: list[list], deadline: float) -> dict:
    """Latency per kind and overall, errors by kind, and the load over time. A request
    is [kind, start (epoch s), duration ms, ok, error, HTTP status]."""
    if not requests:
        return {"duration_s": 0, "overall": {}, "by_kind": {}, "errors": {"total": 0}}
    first = min(request[1] for request in requests)
    last = max(request[1] + request[2] / 1000 for request in requests)
    seconds = max(last - first, 0.001)
    by_kind, errors, statuses = defaultdict(list), defaultdict(Counter), Counter()
    by_slice = defaultdict(list)
    for kind, start, ms, ok, error, status in requests:
        by_kind[kind].append(ms)
        statuses[status] += 1
        by_slice[math.floor((start - deadline) / 30)].append(ms)
        if not ok:
            errors[kind][error] += 1
    return {
        "duration_s": round(seconds, 1),
        "overall": latency([request[2] for request in requests], seconds),
        "by_kind": {kind: latency(values, seconds) for kind, values in sorted(by_kind.items())},
        "errors": {
            "total": sum(sum(counter.values()) for counter in errors.values()),
            "by_kind": {
                kind: {
                    "count": sum(counter.values()),
                    "examples": [message for message, _count in counter.most_common(3)],
                }
                for kind, counter in sorted(errors.items())
            },
        },
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        # Requests started in each 30 s, counted from the deadline (0 = its first 30 s).
        "timeline": [
            {
                "from_deadline_s": index * 30,
                "requests": len(values),
                "rps": round(len(values) / 30, 1),
                "p50_ms": round(percentile(values, 0.5)),
                "p95_ms": round(percentile(values, 0.95)),
            }
            for index, values in sorted(by_slice.items())
        ],
    }


def verify(call, producers: list[dict], media_root: Path) -> dict:
    """What the database holds against what each producer was told."""
    from submissions.models import Project, ProjectStatus

    closes_at = call.closes_at
    deadline = closes_at.timestamp()
    projects = {
        project.pk: project
        for project in Project.objects.filter(call=call)
        .select_related("owner")
        .prefetch_related("stills", "documents")
    }
    acknowledged = [p["acknowledged_id"] for p in producers if p["acknowledged_id"]]
    problems = []
    stored = 0
    for producer in producers:
        pk = producer["acknowledged_id"]
        if not pk:
            continue
        project = projects.get(pk)
        if project is None:
            problems.append(f"{pk}: acknowledged but not in the database")
            continue
        stills = list(project.stills.all())
        documents = list(project.documents.all())
        files = [still.original.name for still in stills]
        files += [name for still in stills for name in (still.web.name, still.thumbnail.name)]
        files += [document.file.name for document in documents]
        issues = []
        if project.status != ProjectStatus.SUBMITTED:
            issues.append(f"status {project.status}")
        if project.owner.email != producer["email"]:
            issues.append(f"owned by {project.owner.email}, acknowledged to {producer['email']}")
        if project.submitted_at is None or project.submitted_at >= closes_at:
            issues.append(f"submitted at {project.submitted_at}, deadline {closes_at}")
        if len(stills) != len(STILLS) or any(still.status != "ready" for still in stills):
            issues.append(f"{len(stills)} stills ({[still.status for still in stills]})")
        if sorted(document.kind for document in documents) != sorted(DOCUMENTS):
            issues.append(f"documents {[document.kind for document in documents]}")
        missing_files = [name for name in files if not name or not (media_root / name).is_file()]
        if missing_files:
            issues.append(f"{len(missing_files)} files missing on disk")
        if issues:
            problems.append(f"{pk}: " + "; ".join(issues))
        else:
            stored += 1
    per_owner = Counter(project.owner_id for project in projects.values())
    duplicated = (
        (len(acknowledged) - len(set(acknowledged)))
        + sum(count - 1 for count in per_owner.values() if count > 1)
        + sum(1 for project in projects.values() if len(project.stills.all()) > len(STILLS))
    )
    submitted = {
        pk for pk, project in projects.items() if project.status == ProjectStatus.SUBMITTED
    }
    tried = [p for p in producers if p["submit"]]
    after = [p for p in tried if p["submit"]["sent"] >= deadline]
    before = [p for p in tried if p["submit"]["sent"] < deadline]

    def left_as_draft(producer):
        project = projects.get(producer["project_id"])
        return (
            project is not None
            and project.status == ProjectStatus.DRAFT
            and project.submitted_at is None
        )

    return {
        "acknowledged": len(acknowledged),
        "stored": stored,
        "missing": len(set(acknowledged)) - stored,
        "duplicated": duplicated,
        "problems": problems[:20],
        "submitted_in_database": len(submitted),
        "stored_not_acknowledged": len(submitted - set(acknowledged)),
        "stored_at_or_after_deadline": Project.objects.filter(
            call=call, submitted_at__gte=closes_at
        ).count(),
        "late": {
            "attempts": len(after),
            "deliberate": sum(1 for p in after if p["role"] != "rush"),
            "refused": sum(1 for p in after if p["submit"]["outcome"] == "refused"),
            "refused_with_the_deadline_message": sum(
                1 for p in after if p["submit"].get("deadline_message")
            ),
            "accepted": sum(1 for p in after if p["submit"]["outcome"] == "accepted"),
            "left_as_drafts": sum(1 for p in after if left_as_draft(p)),
        },
        "before_deadline": {
            "attempts": len(before),
            "accepted": sum(1 for p in before if p["submit"]["outcome"] == "accepted"),
            # Sent in time, but judged once the deadline had passed (the server's clock
            # decides, when the request's turn comes).
            "refused_answered_after_the_deadline": sum(
                1
                for p in before
                if p["submit"]["outcome"] == "refused" and p["submit"]["received"] >= deadline
            ),
            "refused_answered_before_the_deadline": sum(
                1
                for p in before
                if p["submit"]["outcome"] == "refused" and p["submit"]["received"] < deadline
            ),
        },
        "edges": {
            p["role"]: {
                "sent_from_deadline_s": p["submit"]["sent_from_deadline_s"],
                "response_ms": round((p["submit"]["received"] - p["submit"]["sent"]) * 1000, 1),
                "outcome": p["submit"]["outcome"],
                **(
                    {
                        "stored_submitted_at_from_deadline_s": round(
                            (projects[p["project_id"]].submitted_at - closes_at).total_seconds(), 3
                        )
                    }
                    if p["submit"]["outcome"] == "accepted"
                    and projects[p["project_id"]].submitted_at
                    else {}
                ),
            }
            for p in tried
            if p["role"] in dict(EDGES)
        },
    }


def submission_timeline(producers: list[dict], deadline: float) -> dict:
    """When the accepted submissions were sent, by minute before the deadline."""
    sent = [p["submit"]["sent"] for p in producers if p["acknowledged_id"] and p["submit"]]
    buckets = Counter(math.floor((moment - deadline) / 60) for moment in sent)
    return {
        "last_60s": sum(1 for moment in sent if moment >= deadline - 60),
        "by_minute_before_deadline": {
            f"{-minute - 1}–{-minute} min": buckets[minute] for minute in sorted(buckets)
        },
    }


def machine() -> dict:
    from django.db import connection

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.1f} GB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0].split()[0]
    return {
        "platform": platform.platform(),
        "cpu": model or platform.processor(),
        "cpus": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "postgresql": postgresql,
        "gunicorn": metadata.version("gunicorn"),
        "locust": metadata.version("locust"),
    }


def command_line(argv: list[str]) -> str:
    import dj_database_url

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    user = f"{config['USER']}@" if config.get("USER") else ""
    url = f"postgres://{user}{config['HOST']}:{config['PORT'] or 5432}/{config['NAME']}"
    rush_args = f' RUSH_ARGS="{" ".join(argv)}"' if argv else ""
    return f"DATABASE_URL={url} make bench-rush{rush_args}"


def checks_of(args, producers, found, requests, server_log) -> tuple[dict, dict]:
    edges = found["edges"]
    late = found["late"]
    statuses = requests.get("statuses", {})
    correctness = {
        "every acknowledged submission stored, with 2 PDFs and 5 stills on disk": (
            found["missing"] == 0 and found["acknowledged"] == found["stored"]
        ),
        "none duplicated": found["duplicated"] == 0,
        "nothing stored at or after the deadline": found["stored_at_or_after_deadline"] == 0,
        "every submission sent at or after the deadline refused with the message, its draft "
        "kept": late["accepted"] == 0
        and late["attempts"]
        == late["refused"]
        == late["refused_with_the_deadline_message"]
        == late["left_as_drafts"],
        "every deliberate late submission made": late["deliberate"] == len(EDGES) - 1 + args.late,
        "no submission answered before the deadline refused": found["before_deadline"][
            "refused_answered_before_the_deadline"
        ]
        == 0,
        "deadline-1s accepted": edges.get("deadline-1s", {}).get("outcome") == "accepted",
        "deadline+0s refused": edges.get("deadline+0s", {}).get("outcome") == "refused",
        "deadline+1s refused": edges.get("deadline+1s", {}).get("outcome") == "refused",
        "no server error": "Traceback" not in server_log
        and not any(status.startswith("5") for status in statuses),
    }
    rushing = [p for p in producers if p["role"] == "rush"]
    capacity = {
        "every producer got through": len(producers) == args.users
        and all(p["finished"] for p in producers),
        "every rushing producer acknowledged before the deadline": len(rushing)
        == args.users - len(EDGES) - args.late
        and all(p["acknowledged_id"] for p in rushing),
        "no request failed": requests["errors"]["total"] == 0,
    }
    return correctness, capacity


def write_markdown(path: Path, figures: dict) -> None:
    by_kind = figures["latency_ms"]["by_kind"]
    overall = figures["latency_ms"]["overall"]
    errors = figures["errors"]
    settings = figures["settings"]
    late = figures["late"]
    machine_ = figures["machine"]
    cpu = figures["cpu_s"]
    rows = [
        f"| {kind} | {f['requests']} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f} | "
        f"{f['p99_ms']:.0f} | {f['max_ms']:.0f} | "
        f"{errors.get('by_kind', {}).get(kind, {}).get('count', 0)} |"
        for kind, f in by_kind.items()
    ]
    edges = [
        f"- {role}: sent {edge['sent_from_deadline_s']:+.3f} s from the deadline, "
        f"{edge['outcome']}, answered in {edge['response_ms']:.0f} ms"
        + (
            f" (stored as submitted {edge['stored_submitted_at_from_deadline_s']:+.3f} s)"
            if "stored_submitted_at_from_deadline_s" in edge
            else ""
        )
        for role, edge in figures["edges"].items()
    ]
    timeline = [
        f"| {slice_['from_deadline_s']:+d} s | {slice_['requests']} | {slice_['rps']} | "
        f"{slice_['p50_ms']} | {slice_['p95_ms']} |"
        for slice_ in figures["timeline"]
    ]

    def ticks(checks):
        return [f"- {'✓' if ok else '✗'} {name}" for name, ok in checks.items()]

    notes = []
    share = cpu["gunicorn"] / max(figures["duration_s"], 1)
    if not figures["capacity_met"]:
        notes.append(
            f"The portal did not keep up on this machine: {figures['users_finished']} of "
            f"{settings['users']} producers got through in the time allowed, with gunicorn "
            f"getting {share:.2f} of the {machine_['cpus']} CPUs on average (load average "
            f"{figures['load_average_1min']['mean']} during the run)."
        )
    first = figures["edges"].get("deadline-1s", {})
    if first.get("outcome") == "refused" and first.get("response_ms", 0) > 1000:
        notes.append(
            "The submission sent a second before the deadline was answered after "
            f"{first['response_ms'] / 1000:.1f} s, most of it waiting for a worker, and was "
            "judged after the deadline: the server's clock decides when the request is "
            "handled, not when it was sent."
        )

    lines = [
        "# Deadline rush",
        "",
        f"{settings['users']} producers sign in, fill an application (text, two PDFs, five "
        "stills), save drafts and submit in the last minutes before a call's deadline, "
        "against the portal served by gunicorn on PostgreSQL, with Locust on 127.0.0.1. "
        "Written by `bench/deadline_rush.py` (what it does is in its docstring); every "
        "figure is in `bench/deadline_rush.json`.",
        "",
        f"Latest run: {figures['date']}. Correctness: "
        f"{'every check passed' if figures['passed'] else 'A CHECK FAILED'}; capacity: "
        f"{'met' if figures['capacity_met'] else 'not met on this machine'}.",
        "",
        "```sh",
        figures["command"],
        "```",
        "",
        f"- Machine: {machine_['cpu']}, {machine_['cpus']} CPUs, {machine_['memory']}; "
        f"PostgreSQL {machine_['postgresql']}, Python {machine_['python']}, Django "
        f"{machine_['django']}, gunicorn {machine_['gunicorn']} ({settings['workers']} sync "
        f"workers), Locust {machine_['locust']}, all on the same machine. Load average "
        f"during the run, its own processes included, {figures['load_average_1min']['mean']} (max "
        f"{figures['load_average_1min']['max']}, "
        f"{figures['load_average_1min']['start']} at the start); CPU time: gunicorn "
        f"{cpu['gunicorn']} s (on average {cpu['gunicorn'] / max(figures['duration_s'], 1):.2f} "
        f"of the {machine_['cpus']} CPUs), Locust {cpu['locust']} s.",
        f"- {settings['users']} producers arriving over {settings['login_spread_s']} s, "
        f"deadline {settings['deadline_in_s']} s after the start "
        f"({figures['deadline']['local']}, {figures['deadline']['time_zone']}); "
        f"{settings['users'] - settings['waiting_users']} fill their application in the "
        f"run, {settings['waiting_users']} have it ready and wait for the deadline.",
        f"- {figures['requests']} requests in {figures['duration_s']} s: "
        f"**{figures['throughput_rps']} requests/s**, p50 {overall.get('p50_ms', 0):.0f} ms, "
        f"p95 {overall.get('p95_ms', 0):.0f} ms, p99 {overall.get('p99_ms', 0):.0f} ms; "
        f"{errors['total']} failed.",
        f"- Acknowledged **{figures['acknowledged']}**, stored {figures['stored']}, missing "
        f"**{figures['missing']}**, duplicated **{figures['duplicated']}**; "
        f"{figures['submissions']['last_60s']} acknowledged in the last minute.",
        f"- Sent at or after the deadline: {late['attempts']} ({late['deliberate']} on "
        f"purpose), **{late['refused']} refused** ({late['refused_with_the_deadline_message']} "
        f"with the deadline message), {late['accepted']} accepted; stored at or after the "
        f"deadline: {figures['stored_at_or_after_deadline']}.",
        *edges,
        "",
        *(f"{note}\n" for note in notes),
        "| request | count | p50 ms | p95 ms | p99 ms | max ms | failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        f"| **all** | {overall.get('requests', 0)} | {overall.get('p50_ms', 0):.0f} | "
        f"{overall.get('p95_ms', 0):.0f} | {overall.get('p99_ms', 0):.0f} | "
        f"{overall.get('max_ms', 0):.0f} | {errors['total']} |",
        "",
        "Requests started in each 30 s, from the deadline:",
        "",
        "| from | requests | per s | p50 ms | p95 ms |",
        "| ---: | ---: | ---: | ---: | ---: |",
        *timeline,
        "",
        "Correctness:",
        "",
        *ticks(figures["checks"]),
        "",
        "Capacity:",
        "",
        *ticks(figures["capacity"]),
        "",
    ]
    if figures["producer_errors"]:
        lines += [
            "Producers who did not get through:",
            "",
            *(f"- {count} × {error}" for error, count in figures["producer_errors"].items()),
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


# --- The run ----------------------------------------------------------------------------


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    database_url = check_database_url()
    workdir = Path(tempfile.mkdtemp(prefix="wip-rush-"))
    media_root = workdir / "media"
    media_root.mkdir()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wip_portal.settings",
        MEDIA_ROOT=str(media_root),
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)

    import django

    django.setup()

    from django.core.management import call_command
    from django.utils import timezone

    from editions import services as edition_services

    gunicorn = None
    started = time.monotonic()
    try:
        recreate_database()
        call_command("migrate", verbosity=0, interactive=False)
        call = create_call(args.time_zone)
        users = create_producers(args.users)
        contents = make_files()
        files = {}
        for name, content in contents.items():
            files[name] = str(workdir / name)
            (workdir / name).write_bytes(content)
        now = timezone.now().replace(microsecond=0)
        dates = {
            "expected_completion": (now + dt.timedelta(days=240)).date().isoformat(),
            "cut_date": (now - dt.timedelta(days=12)).date().isoformat(),
        }
        plans = plan_producers([user.email for user in users], args)
        for plan, user in zip(plans, users, strict=True):
            if plan["prepared"]:
                plan["project_id"] = prepare_application(
                    call, user, plan["number"], contents, dates
                )
        waiting = sum(1 for plan in plans if plan["prepared"])
        print(
            f"Set up {args.users} producers ({waiting} with their application ready) and a "
            f"call in {time.monotonic() - started:.0f} s.",
            flush=True,
        )

        port = free_port()
        env = portal_environment(database_url, media_root)
        gunicorn = start_gunicorn(env, port, args.workers, workdir / "gunicorn.log")

        call.closes_at = timezone.now().replace(microsecond=0) + dt.timedelta(
            seconds=args.deadline_in + 1
        )
        call = edition_services.save_call(call=call)
        deadline = call.closes_at.timestamp()
        config = {
            "language": LANGUAGE,
            "call_id": call.pk,
            "users": args.users,
            "password": PASSWORD,
            "deadline_epoch": deadline,
            "producers": plans,
            "files": files,
            **dates,
            "submitted_message": SUBMITTED_MESSAGE,
            "not_submitted_message": NOT_SUBMITTED_MESSAGE,
            "deadline_message": deadline_message(call.closes_at, args.time_zone),
            "record_path": str(workdir / "records.json"),
        }
        config_path = workdir / "config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        run_time = args.deadline_in + LATEST_LATE_SECONDS + 15
        local = timezone.localtime(call.closes_at, call.edition.tz)
        print(
            f"gunicorn on {HOST}:{port} ({args.workers} workers); deadline "
            f"{local:%Y-%m-%d %H:%M:%S} {args.time_zone}, in {args.deadline_in} s. "
            f"Locust: {args.users} producers, at most {run_time} s…",
            flush=True,
        )
        locust = run_locust(env, config_path, args, port, run_time, workdir / "locust.log")
        cpu_before_stop = children_cpu()
        stop(gunicorn)
        gunicorn_cpu = children_cpu() - cpu_before_stop
        server_log = (workdir / "gunicorn.log").read_text(encoding="utf-8", errors="replace")

        record_path = Path(config["record_path"])
        if not record_path.exists():
            print((workdir / "locust.log").read_text()[-3000:])
            print("Locust wrote no records.")
            return 1
        records = json.loads(record_path.read_text(encoding="utf-8"))
        producers = records["producers"]
        requests = request_figures(records["requests"], deadline)
        found = verify(call, producers, media_root)
        correctness, capacity = checks_of(args, producers, found, requests, server_log)
        flow_errors = Counter(
            f"{p['role']}, at “{p['step']}”: {p['error'] or 'did not finish'}"
            for p in producers
            if not p["finished"]
        )
        figures = {
            "name": "deadline_rush",
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": command_line(argv),
            "machine": machine(),
            "load_average_1min": locust["load_average_1min"],
            "cpu_s": {"gunicorn": round(gunicorn_cpu, 1), "locust": locust["cpu_s"]},
            "settings": {
                "users": args.users,
                "waiting_users": waiting,
                "spawn_rate": args.spawn_rate,
                "deadline_in_s": args.deadline_in,
                "late_users": args.late,
                "guard_s": args.guard,
                "login_spread_s": args.login_spread,
                "workers": args.workers,
                "time_zone": args.time_zone,
                "seed": args.seed,
                "run_time_limit_s": run_time,
            },
            "deadline": {
                "utc": call.closes_at.isoformat(),
                "local": local.isoformat(),
                "time_zone": args.time_zone,
            },
            "passed": all(correctness.values()),
            "capacity_met": all(capacity.values()),
            "checks": correctness,
            "capacity": capacity,
            "users": args.users,
            "users_finished": sum(1 for p in producers if p["finished"]),
            "duration_s": requests["duration_s"],
            "requests": requests["overall"].get("requests", 0),
            "throughput_rps": requests["overall"].get("throughput_rps", 0),
            "latency_ms": {"overall": requests["overall"], "by_kind": requests["by_kind"]},
            "errors": requests["errors"],
            "statuses": requests.get("statuses", {}),
            "timeline": requests.get("timeline", []),
            "producer_errors": dict(flow_errors.most_common(10)),
            **{key: value for key, value in found.items() if key != "edges"},
            "late_refused": found["late"]["refused"],
            "edges": found["edges"],
            "submissions": submission_timeline(producers, deadline),
            "locust_exit_status": locust["exit_status"],
            "run_time_s": round(time.monotonic() - started, 1),
        }
        output = Path(args.output)
        output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
        write_markdown(output.with_suffix(".md"), figures)
        report(figures, output, server_log)
        return 0 if figures["passed"] else 1
    finally:
        stop(gunicorn)
        if args.keep_database:
            print(f"Kept the database; files in {workdir}.")
        else:
            drop_database()
            shutil.rmtree(workdir, ignore_errors=True)


def report(figures: dict, output: Path, server_log: str) -> None:
    overall = figures["latency_ms"]["overall"]
    print(
        f"\n{overall.get('requests', 0)} requests, {figures['throughput_rps']} requests/s; "
        f"p50 {overall.get('p50_ms')} ms, p95 {overall.get('p95_ms')} ms, p99 "
        f"{overall.get('p99_ms')} ms; {figures['errors']['total']} failed. CPU: "
        f"{figures['cpu_s']}; load average {figures['load_average_1min']}."
    )
    print(
        f"Acknowledged {figures['acknowledged']}, stored {figures['stored']}, missing "
        f"{figures['missing']}, duplicated {figures['duplicated']}; late refused "
        f"{figures['late_refused']} of {figures['late']['attempts']}."
    )
    for role, edge in figures["edges"].items():
        print(f"  {role}: {edge}")
    for problem in figures["problems"]:
        print(f"  problem: {problem}")
    for error, count in figures["producer_errors"].items():
        print(f"  {count} × {error}")
    for kind, error in figures["errors"].get("by_kind", {}).items():
        print(f"  failed {kind}: {error}")
    if "Traceback" in server_log:
        print(server_log[-3000:])
    for group in ("checks", "capacity"):
        for name, ok in figures[group].items():
            print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    print(f"Wrote {output} and {output.with_suffix('.md')} in {figures['run_time_s']} s.")


if __name__ == "__main__":
    sys.exit(main())
