"""The outbox under faults: 500 result mails through a real worker, a worker killed with
SIGKILL in the middle, and Redis killed and started again empty.

Each test runs on a Redis, a mail server (aiosmtpd) and workers of its own (see the end of
conftest.py). A mail may be delayed by a fault, never lost: the sweep finds every row that
is not sent. A copy more can only come from a worker that died after the mail server took a
message and before the row was recorded as sent, so there are at most as many as there were
mails in the dead worker's hands: its concurrency, per kill.
"""

import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from outbox import services
from outbox.models import Mail, MailStatus

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MAILS = 500
CONCURRENCY = 2
# The worker of the moment is killed when the mail server has received this many mails.
KILL_AFTER = (100, 300)
DELIVERY_TIMEOUT = 90.0
# The sweep runs when the queue is empty and no row was sent for this long…
IDLE_BEFORE_SWEEP = 1.0
# …and not more often than this.
SWEEP_INTERVAL = 2.0
QUEUE = settings.CELERY_TASK_DEFAULT_QUEUE


def queue_results(count: int) -> dict[str, str]:
    """Decide `count` result mails in one transaction; they are dispatched when it commits.
    Returns the recipient of each Message-ID."""
    with transaction.atomic():
        mails = [
            services.queue_mail(
                to=f"producer{number}@example.org",
                subject=f"Films in Progress: the selection (project {number})",
                body_text="The jury has decided. Thank you for your application.",
                language="en",
                kind="selection_result",
            )
            for number in range(count)
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


def report(capsys, title: str, figures: dict, *, kills: int, extra: str = "") -> None:
    """One line in the test output, shown even when the test passes."""
    with capsys.disabled():
        print(
            f"\n[outbox faults] {title}: queued {MAILS}, received {figures['received']} "
            f"({len(figures['copies'])} distinct), duplicates {figures['duplicates']}, "
            f"kills {kills}{extra}; faults survived, items lost: {len(figures['lost'])}"
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
    worker = start_worker(concurrency=CONCURRENCY)
    expected = queue_results(MAILS)
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
        total=MAILS,
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
        extra=(
            f" (at {received_at_kill} received), claims left by the dead workers "
            f"{claimed_per_kill}, "
            f"duplicate bound {bound} = {kills} kills x concurrency {CONCURRENCY}, "
            f"sweeps {sweeps}"
        ),
    )
    assert all(count < MAILS for count in received_at_kill), "a kill came after the last mail"
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


def test_redis_killed_and_restarted_empty_loses_no_mail(smtp_sink, own_redis, start_worker, capsys):
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
        "Redis SIGKILL, restarted empty",
        figures,
        kills=1,
        extra=f", messages lost with Redis {MAILS}, sweeps {sweeps}",
    )
    assert figures["lost"] == []
    assert figures["unknown"] == []
    assert figures["misaddressed"] == []
    assert figures["duplicates"] == 0
    assert services.sweep_outbox() == 0
