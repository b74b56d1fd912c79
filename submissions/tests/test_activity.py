"""The activity of an application: every change of its status and screening is recorded
with who made it and what changed, and the staff page of the project lists everything
recorded about it (the jury's and the selection's entries too, and its mails)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions import activity
from editions.models import ActivityLog
from outbox.models import Mail
from submissions import mails, services
from submissions.models import Project, ProjectStatus, Screening
from submissions.tests.factories import complete_project
from submissions.views.staff import StaffProjectView

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, producer):
    return complete_project(call=call, owner=producer, original_title="La montaña")


@pytest.fixture
def project(draft, producer):
    """Submitted."""
    return services.submit_project(project=draft, by=producer)


def only(action, **filters):
    found = list(ActivityLog.objects.filter(action=action, **filters))
    assert len(found) == 1, found
    return found[0]


def page(client, project):
    return client.get(reverse("submissions:staff_project", kwargs={"pk": project.pk}))


def test_submitting_is_recorded_as_the_producers_with_its_mail(draft, producer, edition):
    services.submit_project(project=draft, by=producer)

    log = only("project.status")
    assert log.edition == edition
    assert log.actor == producer
    assert log.project_id == draft.pk
    assert log.subject_label == "La montaña"
    assert log.changes == {"status": ["draft", "submitted"]}
    mail = Mail.objects.get(kind=mails.SUBMITTED)
    queued = only(activity.MAIL_QUEUED)
    assert (queued.subject_id, queued.project_id) == (mail.pk, draft.pk)


def test_a_status_set_again_is_not_recorded_again(project, staff):
    services.set_project_status(project=project, status=ProjectStatus.UNDER_REVIEW, by=staff)
    services.set_project_status(project=project, status=ProjectStatus.UNDER_REVIEW, by=staff)

    assert ActivityLog.objects.filter(action="project.status").count() == 2  # and submitting


def test_a_refused_status_change_records_nothing(project, staff):
    before = ActivityLog.objects.count()
    with pytest.raises(Exception, match="cannot go from"):
        services.set_project_status(project=project, status=ProjectStatus.SELECTED, by=staff)
    assert ActivityLog.objects.count() == before


def test_reopening_is_recorded_with_the_staffs_message(project, staff):
    services.reopen_project(project=project, by=staff, message="Fix the budget.")

    log = only("project.status", actor=staff)
    assert log.changes == {"status": ["submitted", "draft"]}
    assert log.message == "Fix the budget."


def test_withdrawing_is_recorded_as_the_producers(project, producer):
    services.withdraw_project(project=project, by=producer, reason="Sold to a platform.")

    log = only("project.status", changes__status=["submitted", "withdrawn"])
    assert log.actor == producer
    assert log.message == "Sold to a platform."


def test_overruling_the_eligibility_is_recorded_with_the_reason(project, staff):
    services.screen_project(
        project=project,
        by=staff,
        decision=Screening.OVERRULED_INELIGIBLE,
        reason="Premiered on television.",
    )
    services.screen_project(project=project, by=staff, decision=Screening.CONFIRMED)

    overruled, confirmed = ActivityLog.objects.filter(action="project.screening").order_by("pk")
    assert overruled.actor == staff
    assert overruled.project_id == project.pk
    assert overruled.changes == {"screening": ["pending", "overruled_ineligible"]}
    assert overruled.message == "Premiered on television."
    assert activity.describe(overruled) == [
        {
            "label": "Eligibility screening",
            "before": "Not screened yet",
            "after": "Declared ineligible by staff",
        }
    ]
    assert confirmed.changes == {"screening": ["overruled_ineligible", "confirmed"]}


# --- The project's page ---------------------------------------------------------------------


def test_the_project_page_lists_its_activity(staff_client, project, staff, call):
    services.screen_project(
        project=project, by=staff, decision=Screening.OVERRULED_ELIGIBLE, reason="Co-production."
    )
    services.send_message(project=project, by=staff, message="Welcome")
    other = complete_project(call=call, original_title="Otro proyecto")
    services.screen_project(project=other, by=staff, decision=Screening.CONFIRMED)

    response = page(staff_client, project)
    content = response.content.decode()

    lines = response.context["activity_lines"]
    assert [line.entry.action for line in lines] == [
        activity.MAIL_QUEUED,
        "project.screening",
        activity.MAIL_QUEUED,
        "project.status",
    ]
    assert 'id="activity-heading"' in content
    assert "Eligibility screened" in content
    assert "Not screened yet → Declared eligible by staff" in content
    assert "Status: Draft → Submitted" in content
    assert "Paula Productora" in content and "Sofía Staff" in content
    assert "The portal" in content  # the mails
    assert "Otro proyecto" not in content
    trail = reverse("editions:staff_activity", kwargs={"pk": project.call.edition_id})
    assert f"{trail}?project={project.pk}" in content


def test_the_project_page_shows_the_latest_activity_and_links_to_the_rest(
    staff_client, project, staff, monkeypatch
):
    monkeypatch.setattr(StaffProjectView, "activity_shown", 3)
    for number in range(4):
        services.send_message(project=project, by=staff, message=f"Message {number}")

    response = page(staff_client, project)
    assert len(response.context["activity_lines"]) == 3
    assert response.context["activity_more"] is True
    assert "All of this application's activity" in response.content.decode()


def test_the_project_pages_queries_do_not_grow_with_its_activity(staff_client, project, staff):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(staff_client, project).status_code == 200
        return len(queries)

    page(staff_client, project)
    small = count()
    for number in range(15):
        services.set_project_status(
            project=project,
            status=ProjectStatus.DRAFT if number % 2 == 0 else ProjectStatus.SUBMITTED,
            by=staff,
        )
    assert count() == small


def test_the_producer_sees_none_of_it(producer_client, project, staff):
    services.screen_project(
        project=project,
        by=staff,
        decision=Screening.OVERRULED_INELIGIBLE,
        reason="A reason for staff eyes only.",
    )
    response = producer_client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert b"A reason for staff eyes only." not in response.content
    assert b'id="activity-heading"' not in response.content
    assert page(producer_client, project).status_code == 403
    assert Project.objects.get(pk=project.pk).screening == Screening.OVERRULED_INELIGIBLE
