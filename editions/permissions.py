"""Who may do what with programmes and editions. Small predicates about relationships,
used by the views' mixins and by the querysets that scope lists to a person."""

from .models import Edition, Programme


def is_festival_staff(user) -> bool:
    """Anyone on a programme's team (or a superuser) sees the staff area."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.managed_programmes.exists()


def can_create_programme(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


def can_manage_programme(user, programme: Programme) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or programme.team.filter(pk=user.pk).exists()


def can_manage_edition(user, edition: Edition) -> bool:
    return can_manage_programme(user, edition.programme)


def can_view_edition(user, edition: Edition) -> bool:
    return edition.is_public or can_manage_edition(user, edition)
