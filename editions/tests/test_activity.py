"""An edition's activity log (editions/activity.py): what an entry keeps, how it reads in
words, the mails recorded when they are queued with their status from the outbox, and
the staff page with its filters, pages, time zone, permissions and query count."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.tests.factories import UserFactory
from editions import activity, mail_templates, selectors
from editions.models import ActivityLog
from editions.tests.factories import EditionFactory
from outbox.models import Mail, MailStatus
from submissions import mails as submission_mails
from submissions import services as submission_services
from submissions.models import Project, ProjectStatus
from submissions.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def trail_url(edition, **params):
    url = reverse("editions:staff_activity", kwargs={"pk": edition.pk})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


@pytest.fixture
def project(call, producer):
    return ProjectFactory(call=call, owner=producer, original_title="Los ríos")


def status_entry(edition, project, *, by=None, old="submitted", new="under_review", **kwargs):
    return activity.record(
        edition=edition,
        action="project.status",
        by=by,
        subject=project,
        label=project.display_title,
        project=project,
        changes={"status": [old, new]},
        **kwargs,
    )


def listed(response):
    return [line.entry for line in response.context["lines"]]


# --- What an entry keeps ----------------------------------------------------------------


def test_an_entry_keeps_who_what_about_what_and_when(edition, project, staff):
    moment = dt.datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    log = activity.record(
        edition=edition,
        action="project.status",
        by=staff,
        subject=project,
        label=project.display_title,
        project=project,
        changes={
            "status": [ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW],
            "note": gettext_lazy("Selected"),
            "publish_at": [None, moment],
        },
        message="Looks good.",
    )

    stored = ActivityLog.objects.get(pk=log.pk)
    assert stored.edition == edition
    assert stored.actor == staff
    assert stored.actor_name == "Sofía Staff"
    assert stored.subject_type == ContentType.objects.get_for_model(Project)
    assert stored.subject_id == project.pk
    assert stored.subject_label == "Los ríos"
    assert stored.project_id == project.pk
    # Choices, lazy strings and moments are stored as plain JSON values, as returned.
    assert stored.changes == {
        "status": ["submitted", "under_review"],
        "note": "Selected",
        "publish_at": [None, "2027-03-01T09:30:00Z"],
    }
    assert log.changes == stored.changes
    assert stored.message == "Looks good."
    assert abs(stored.created_at - timezone.now()) < dt.timedelta(seconds=30)


def test_an_entry_by_nobody_is_the_portals(edition, project):
    log = status_entry(edition, project, by=None)
    assert log.actor is None and log.actor_name == ""
    assert activity.who(log) == "The portal"


def test_the_actors_name_stays_when_their_account_is_deleted(edition, project):
    person = UserFactory(full_name="Dora Deleted")
    log = status_entry(edition, project, by=person)
    person.delete()

    log = ActivityLog.objects.select_related("actor").get(pk=log.pk)
    assert log.actor is None
    assert activity.who(log) == "Dora Deleted"


def test_changes_read_in_words_with_the_labels_of_choices_and_local_times(edition, project):
    log = activity.record(
        edition=edition,
        action="project.status",
        subject=project,
        project=project,
        changes={
            "status": ["submitted", "under_review"],
            "session": "Toulouse",
            "publish_at": [None, dt.datetime(2027, 3, 1, 9, 30, tzinfo=UTC)],
            "mystery_count": 3,
        },
    )

    rows = activity.describe(log, edition.tz)  # Europe/Paris: UTC+1 in March
    assert rows == [
        {"label": "Status", "before": "Submitted", "after": "Under review"},
        {"label": "Session", "value": "Toulouse"},
        {"label": "Public from", "before": "—", "after": "2027-03-01 10:30"},
        {"label": "Mystery count", "value": "3"},
    ]


def test_changes_are_shown_in_the_same_order_whatever_the_database(edition, project):
    log = activity.record(
        edition=edition,
        action="selection.moved",
        subject=project,
        changes={"zeta": 1, "position": [2, 1], "alpha": 2, "status": ["draft", "submitted"]},
    )
    log.changes = dict(reversed(list(log.changes.items())))  # as PostgreSQL may return it

    assert [row["label"] for row in activity.describe(log, edition.tz)] == [
        "Status",
        "Position",
        "Alpha",
        "Zeta",
    ]


def test_every_action_has_a_name_for_people():
    assert activity.action_label("project.status") == "Status changed"
    assert activity.action_label("mail.queued") == "Mail"
    assert activity.action_label("something.new") == "something.new"


# --- Mails ------------------------------------------------------------------------------


def test_a_mail_about_an_edition_is_recorded_when_it_is_queued(edition, project, staff):
    submission_services.send_message(project=project, by=staff, message="Send the budget.")

    mail = Mail.objects.get(kind=submission_mails.MESSAGE)
    log = ActivityLog.objects.get(action=activity.MAIL_QUEUED)
    assert log.edition == edition
    assert log.subject_type == ContentType.objects.get_for_model(Mail)
    assert log.subject_id == mail.pk
    assert log.subject_label == mail.subject
    assert log.project_id == project.pk
    assert log.actor is None  # the portal sends it; the change that decided it says who
    assert log.changes == {"kind": submission_mails.MESSAGE, "to": "producer@example.org"}


def test_a_mail_decided_twice_with_the_same_key_is_recorded_once(edition, project, producer):
    for _ in range(2):
        mail_templates.queue_mail_to_user(
            edition=edition,
            code=submission_mails.MESSAGE,
            user=producer,
            context={"project": project, "message": "Hello"},
            dedupe_key="the-same-mail",
        )
    assert Mail.objects.count() == 1
    assert ActivityLog.objects.filter(action=activity.MAIL_QUEUED).count() == 1


def test_a_mail_shows_its_current_status_from_the_outbox(staff_client, edition, project, staff):
    submission_services.send_message(project=project, by=staff, message="Hello")
    mail = Mail.objects.get()
    response = staff_client.get(trail_url(edition))
    content = response.content.decode()
    line = response.context["lines"][0]
    assert line.is_mail and line.mail == mail
    assert reverse("editions:staff_mail", kwargs={"pk": mail.pk}) in content
    assert "producer@example.org" in content
    assert mail.status == MailStatus.PENDING
    assert ">Pending</span>" in content

    Mail.objects.filter(pk=mail.pk).update(status=MailStatus.FAILED, last_error="Refused")
    content = staff_client.get(trail_url(edition)).content.decode()
    assert ">Failed</span>" in content
    assert ">Pending</span>" not in content


def test_mails_are_filtered_by_their_delivery(staff_client, edition, project, staff):
    submission_services.send_message(project=project, by=staff, message="First")
    submission_services.send_message(project=project, by=staff, message="Second")
    first, second = Mail.objects.order_by("pk")
    Mail.objects.filter(pk=first.pk).update(status=MailStatus.SENT, sent_at=timezone.now())
    Mail.objects.filter(pk=second.pk).update(status=MailStatus.FAILED)

    sent = listed(staff_client.get(trail_url(edition, action=activity.MAIL_SENT)))
    failed = listed(staff_client.get(trail_url(edition, action=activity.MAIL_FAILED)))
    assert [log.subject_id for log in sent] == [first.pk]
    assert [log.subject_id for log in failed] == [second.pk]


# --- The staff page ---------------------------------------------------------------------


def test_the_page_shows_who_when_in_the_editions_time_zone_and_what_changed(
    staff_client, edition, project, staff
):
    moment = dt.datetime(2027, 7, 14, 22, 15, tzinfo=UTC)  # 00:15 on the 15th in Paris
    status_entry(edition, project, by=staff, moment=moment, message="Into the jury's hands.")

    response = staff_client.get(trail_url(edition))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2027-07-15 00:15" in content
    assert "Sofía Staff" in content
    assert "Status changed" in content
    assert "Submitted → Under review" in content
    assert "Into the jury&#x27;s hands." in content
    assert reverse("submissions:staff_project", kwargs={"pk": project.pk}) in content
    assert "Europe/Paris" in content


def test_the_edition_page_links_to_its_activity(staff_client, edition):
    content = staff_client.get(reverse("editions:staff_edition", kwargs={"pk": edition.pk}))
    assert trail_url(edition) in content.content.decode()


def test_only_the_editions_entries_are_listed(staff_client, edition, project, staff):
    mine = status_entry(edition, project, by=staff)
    other_edition = EditionFactory(programme=edition.programme)
    status_entry(other_edition, ProjectFactory(call__edition=other_edition), by=staff)

    assert listed(staff_client.get(trail_url(edition))) == [mine]


def test_filters_by_action_person_portal_and_project(staff_client, edition, project, staff):
    other_person = UserFactory(full_name="Otra Persona")
    other_project = ProjectFactory(call__edition=edition, original_title="Otra")
    by_staff = status_entry(edition, project, by=staff)
    by_other = status_entry(edition, other_project, by=other_person)
    by_portal = activity.record(
        edition=edition, action="publication.published", subject=edition, label="Toulouse"
    )

    def filtered(**params):
        return listed(staff_client.get(trail_url(edition, **params)))

    assert filtered(action="publication.published") == [by_portal]
    assert filtered(actor=staff.pk) == [by_staff]
    assert filtered(actor=selectors.PORTAL) == [by_portal]
    assert filtered(project=other_project.pk) == [by_other]
    # A value that is not offered is refused at its field; the list is not filtered.
    response = staff_client.get(trail_url(edition, action="nonsense"))
    assert "action" in response.context["form"].errors
    assert len(listed(response)) == 3
    # The people filter offers those who appear in this edition's activity.
    choices = dict(response.context["form"].fields["actor"].choices)
    assert choices[str(staff.pk)] == "Sofía Staff"
    assert choices[str(other_person.pk)] == "Otra Persona"


def test_days_are_filtered_in_the_editions_time_zone(staff_client, edition, project):
    late = status_entry(edition, project, moment=dt.datetime(2027, 7, 14, 22, 30, tzinfo=UTC))
    early = status_entry(edition, project, moment=dt.datetime(2027, 7, 14, 21, 30, tzinfo=UTC))

    # 22:30 UTC is 00:30 on the 15th in Paris, 21:30 UTC is 23:30 on the 14th.
    assert listed(staff_client.get(trail_url(edition, since="2027-07-15"))) == [late]
    assert listed(staff_client.get(trail_url(edition, until="2027-07-14"))) == [early]
    response = staff_client.get(trail_url(edition, since="2027-07-15", until="2027-07-14"))
    assert "until" in response.context["form"].errors


def test_the_activity_comes_in_pages_newest_first(staff_client, edition, project):
    start = dt.datetime(2027, 1, 1, tzinfo=UTC)
    entries = [
        status_entry(edition, project, moment=start + dt.timedelta(minutes=n)) for n in range(55)
    ]

    first = staff_client.get(trail_url(edition))
    second = staff_client.get(trail_url(edition, page=2))
    assert listed(first) == entries[::-1][:50]
    assert listed(second) == entries[::-1][50:]
    assert "55 entries match." in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def make_entries(edition, count):
    """`count` entries of several kinds, people and projects, a third of them mails."""
    people = [UserFactory() for _ in range(3)]
    for number in range(count):
        project = ProjectFactory(call__edition=edition)
        if number % 3 == 0:
            mail = Mail.objects.create(
                to=f"p{number}@example.org",
                language="en",
                kind=submission_mails.MESSAGE,
                subject=f"Mail {number}",
                body_text="Hello",
                scope=f"programme:{edition.programme_id}",
            )
            activity.record(
                edition=edition,
                action=activity.MAIL_QUEUED,
                subject=mail,
                label=mail.subject,
                project=project,
                changes={"kind": mail.kind, "to": mail.to},
            )
        else:
            status_entry(edition, project, by=people[number % 3])


def count_queries(client, url):
    client.get(url)  # content types and sessions warmed up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["lines"])


def test_the_page_makes_as_many_queries_with_ten_or_a_hundred_entries(staff_client, programme):
    small, large = EditionFactory(programme=programme), EditionFactory(programme=programme)
    make_entries(small, 10)
    make_entries(large, 100)

    small_count, small_lines = count_queries(staff_client, trail_url(small))
    large_count, large_lines = count_queries(staff_client, trail_url(large))
    assert (small_lines, large_lines) == (10, 50)
    assert small_count == large_count


# --- Who may see it ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_user", "status"),
    [("producer", 403), ("juror", 403), ("other_staff", 404)],
    indirect=["role_user"],
)
def test_only_the_programmes_staff_see_the_activity(
    client, edition, project, staff, role_user, status
):
    status_entry(edition, project, by=staff, message="Staff only")
    client.force_login(role_user)
    response = client.get(trail_url(edition))
    assert response.status_code == status
    assert b"Staff only" not in response.content


def test_an_anonymous_visitor_is_sent_to_sign_in(client, edition):
    response = client.get(trail_url(edition))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_superuser_sees_any_editions_activity(client, edition, project, superuser):
    status_entry(edition, project)
    client.force_login(superuser)
    response = client.get(trail_url(edition))
    assert response.status_code == 200
    assert len(listed(response)) == 1
