"""The staff's view of the mail outbox: who sees which mails, the filters, the pages,
the detail of a mail, and sending again or discarding."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.selectors import mails_seen_by, programme_mail_scope
from editions.tests.factories import ProgrammeFactory
from juries import services as jury_services
from outbox.models import Mail, MailStatus
from outbox.tests.factories import MailFactory
from submissions import services as submission_services
from submissions.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

OUTBOX = "editions:staff_outbox"


def outbox_url(**params):
    url = reverse(OUTBOX)
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def mail_url(mail, action=""):
    name = f"editions:staff_mail_{action}" if action else "editions:staff_mail"
    return reverse(name, kwargs={"pk": mail.pk})


def scoped(programme, **kwargs):
    """A mail about the programme, as the apps that send mails about it store it."""
    return MailFactory(scope=programme_mail_scope(programme.pk), **kwargs)


def listed(response):
    """The subjects of the mails on the page, in order."""
    return [row["mail"].subject for row in response.context["rows"]]


def snapshot():
    return {row["id"]: row for row in Mail.objects.values()}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def ours(programme):
    return scoped(programme, subject="Your application was received")


@pytest.fixture
def theirs(other_staff):
    return scoped(other_staff.managed_programmes.get(), subject="Ibermedia: your application")


@pytest.fixture
def account_mail(db):
    return MailFactory(subject="Confirm your address", kind="accounts.confirm")


# --- Who sees what ------------------------------------------------------------------------


def test_outbox_sends_anonymous_people_to_sign_in(client, ours):
    before = snapshot()
    for url in [outbox_url(), mail_url(ours)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("accounts:login")), url
    for action in ["retry", "discard"]:
        response = client.post(mail_url(ours, action))
        assert response.status_code == 302, action
        assert response.url.startswith(reverse("accounts:login")), action
    assert snapshot() == before


@pytest.mark.parametrize("role_user", ["producer", "juror"], indirect=True)
def test_outbox_is_403_for_producers_and_jurors(login, role_user, programme, ours):
    failed = scoped(programme, status=MailStatus.FAILED)
    client = login(role_user)
    before = snapshot()

    assert client.get(outbox_url()).status_code == 403
    assert client.get(mail_url(ours)).status_code == 403
    assert client.post(mail_url(failed, "retry")).status_code == 403
    assert client.post(mail_url(ours, "discard")).status_code == 403
    assert snapshot() == before


def test_outbox_staff_of_another_programme_see_none_of_its_mails(
    login, other_staff, programme, ours, theirs
):
    failed = scoped(programme, subject="Failed one", status=MailStatus.FAILED)
    client = login(other_staff)
    before = snapshot()

    response = client.get(outbox_url())

    assert listed(response) == ["Ibermedia: your application"]
    assert "Your application was received" not in response.content.decode()
    assert client.get(mail_url(ours)).status_code == 404
    assert client.post(mail_url(failed, "retry")).status_code == 404
    assert client.post(mail_url(ours, "discard")).status_code == 404
    assert snapshot() == before


def test_outbox_shows_staff_their_programmes_mails_only(staff_client, ours, theirs, account_mail):
    response = staff_client.get(outbox_url())

    assert listed(response) == ["Your application was received"]
    assert response.context["paginator"].count == 1


def test_outbox_mail_about_no_programme_is_404_for_staff(staff_client, account_mail):
    before = snapshot()

    assert staff_client.get(mail_url(account_mail)).status_code == 404
    assert staff_client.post(mail_url(account_mail, "discard")).status_code == 404
    assert snapshot() == before


def test_outbox_shows_superusers_every_mail(login, superuser, ours, theirs, account_mail):
    response = login(superuser).get(outbox_url())

    assert listed(response) == [
        "Confirm your address",
        "Ibermedia: your application",
        "Your application was received",
    ]
    assert login(superuser).get(mail_url(account_mail)).status_code == 200


def test_outbox_scope_follows_the_programme_id_not_its_slug(login, programme, staff, ours):
    """A programme renamed, then its old slug taken by another: the new one's staff do not
    inherit the first one's mails."""
    old_slug = programme.slug
    programme.slug = "films-in-progress-renamed"
    programme.save()
    newcomer = UserFactory()
    ProgrammeFactory(slug=old_slug).team.add(newcomer)

    assert listed(login(newcomer).get(outbox_url())) == []
    assert listed(login(staff).get(outbox_url())) == ["Your application was received"]


def test_mails_seen_by_an_inactive_superuser_are_none(superuser, ours, account_mail):
    superuser.is_active = False

    assert list(mails_seen_by(user=superuser)) == []


def test_staff_home_links_to_the_outbox(staff_client):
    response = staff_client.get(reverse("editions:staff_home"))

    assert f'href="{reverse(OUTBOX)}"' in response.content.decode()


# --- The mails the apps send are scoped to their programme ---------------------------------


def test_outbox_shows_staff_a_message_sent_to_a_producer(login, staff, other_staff, call):
    project = ProjectFactory(call=call, original_title="Raíces")

    submission_services.send_message(project=project, by=staff, message="Send the budget.")

    mail = Mail.objects.get(kind="submissions.message")
    assert mail.scope == programme_mail_scope(call.edition.programme_id)
    assert listed(login(staff).get(outbox_url())) == [mail.subject]
    assert listed(login(other_staff).get(outbox_url())) == []


def test_outbox_shows_staff_a_jury_invitation(login, staff, other_staff, edition):
    jury_services.invite_juror(
        edition=edition, email="nadia@example.org", full_name="Nadia", by=staff
    )

    mail = Mail.objects.get(kind="juries.invitation")
    assert mail.scope == programme_mail_scope(edition.programme_id)
    assert listed(login(staff).get(outbox_url())) == [mail.subject]
    assert listed(login(other_staff).get(outbox_url())) == []


# --- Filters ------------------------------------------------------------------------------


@pytest.fixture
def mixed(programme):
    """Four mails of the programme, different in every filtered respect."""
    now = timezone.now()
    ana = UserFactory(full_name="Ana Quispe", email="ana@example.org")
    mails = {
        "sent": scoped(
            programme,
            subject="Received",
            kind="submissions.submitted",
            status=MailStatus.SENT,
            sent_at=now,
            recipient=ana,
            to=ana.email,
        ),
        "failed": scoped(
            programme,
            subject="Reopened",
            kind="submissions.reopened",
            status=MailStatus.FAILED,
            to="paula@example.org",
        ),
        "pending": scoped(
            programme, subject="Invitation", kind="juries.invitation", to="julio@example.org"
        ),
        "old": scoped(
            programme,
            subject="Old news",
            kind="submissions.message",
            status=MailStatus.DISCARDED,
            to="otto@example.org",
        ),
    }
    Mail.objects.filter(pk=mails["old"].pk).update(created_at=now - dt.timedelta(days=10))
    return mails


@pytest.mark.parametrize(
    ("params", "subjects"),
    [
        ({}, ["Invitation", "Reopened", "Received", "Old news"]),
        ({"status": "failed"}, ["Reopened"]),
        ({"status": "discarded"}, ["Old news"]),
        ({"kind": "juries.invitation"}, ["Invitation"]),
        ({"search": "PAULA"}, ["Reopened"]),  # the address
        ({"search": "quispe"}, ["Received"]),  # the recipient's name
        ({"search": "news"}, ["Old news"]),  # the subject
        ({"status": "pending", "search": "paula"}, []),
        ({"since": "{today}"}, ["Invitation", "Reopened", "Received"]),
        ({"until": "{ten_days_ago}"}, ["Old news"]),
        ({"since": "{ten_days_ago}", "until": "{ten_days_ago}"}, ["Old news"]),
    ],
)
def test_outbox_filters(staff_client, mixed, params, subjects):
    today = timezone.localdate()
    values = {"today": today, "ten_days_ago": today - dt.timedelta(days=10)}
    params = {key: value.format(**values) for key, value in params.items()}

    response = staff_client.get(outbox_url(**params))

    assert listed(response) == subjects


def test_outbox_filters_by_programme_among_those_the_person_runs(login, programme, staff):
    second = ProgrammeFactory(name="Bilateral Forum")
    second.team.add(staff)
    scoped(programme, subject="Films in Progress mail")
    scoped(second, subject="Forum mail")
    client = login(staff)

    assert listed(client.get(outbox_url(programme=second.pk))) == ["Forum mail"]
    assert listed(client.get(outbox_url())) == ["Forum mail", "Films in Progress mail"]
    choices = dict(client.get(outbox_url()).context["form"].fields["programme"].choices)
    assert list(choices) == ["", str(second.pk), str(programme.pk)]


def test_outbox_superuser_filters_mails_about_no_programme(login, superuser, ours, account_mail):
    response = login(superuser).get(outbox_url(programme="none"))

    assert listed(response) == ["Confirm your address"]


def test_outbox_staff_cannot_ask_for_mails_about_no_programme(staff_client, ours, account_mail):
    response = staff_client.get(outbox_url(programme="none"))

    assert listed(response) == ["Your application was received"]
    assert "programme" in response.context["form"].errors


def test_outbox_staff_cannot_filter_on_another_programme(staff_client, other_staff, ours, theirs):
    ibermedia = other_staff.managed_programmes.get()

    response = staff_client.get(outbox_url(programme=ibermedia.pk))

    assert listed(response) == ["Your application was received"]
    assert "programme" in response.context["form"].errors


def test_outbox_offers_the_kinds_the_person_sees(staff_client, mixed, theirs):
    theirs.kind = "ibermedia.only"
    theirs.save()

    choices = staff_client.get(outbox_url()).context["form"].fields["kind"].choices

    # Named for people, in alphabetical order of the names.
    assert choices == [
        ("", "Any kind"),
        ("submissions.message", "A message from the festival team"),
        ("submissions.submitted", "Application received"),
        ("submissions.reopened", "Application reopened for corrections"),
        ("juries.invitation", "Invitation to the jury"),
    ]


def test_outbox_bad_filter_values_are_refused_at_their_field(staff_client, mixed):
    response = staff_client.get(outbox_url(status="lost", since="yesterday", kind="nope"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "since", "kind"}
    assert len(listed(response)) == 4
    content = response.content.decode()
    assert "Select a valid choice." in content
    assert "Enter a valid date." in content


def test_outbox_refuses_an_end_before_the_start(staff_client, mixed):
    today = timezone.localdate()

    response = staff_client.get(
        outbox_url(since=today.isoformat(), until=(today - dt.timedelta(days=1)).isoformat())
    )

    assert response.context["form"].errors == {"until": ["This day comes before the first one."]}
    assert listed(response) == ["Invitation", "Reopened", "Received"]  # since only


def test_outbox_counts_mails_by_status(staff_client, mixed, theirs):
    response = staff_client.get(outbox_url(status="failed"))

    counts = {entry["status"]: entry["count"] for entry in response.context["status_counts"]}
    assert counts == {"pending": 1, "sending": 0, "sent": 1, "failed": 1, "discarded": 1}
    assert response.context["total"] == 4


# --- The list -----------------------------------------------------------------------------


def test_outbox_row_shows_what_staff_need(staff_client, programme):
    next_attempt = timezone.now() + dt.timedelta(minutes=4)
    scoped(
        programme,
        subject="Vous êtes sélectionné",
        to="pierre@example.org",
        kind="juries.result",
        language="fr",
        status=MailStatus.FAILED,
        attempts=3,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        next_attempt_at=next_attempt,
    )

    content = staff_client.get(outbox_url()).content.decode()

    for shown in [
        "Vous êtes sélectionné",
        "pierre@example.org",
        "juries.result",
        "French",
        "Failed",
        "SMTPServerDisconnected: Connection unexpectedly closed",
        timezone.localtime(next_attempt).strftime("%Y-%m-%d %H:%M"),
        "Films in Progress",
    ]:
        assert shown in content, shown


def test_outbox_shows_fifty_mails_a_page(staff_client, programme):
    for _i in range(51):
        scoped(programme)

    first = staff_client.get(outbox_url())
    second = staff_client.get(outbox_url(page=2))

    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 1
    assert first.context["paginator"].count == 51
    assert "Page 1 of 2" in first.content.decode()


def test_outbox_page_out_of_range_shows_the_last(staff_client, ours):
    response = staff_client.get(outbox_url(page=99))

    assert listed(response) == ["Your application was received"]


def test_outbox_escapes_the_subject_in_the_list(staff_client, programme):
    scoped(programme, subject="<script>alert(1)</script>")

    content = staff_client.get(outbox_url()).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_outbox_query_count_does_not_grow_with_mails(login, programme, staff, superuser, who):
    def add(count):
        for _i in range(count):
            scoped(
                programme,
                recipient=UserFactory(),
                status=MailStatus.FAILED,
                last_error="SMTPServerDisconnected",
                next_attempt_at=timezone.now(),
            )

    client = login({"staff": staff, "superuser": superuser}[who])
    add(3)
    small = count_queries(client, outbox_url())
    add(27)
    assert count_queries(client, outbox_url()) == small
    assert count_queries(client, outbox_url(status="failed", search="example")) == small


# --- One mail -----------------------------------------------------------------------------


def test_mail_detail_shows_the_stored_mail(staff_client, programme):
    mail = scoped(
        programme,
        subject="Your application was received",
        body_text="Dear Paula,\nthank you.",
        body_html="<p>Dear Paula,</p>",
        last_error="SMTPResponseException: (421, b'busy')",
    )

    response = staff_client.get(mail_url(mail))

    content = response.content.decode()
    assert "Dear Paula,\nthank you." in content
    assert "&lt;p&gt;Dear Paula,&lt;/p&gt;" in content
    assert "<p>Dear Paula,</p>" not in content
    assert mail.message_id.strip("<>") in content
    assert "Films in Progress" in content
    assert "SMTPResponseException: (421, b&#x27;busy&#x27;)" in content


def test_mail_detail_never_renders_html_or_script(staff_client, programme):
    mail = scoped(
        programme,
        subject="<script>alert('subject')</script>",
        body_text="<script>alert('text')</script>",
        body_html='<img src=x onerror="alert(1)"><script>alert("html")</script>',
    )

    content = staff_client.get(mail_url(mail)).content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(&#x27;subject&#x27;)&lt;/script&gt;" in content
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content


@pytest.mark.parametrize(
    ("status", "retry", "discard"),
    [
        (MailStatus.PENDING, False, True),
        (MailStatus.SENDING, False, False),
        (MailStatus.SENT, False, False),
        (MailStatus.FAILED, True, True),
        (MailStatus.DISCARDED, True, False),
    ],
)
def test_mail_detail_offers_the_actions_its_status_allows(
    staff_client, programme, status, retry, discard
):
    mail = scoped(programme, status=status, sent_at=timezone.now())

    content = staff_client.get(mail_url(mail)).content.decode()

    assert (mail_url(mail, "retry") in content) is retry
    assert (mail_url(mail, "discard") in content) is discard


# --- Sending again and discarding ---------------------------------------------------------


def test_retry_sends_a_failed_mail_again_and_changes_nothing_else(
    staff_client, programme, django_capture_on_commit_callbacks, mailoutbox
):
    failed = scoped(
        programme,
        status=MailStatus.FAILED,
        attempts=8,
        last_error="SMTPServerDisconnected: gone",
        next_attempt_at=None,
    )
    other = scoped(programme, status=MailStatus.FAILED, attempts=2)
    before = snapshot()

    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(mail_url(failed, "retry"), follow=True)

    assert response.redirect_chain == [(mail_url(failed), 302)]
    assert "The mail is queued to be sent again." in response.content.decode()
    before[failed.pk]["status"] = MailStatus.PENDING
    assert snapshot() == before
    assert len(callbacks) == 1

    callbacks[0]()  # the transaction committed: the worker sends it

    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == (MailStatus.SENT, 9, "")
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [failed.message_id]
    assert Mail.objects.get(pk=other.pk).status == MailStatus.FAILED


def test_retry_sends_a_discarded_mail_again(
    staff_client, programme, django_capture_on_commit_callbacks
):
    discarded = scoped(programme, status=MailStatus.DISCARDED)
    before = snapshot()

    with django_capture_on_commit_callbacks() as callbacks:
        staff_client.post(mail_url(discarded, "retry"))

    before[discarded.pk]["status"] = MailStatus.PENDING
    assert snapshot() == before
    assert len(callbacks) == 1


@pytest.mark.parametrize("status", [MailStatus.PENDING, MailStatus.SENDING, MailStatus.SENT])
def test_retry_refuses_a_mail_not_failed_or_discarded(
    staff_client, programme, status, django_capture_on_commit_callbacks, mailoutbox
):
    mail = scoped(programme, status=status, sent_at=timezone.now())
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(mail_url(mail, "retry"), follow=True)

    assert "Only a failed or discarded mail can be sent again." in response.content.decode()
    assert snapshot() == before
    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.parametrize("status", [MailStatus.PENDING, MailStatus.FAILED])
def test_discard_stops_a_pending_or_failed_mail_and_changes_nothing_else(
    staff_client, programme, status, django_capture_on_commit_callbacks, mailoutbox
):
    mail = scoped(
        programme,
        status=status,
        attempts=1,
        last_error="SMTPServerDisconnected: gone",
        next_attempt_at=timezone.now() + dt.timedelta(minutes=1),
    )
    scoped(programme, status=status)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(mail_url(mail, "discard"), follow=True)

    assert response.redirect_chain == [(mail_url(mail), 302)]
    assert "The mail is discarded: it will not be sent." in response.content.decode()
    before[mail.pk].update(status=MailStatus.DISCARDED, next_attempt_at=None)
    assert snapshot() == before
    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.parametrize("status", [MailStatus.SENDING, MailStatus.SENT, MailStatus.DISCARDED])
def test_discard_refuses_a_mail_being_sent_sent_or_discarded(staff_client, programme, status):
    mail = scoped(programme, status=status, sent_at=timezone.now())
    before = snapshot()

    response = staff_client.post(mail_url(mail, "discard"), follow=True)

    assert "Only a pending or failed mail can be discarded." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("action", ["retry", "discard"])
def test_mail_actions_refuse_get(staff_client, programme, action):
    mail = scoped(programme, status=MailStatus.FAILED)
    before = snapshot()

    assert staff_client.get(mail_url(mail, action)).status_code == 405
    assert snapshot() == before


def test_superuser_retries_a_mail_about_no_programme(
    login, superuser, django_capture_on_commit_callbacks
):
    mail = MailFactory(status=MailStatus.FAILED)

    with django_capture_on_commit_callbacks():
        login(superuser).post(mail_url(mail, "retry"))

    assert Mail.objects.get(pk=mail.pk).status == MailStatus.PENDING
