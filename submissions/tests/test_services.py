import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.tests.factories import CallFactory
from outbox.models import Mail
from submissions import services
from submissions.models import EventKind, Project, ProjectEvent, ProjectStatus, Screening

from .factories import ProjectCompanyFactory, ProjectFactory, complete_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, producer):
    return complete_project(call=call, owner=producer)


def test_submit_project_records_time_event_and_one_mail(
    draft, producer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        project = services.submit_project(project=draft, by=producer)
    assert project.status == ProjectStatus.SUBMITTED
    assert project.submitted_at is not None
    event = ProjectEvent.objects.get(project=project)
    assert (event.kind, event.from_status, event.to_status) == (
        EventKind.STATUS,
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
    )
    mail = Mail.objects.get(kind="submissions.submitted")
    assert mail.to == producer.email
    assert len(mailoutbox) == 1
    assert project.display_title in mailoutbox[0].subject


def test_submit_project_twice_makes_one_submission(
    draft, producer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.submit_project(project=draft, by=producer)
        second = services.submit_project(project=draft, by=producer)
    assert first.submitted_at == second.submitted_at
    assert ProjectEvent.objects.filter(project=draft).count() == 1
    assert Mail.objects.filter(kind="submissions.submitted").count() == 1


def test_submit_project_refused_one_second_after_deadline(draft, producer):
    moment = draft.call.closes_at + dt.timedelta(seconds=1)
    with pytest.raises(ValidationError) as error:
        services.submit_project(project=draft, by=producer, moment=moment)
    assert error.value.code == "deadline_passed"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT


def test_submit_project_refused_at_the_exact_deadline(draft, producer):
    with pytest.raises(ValidationError):
        services.submit_project(project=draft, by=producer, moment=draft.call.closes_at)


def test_submit_project_allowed_one_second_before_deadline(draft, producer):
    moment = draft.call.closes_at - dt.timedelta(seconds=1)
    project = services.submit_project(project=draft, by=producer, moment=moment)
    assert project.status == ProjectStatus.SUBMITTED
    project.refresh_from_db()
    assert project.submitted_at == moment  # the moment judged is the moment recorded


def test_submit_project_refused_when_incomplete(call, producer):
    project = ProjectFactory(call=call, owner=producer)
    with pytest.raises(ValidationError) as error:
        services.submit_project(project=project, by=producer)
    codes = {e.code for e in error.value.error_list}
    assert {"companies", "directors", "cut"} <= codes
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_submit_project_refused_to_someone_else(draft):
    with pytest.raises(PermissionDenied):
        services.submit_project(project=draft, by=UserFactory())


def test_save_project_refused_to_producer_after_submission(draft, producer):
    services.submit_project(project=draft, by=producer)
    draft.refresh_from_db()
    draft.logline = "Changed"
    with pytest.raises(ValidationError):
        services.save_project(project=draft, by=producer)
    assert Project.objects.get(pk=draft.pk).logline != "Changed"


def test_set_project_status_refuses_transition_outside_map(draft):
    with pytest.raises(ValidationError) as error:
        services.set_project_status(project=draft, status=ProjectStatus.SELECTED)
    assert error.value.code == "invalid_transition"
    assert Project.objects.get(pk=draft.pk).status == ProjectStatus.DRAFT


def test_reopen_project_returns_draft_with_message(
    draft, producer, staff, django_capture_on_commit_callbacks
):
    services.submit_project(project=draft, by=producer)
    with django_capture_on_commit_callbacks(execute=True):
        project = services.reopen_project(
            project=draft, by=staff, message="Add the chain of title."
        )
    assert project.status == ProjectStatus.DRAFT
    event = ProjectEvent.objects.filter(project=project).latest("pk")
    assert event.message == "Add the chain of title."
    assert Mail.objects.filter(kind="submissions.reopened", to=producer.email).count() == 1


def test_withdraw_project_only_by_owner(draft, producer, staff):
    services.submit_project(project=draft, by=producer)
    with pytest.raises(PermissionDenied):
        services.withdraw_project(project=draft, by=staff)
    project = services.withdraw_project(project=draft, by=producer, reason="Found funding")
    assert project.status == ProjectStatus.WITHDRAWN


def test_withdraw_project_refused_for_a_draft_never_submitted(draft, producer):
    with pytest.raises(ValidationError) as error:
        services.withdraw_project(project=draft, by=producer)
    assert error.value.code == "never_submitted"
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT
    assert not ProjectEvent.objects.filter(project=draft).exists()


def test_screen_project_overrule_needs_reason(draft, staff):
    with pytest.raises(ValidationError):
        services.screen_project(project=draft, by=staff, decision=Screening.OVERRULED_INELIGIBLE)
    project = services.screen_project(
        project=draft, by=staff, decision=Screening.OVERRULED_INELIGIBLE, reason="Premiered in 2025"
    )
    assert (project.screening, project.screening_reason, project.screened_by) == (
        Screening.OVERRULED_INELIGIBLE,
        "Premiered in 2025",
        staff,
    )
    assert services.effective_eligibility(project) is False


def test_create_project_refused_when_call_closed(edition, producer):
    call = CallFactory(
        edition=edition,
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    with pytest.raises(ValidationError):
        services.create_project(call=call, owner=producer)
    assert not Project.objects.exists()


def test_add_cut_numbers_cuts_and_clears_request(draft, producer, staff):
    from submissions.models import Cut

    services.request_new_cut(project=draft, by=staff, message="With the new sound mix")
    cut = services.add_cut(
        project=draft,
        by=producer,
        cut=Cut(
            stage="fine_cut",
            runtime=98,
            cut_date=timezone.localdate(),
            subtitles="en",
            screener_url="https://vimeo.com/2",
            changes="New mix",
        ),
    )
    assert cut.number == 2
    draft.refresh_from_db()
    assert draft.new_cut_requested_at is None
    assert draft.current_cut() == cut


def test_carry_over_copies_project_with_history(draft, producer, staff, edition):
    services.submit_project(project=draft, by=producer)
    services.set_project_status(project=draft, status=ProjectStatus.NOT_SELECTED, by=staff)
    next_call = CallFactory(edition=edition, title="Next session")
    copy = services.carry_over_project(project=draft, call=next_call, by=staff)
    assert copy.pk != draft.pk
    assert copy.status == ProjectStatus.DRAFT
    assert copy.carried_over_from == draft
    assert copy.companies.count() == 1
    assert copy.cuts.count() == 1
    assert copy.stills.count() == 1
    with pytest.raises(ValidationError):
        services.carry_over_project(project=draft, call=next_call, by=staff)


def test_shares_must_add_up(call, producer):
    from submissions import eligibility

    project = complete_project(call=call, owner=producer)
    ProjectCompanyFactory(project=project, name="Co-prod", country="FR", share=Decimal("20"))
    items = {item.code: item for item in eligibility.check_project(project)}
    assert items["shares_total"].passed is False
    assert "120" in items["shares_total"].message
