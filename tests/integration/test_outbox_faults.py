"""The outbox under faults, through real workers: a clean run, a worker killed with
SIGKILL twice in the middle of a send of 1,000 result mails, Redis killed and started again
empty in the middle of a send of 2,000 (and before any worker started), the mail server
down for a while, and a mail server answering 421 ("try again later") for a stretch, then
550 ("no such mailbox") for some recipients.

Each test runs on a Redis, a mail server (aiosmtpd) and workers of its own (see the end of
conftest.py). A mail may be delayed by a fault, never lost: the sweep finds every row that
is not sent. A copy more can only come from a worker that died after the mail server took a
message and before the row was recorded as sent, so there are at most as many as there were
mails in the dead worker's hands: its concurrency, per kill. Faults that kill no worker
(Redis, the mail server) make no copy at all: the claims live in PostgreSQL.

Retries wait minutes (outbox.services.retry_delay): the tests do not wait them, they run
the sweep as of the moment the retry is due (sweep_outbox(moment=…)), which is what the
periodic sweep does once that moment has come.
"""

import time
from collections import Counter
from datetime import timedelta

import kombu.exceptions
import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.selectors import programme_mail_scope
from editions.tests.factories import ProgrammeFactory
from outbox import services
from outbox.models import Mail, MailStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAILS = 500  # the clean run, and Redis lost before any worker started
KILL_SEND = 1000  # a worker killed in the middle of this many
LARGE_SEND = 2000  # Redis restarted in the middle of this many
CONCURRENCY = 2
# The worker of the moment is killed when the mail server has received this many mails.
KILL_AFTER = (250, 650)
# Redis is killed, and started again at once, when the mail server has received this many.
REDIS_KILL_AFTER = 700
RECONNECT_TIMEOUT = 60.0
DELIVERY_TIMEOUT = 120.0
# The sweep runs when the queue is empty and no row was sent for this long…
IDLE_BEFORE_SWEEP = 1.0
# …and not more often than this.
SWEEP_INTERVAL = 2.0
QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


def queue_results(count: int, *, first: int = 0, scope: str = "", address=None) -> dict[str, str]:
    """Decide `count` result mails in one transaction; they are dispatched when it commits.
    Returns the recipient of each Message-ID."""
    address = address or (lambda number: f"producer{number}@example.org")
    with transaction.atomic():
        mails = [
            services.queue_mail(
                to=address(number),
                subject=f"Films in Progress: the selection (project {number})",
                body_text="The jury has decided. Thank you for your application.",
                language="en",
                kind="selection_result",
                scope=scope,
            )
            for number in range(first, first + count)
        ]
    return {mail.message_id: mail.to for mail in mails}


def row_statuses() -> dict[str, int]:
    rows = Mail.objects.order_by().values("status").annotate(count=Count("pk"))
    return {row["status"]: row["count"] for row in rows}


def sent_count() -> int:
    return Mail.objects.filter(status=MailStatus.SENT).count()


def state(sink, redis) -> str:
    return (
        f"mail server received {sink.count()}, rows {row_statuses()}, "
        f"messages in the queue {redis.queue_length(QUEUE)}"
    )


def wait_for(predicate, *, what: str, sink, redis, timeout: float = DELIVERY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what}: {state(sink, redis)}")
        time.sleep(0.05)


def deliver_all(*, total: int, sink, redis, sweep_moment=None) -> int:
    """Wait until every row is sent, running the outbox sweep (as of `sweep_moment`)
    whenever the queue is empty and nothing moves, as the periodic sweep would. Returns how
    many sweeps ran."""
    deadline = time.monotonic() + DELIVERY_TIMEOUT
    sweeps = 0
    last_sent, last_change, last_sweep = -1, time.monotonic(), float("-inf")
    while (sent := sent_count()) < total:
        now = time.monotonic()
        if now > deadline:
            pytest.fail(
                f"Timed out after {DELIVERY_TIMEOUT} s waiting for all {total} mails to be "
                f"sent ({sweeps} sweeps): {state(sink, redis)}"
            )
        if sent != last_sent:
            last_sent, last_change = sent, now
        idle = now - last_change >= IDLE_BEFORE_SWEEP and redis.queue_length(QUEUE) == 0
        if idle and now - last_sweep >= SWEEP_INTERVAL:
            services.sweep_outbox(moment=sweep_moment)
            sweeps += 1
            last_sweep = now
        time.sleep(0.1)
    return sweeps


def tally(sink, expected: dict[str, str]) -> dict:
    received = sink.received()
    copies = Counter(message_id for message_id, _recipients in received)
    return {
        "received": len(received),
        "copies": copies,
        "lost": sorted(set(expected) - set(copies)),
        "unknown": sorted(set(copies) - set(expected)),
        "duplicates": sum(count - 1 for count in copies.values()),
        "misaddressed": [
            (message_id, recipients)
            for message_id, recipients in received
            if recipients != (expected.get(message_id),)
        ],
    }


def report(
    capsys,
    title: str,
    figures: dict,
    *,
    kills: int,
    extra: str = "",
    queued: int = MAILS,
    lost: int | None = None,
) -> None:
    """One line in the test output, shown even when the test passes. `lost` counts the
    mails neither delivered nor accounted for (by default: not delivered)."""
    lost = len(figures["lost"]) if lost is None else lost
    with capsys.disabled():
        print(
            f"\n[outbox faults] {title}: queued {queued}, received {figures['received']} "
            f"({len(figures['copies'])} distinct), duplicates {figures['duplicates']}, "
            f"kills {kills}{extra}; faults survived, items lost: {lost}"
        )


def test_clean_run_delivers_every_mail_exactly_once(smtp_sink, own_redis, start_worker, capsys):
    start_worker(concurrency=CONCURRENCY)

    expected = queue_results(MAILS)

    wait_for(
        lambda: sent_count() == MAILS,
        what=f"all {MAILS} mails to be sent",
        sink=smtp_sink,
        redis=own_redis,
    )
    figures = tally(smtp_sink, expected)
    report(capsys, "clean run", figures, kills=0)
    assert len(expected) == MAILS
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    assert figures["duplicates"] == 0
    assert set(figures["copies"].values()) == {1}
    assert services.sweep_outbox() == 0


def test_worker_killed_mid_run_loses_no_mail_and_copies_stay_bounded(
    smtp_sink, own_redis, start_worker, capsys
):
    began = time.monotonic()
    worker = start_worker(concurrency=CONCURRENCY)
    expected = queue_results(KILL_SEND)
    # The Message-IDs of the rows a killed worker left claimed ("sending"), once per kill.
    left_claimed = Counter()
    received_at_kill = []
    claimed_per_kill = []
    released = 0
    killed_at = None

    for threshold in KILL_AFTER:
        wait_for(
            lambda threshold=threshold: smtp_sink.count() >= threshold,
            what=f"{threshold} mails to reach the mail server",
            sink=smtp_sink,
            redis=own_redis,
        )
        worker.kill()
        killed_at = timezone.now()
        received_at_kill.append(smtp_sink.count())
        worker = start_worker(concurrency=CONCURRENCY)
        # The rows the dead worker left claimed ("sending"): all claimed before the kill,
        # while the new worker's claims all come after it.
        claimed = list(
            Mail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=killed_at).values_list(
                "message_id", flat=True
            )
        )
        left_claimed.update(claimed)
        claimed_per_kill.append(len(claimed))
        # As if STALE_CLAIM had passed since the kill: those claims go back to pending, the
        # new worker's stay.
        released_now = services.release_stale_claims(moment=killed_at + services.STALE_CLAIM)
        assert released_now == len(claimed), (
            f"{len(claimed)} rows were left claimed by the killed worker, {released_now} released"
        )
        released += released_now

    sweeps = deliver_all(
        total=KILL_SEND,
        sink=smtp_sink,
        redis=own_redis,
        sweep_moment=killed_at + services.STALE_CLAIM,
    )
    figures = tally(smtp_sink, expected)
    kills = len(KILL_AFTER)
    bound = kills * CONCURRENCY
    report(
        capsys,
        "worker SIGKILL",
        figures,
        kills=kills,
        queued=KILL_SEND,
        extra=(
            f" (at {received_at_kill} received), claims left by the dead workers "
            f"{claimed_per_kill}, "
            f"duplicate bound {bound} = {kills} kills x concurrency {CONCURRENCY}, "
            f"sweeps {sweeps}, {time.monotonic() - began:.1f} s"
        ),
    )
    assert all(count < KILL_SEND for count in received_at_kill), "a kill came after the last mail"
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    # A copy more only of a mail a killed worker held, and one per such kill at most.
    over = {
        message_id: count
        for message_id, count in figures["copies"].items()
        if count > 1 + left_claimed[message_id]
    }
    assert over == {}
    assert all(count <= CONCURRENCY for count in claimed_per_kill)
    assert figures["duplicates"] <= released <= bound
    assert services.sweep_outbox() == 0


def wait_for_reconnection(app, worker, *, timeout: float = RECONNECT_TIMEOUT) -> float:
    """Seconds until the worker answers a ping again through the new Redis: it has
    reconnected (this process's own connections reconnect on the way)."""
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, "the worker exited when Redis went away"
        try:
            replies = app.control.ping(destination=[worker.hostname], timeout=1.0)
        except (redis.RedisError, kombu.exceptions.OperationalError, ConnectionError, OSError):
            time.sleep(0.1)
            continue
        if any(worker.hostname in reply for reply in replies):
            return time.monotonic() - started
    pytest.fail(f"The worker did not reconnect to the restarted Redis within {timeout} s")


def test_redis_restarted_empty_mid_send_loses_no_mail(
    smtp_sink, own_redis, own_celery_app, start_worker, capsys
):
    """Redis is killed with SIGKILL while a worker sends 2,000 mails, and started again at
    once, empty: the messages still waiting are gone. The worker reconnects; the sweep
    dispatches every row that is not sent again."""
    began = time.monotonic()
    worker = start_worker(concurrency=CONCURRENCY)
    expected = queue_results(LARGE_SEND)
    wait_for(
        lambda: smtp_sink.count() >= REDIS_KILL_AFTER,
        what=f"{REDIS_KILL_AFTER} mails to reach the mail server",
        sink=smtp_sink,
        redis=own_redis,
    )
    waiting = own_redis.queue_length(QUEUE)
    own_redis.kill()
    received_at_kill = smtp_sink.count()
    own_redis.start()
    assert own_redis.queue_length(QUEUE) == 0, "Redis came back with its data"
    reconnected_in = wait_for_reconnection(own_celery_app, worker)
    unsent_after_restart = LARGE_SEND - sent_count()

    sweeps = deliver_all(total=LARGE_SEND, sink=smtp_sink, redis=own_redis)
    figures = tally(smtp_sink, expected)
    report(
        capsys,
        "Redis SIGKILL mid-send, restarted empty",
        figures,
        kills=1,
        queued=LARGE_SEND,
        extra=(
            f" (at {received_at_kill} received), messages waiting in Redis at the kill "
            f"{waiting}, rows not sent after the restart {unsent_after_restart}, worker "
            f"reconnected in {reconnected_in:.1f} s, duplicate bound 0 (no worker died), "
            f"sweeps {sweeps}, {time.monotonic() - began:.1f} s"
        ),
    )
    assert received_at_kill < LARGE_SEND, "Redis was killed after the last mail"
    assert waiting > 0, "no message was waiting in Redis when it was killed"
    assert worker.process.poll() is None
    assert sweeps >= 1
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    # Every send follows a claim of the row in PostgreSQL, which outlived Redis: no copy.
    assert figures["duplicates"] == 0
    assert services.sweep_outbox() == 0


def test_redis_killed_before_the_workers_start_loses_no_mail(
    smtp_sink, own_redis, start_worker, capsys
):
    expected = queue_results(MAILS)  # no worker yet: the messages wait in Redis
    assert own_redis.queue_length(QUEUE) == MAILS

    own_redis.kill()
    own_redis.start()
    assert own_redis.queue_length(QUEUE) == 0, "Redis came back with its data"
    start_worker(concurrency=CONCURRENCY)

    sweeps = deliver_all(total=MAILS, sink=smtp_sink, redis=own_redis)
    figures = tally(smtp_sink, expected)
    report(
        capsys,
        "Redis SIGKILL before the workers, restarted empty",
        figures,
        kills=1,
        extra=f", messages lost with Redis {MAILS}, sweeps {sweeps}",
    )
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    assert figures["duplicates"] == 0
    assert services.sweep_outbox() == 0


def rows(**filters) -> int:
    return Mail.objects.filter(**filters).count()


SENT_BEFORE_OUTAGE = 50
QUEUED_DURING_OUTAGE = 150


def test_mail_server_down_for_a_while_delivers_every_mail_once(
    smtp_sink, own_redis, start_worker, capsys
):
    """The mail server is stopped (its port refuses connections) and 150 mails are queued:
    each fails once and waits for its retry. A server is started again on the same port;
    the sweep, run as of the moment the retries are due (one minute later, see
    retry_delay: not waited for), sends each of them, and nothing twice."""
    began = time.monotonic()
    start_worker(concurrency=CONCURRENCY)
    total = SENT_BEFORE_OUTAGE + QUEUED_DURING_OUTAGE
    before = queue_results(SENT_BEFORE_OUTAGE)
    wait_for(
        lambda: sent_count() == SENT_BEFORE_OUTAGE,
        what="the mails queued before the outage",
        sink=smtp_sink,
        redis=own_redis,
    )

    smtp_sink.stop()
    outage_began = time.monotonic()
    during = queue_results(QUEUED_DURING_OUTAGE, first=SENT_BEFORE_OUTAGE)
    wait_for(
        lambda: rows(status=MailStatus.FAILED, attempts=1) == QUEUED_DURING_OUTAGE,
        what="the mails queued while the mail server is down to fail once",
        sink=smtp_sink,
        redis=own_redis,
    )
    failed = Mail.objects.filter(status=MailStatus.FAILED)
    errors = Counter(error.split(":")[0] for error in failed.values_list("last_error", flat=True))
    retry_due = failed.latest("next_attempt_at").next_attempt_at
    assert services.sweep_outbox() == 0, "a retry was dispatched before its time"

    smtp_sink.start()
    outage = time.monotonic() - outage_began
    sweeps = deliver_all(total=total, sink=smtp_sink, redis=own_redis, sweep_moment=retry_due)
    figures = tally(smtp_sink, {**before, **during})
    attempts = Counter(Mail.objects.values_list("attempts", flat=True))
    report(
        capsys,
        "mail server down",
        figures,
        kills=0,
        queued=total,
        extra=(
            f", down {outage:.1f} s, refused while down {dict(errors)}, attempts per mail "
            f"{dict(sorted(attempts.items()))}, sweeps {sweeps} (as of the retries' moment, "
            f"{(retry_due - timezone.now()).total_seconds():.0f} s ahead), "
            f"{time.monotonic() - began:.1f} s"
        ),
    )
    assert errors == {"ConnectionRefusedError": QUEUED_DURING_OUTAGE}
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    assert figures["duplicates"] == 0
    assert attempts == {1: SENT_BEFORE_OUTAGE, 2: QUEUED_DURING_OUTAGE}
    assert rows(status=MailStatus.SENT, last_error="", next_attempt_at=None) == total
    assert services.sweep_outbox(moment=timezone.now() + timedelta(days=1)) == 0


BUSY_MAILS = 100
REFUSING_STRETCH = 2  # attempts answered 421 before the server takes mail again
REFUSED_EVERY = 5  # one recipient in five has no mailbox: answered 550


def test_mail_server_busy_then_refusing_recipients(smtp_sink, own_redis, start_worker, capsys):
    """The mail server answers 421 to every mail for a stretch, then takes them again but
    answers 550 to one recipient in five.

    The stretch is counted in attempts, not minutes: every mail is refused twice, the
    second time by the sweep run as of the moment its first retry is due (one minute after
    the first failure), and the mail server takes mail again before the sweep run as of
    the second retry (two minutes after that). Three minutes of the portal's time pass in
    a few seconds. 421 mails are delivered then, once each; 550 ones end failed with no
    further attempt, and the programme's staff find them on the outbox page with the
    server's answer."""
    began = time.monotonic()
    programme = ProgrammeFactory()
    staff = UserFactory(email="outbox-staff@example.org")
    programme.team.add(staff)
    start_worker(concurrency=CONCURRENCY)

    def address(number):
        if number % REFUSED_EVERY == 0:
            return f"gone{number}@example.org"
        return f"producer{number}@example.org"

    total = BUSY_MAILS
    smtp_sink.busy = True
    expected = queue_results(total, scope=programme_mail_scope(programme.pk), address=address)
    doomed = {to for to in expected.values() if to.startswith("gone")}
    for attempt in range(1, REFUSING_STRETCH + 1):
        wait_for(
            lambda attempt=attempt: rows(status=MailStatus.FAILED, attempts=attempt) == total,
            what=f"every mail to be refused {attempt} time(s)",
            sink=smtp_sink,
            redis=own_redis,
        )
        due = Mail.objects.latest("next_attempt_at").next_attempt_at
        assert due <= timezone.now() + services.retry_delay(attempt)
        assert services.sweep_outbox() == 0, "a retry was dispatched before its time"
        if attempt == REFUSING_STRETCH:
            smtp_sink.busy = False
            smtp_sink.refused_recipients = doomed
        assert services.sweep_outbox(moment=due) == total
    stretch = time.monotonic() - began

    wait_for(
        lambda: (
            rows(status=MailStatus.SENT) + rows(status=MailStatus.FAILED, next_attempt_at=None)
            == total
        ),
        what="every mail to be sent or refused for good",
        sink=smtp_sink,
        redis=own_redis,
    )
    figures = tally(smtp_sink, expected)
    refusals = Counter(code for code, _address in smtp_sink.refusals())
    failed = list(Mail.objects.filter(status=MailStatus.FAILED))

    client = Client()
    client.force_login(staff)
    response = client.get(reverse("editions:staff_outbox"), {"status": MailStatus.FAILED})
    listed = {row["mail"].to: row["mail"].last_error for row in response.context["rows"]}
    page = response.content.decode()
    delivered = {expected[message_id] for message_id in figures["copies"] if message_id in expected}
    # Neither delivered nor shown to staff as failed.
    unaccounted = set(expected.values()) - delivered - set(listed)
    report(
        capsys,
        "mail server 421 then 550",
        figures,
        kills=0,
        queued=total,
        lost=len(unaccounted),
        extra=(
            f", answers 421 {refusals[421]} ({REFUSING_STRETCH} attempts per mail in "
            f"{stretch:.1f} s standing for 3 min of retries), 550 {refusals[550]}, delivered "
            f"{len(figures['copies'])}, failed for good {len(failed)} and listed with their "
            f"error on the staff outbox {len(listed)}, {time.monotonic() - began:.1f} s"
        ),
    )
    # Only the mails refused for good are not delivered.
    assert set(figures["lost"]) == {m for m, to in expected.items() if to in doomed}
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    assert figures["duplicates"] == 0
    assert refusals == {421: REFUSING_STRETCH * total, 550: len(doomed)}
    assert rows(status=MailStatus.SENT, attempts=REFUSING_STRETCH + 1) == total - len(doomed)
    assert {mail.to for mail in failed} == doomed
    for mail in failed:
        assert (mail.attempts, mail.next_attempt_at) == (REFUSING_STRETCH + 1, None)
        assert mail.last_error.startswith("SMTPRecipientsRefused"), mail.last_error
        assert "550" in mail.last_error
    assert services.sweep_outbox(moment=timezone.now() + timedelta(days=1)) == 0
    # Staff see them, with the server's answer.
    assert response.status_code == 200
    assert set(listed) == doomed
    assert all("550" in error for error in listed.values())
    assert all(to in page for to in doomed)
    assert page.count("No such mailbox here") == len(doomed)
    assert unaccounted == set()
