"""A jury's decision reaches the producer only when the festival tells it: until then the
producer's pages show the application as under review, and nothing of the decision shows
through what they may still do."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from editions.tests.factories import SessionFactory
from submissions import services
from submissions.models import EventKind, ProjectEvent, ProjectStatus
from submissions.permissions import can_add_cut, can_withdraw
from submissions.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(call, producer, staff):
    project = ProjectFactory(
        call=call,
        owner=producer,
        status=ProjectStatus.UNDER_REVIEW,
        submitted_at=timezone.now(),
        original_title="La espera",
    )
    session = SessionFactory(edition=call.edition, city="Toulouse")
    services.set_project_status(
        project=project,
        status=ProjectStatus.SELECTED,
        by=staff,
        session=session,
        visible=False,
    )
    project.refresh_from_db()
    return project


def test_decision_hidden_from_the_producer_until_released(producer_client, decided, staff):
    url = reverse("submissions:project", kwargs={"pk": decided.pk})
    for page in (url, reverse("submissions:dashboard")):
        content = producer_client.get(page).content.decode()
        assert "Under review" in content, page
        assert "Selected for Toulouse" not in content, page
    assert decided.status_for_producer == ProjectStatus.UNDER_REVIEW
    services.release_result(project=decided, by=staff)
    content = producer_client.get(url).content.decode()
    assert "Selected for Toulouse" in content
    assert "Selected." in content  # the history now tells it
    assert ProjectEvent.objects.get(
        project=decided, kind=EventKind.STATUS, to_status=ProjectStatus.SELECTED
    ).visible_to_producer


def test_staff_see_the_decision_at_once(staff_client, decided):
    content = staff_client.get(
        reverse("submissions:staff_project", kwargs={"pk": decided.pk})
    ).content.decode()
    assert "Selected for Toulouse" in content


def test_release_twice_changes_nothing_and_undecided_refused(decided, staff, call, producer):
    first = services.release_result(project=decided, by=staff).result_released_at
    assert services.release_result(project=decided, by=staff).result_released_at == first
    pending = ProjectFactory(
        call=call, owner=producer, status=ProjectStatus.UNDER_REVIEW, submitted_at=timezone.now()
    )
    with pytest.raises(ValidationError) as error:
        services.release_result(project=pending, by=staff)
    assert error.value.code == "undecided"


def test_a_not_told_refusal_does_not_show_through_cuts_or_withdrawal(
    call, producer, staff, producer_client
):
    project = ProjectFactory(
        call=call, owner=producer, status=ProjectStatus.UNDER_REVIEW, submitted_at=timezone.now()
    )
    services.set_project_status(
        project=project, status=ProjectStatus.NOT_SELECTED, by=staff, visible=False
    )
    project.refresh_from_db()
    assert can_add_cut(producer, project) is True
    assert can_withdraw(producer, project) is True
    assert can_add_cut(staff, project) is False
    with pytest.raises(ValidationError) as error:
        services.withdraw_project(project=project, by=producer)
    assert error.value.code == "being_decided"
    services.release_result(project=project, by=staff)
    project.refresh_from_db()
    assert can_add_cut(producer, project) is False
    assert can_withdraw(producer, project) is False
