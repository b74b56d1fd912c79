import pytest
from django.contrib.auth.models import AnonymousUser

from editions.models import Edition, EditionState, Programme
from editions.permissions import (
    can_create_programme,
    can_manage_edition,
    can_manage_programme,
    can_view_edition,
    is_festival_staff,
)
from editions.tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(programme):
    return EditionFactory(programme=programme, state=EditionState.DRAFT)


def test_is_festival_staff(staff, other_staff, producer, juror, superuser):
    assert is_festival_staff(staff)
    assert is_festival_staff(other_staff)
    assert is_festival_staff(superuser)
    assert not is_festival_staff(producer)
    assert not is_festival_staff(juror)
    assert not is_festival_staff(AnonymousUser())


def test_inactive_staff_are_not_staff(staff, programme):
    staff.is_active = False
    staff.save()

    assert not is_festival_staff(staff)
    assert not can_manage_programme(staff, programme)


def test_only_superusers_create_programmes(staff, superuser):
    assert can_create_programme(superuser)
    assert not can_create_programme(staff)


def test_can_manage_programme(programme, staff, other_staff, superuser, producer):
    assert can_manage_programme(staff, programme)
    assert can_manage_programme(superuser, programme)
    assert not can_manage_programme(other_staff, programme)
    assert not can_manage_programme(producer, programme)


def test_can_view_edition_hides_drafts(draft, edition, staff, other_staff, producer):
    assert can_view_edition(producer, edition)
    assert not can_view_edition(producer, draft)
    assert not can_view_edition(other_staff, draft)
    assert can_view_edition(staff, draft)
    assert can_manage_edition(staff, draft)


def test_managed_by_querysets(programme, edition, staff, other_staff, superuser):
    assert list(Programme.objects.managed_by(staff)) == [programme]
    assert programme not in Programme.objects.managed_by(other_staff)
    assert set(Programme.objects.managed_by(superuser)) == set(Programme.objects.all())
    assert list(Edition.objects.managed_by(staff)) == [edition]
    assert not Edition.objects.managed_by(other_staff).exists()


def test_visible_to(draft, edition, staff, producer):
    assert set(Edition.objects.visible_to(AnonymousUser())) == {edition}
    assert set(Edition.objects.visible_to(producer)) == {edition}
    assert set(Edition.objects.visible_to(staff)) == {edition, draft}
