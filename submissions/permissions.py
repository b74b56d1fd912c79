"""Who may see and change a project. Jurors' access is decided by the juries app, which
serves them what they may see through its own views."""

from editions.permissions import can_manage_edition

from .models import Project, ProjectStatus


def is_owner(user, project: Project) -> bool:
    return user.is_authenticated and project.owner_id == user.pk


def can_manage_project(user, project: Project) -> bool:
    """Festival staff of the project's programme."""
    return can_manage_edition(user, project.call.edition)


def can_view_project(user, project: Project) -> bool:
    return is_owner(user, project) or can_manage_project(user, project)


def can_edit_project(user, project: Project) -> bool:
    """The producer edits their drafts; staff may correct an application at any stage."""
    if can_manage_project(user, project):
        return True
    return is_owner(user, project) and project.status == ProjectStatus.DRAFT


def can_add_cut(user, project: Project) -> bool:
    """Until the application is closed: withdrawn, or not selected — for the producer,
    once they have been told (a decision shows nowhere before)."""
    if can_manage_project(user, project):
        status = project.status
    elif is_owner(user, project):
        status = project.status_for_producer
    else:
        return False
    return status not in (ProjectStatus.WITHDRAWN, ProjectStatus.NOT_SELECTED)


def can_withdraw(user, project: Project) -> bool:
    """A draft that was never submitted cannot be withdrawn: the festival never saw it."""
    if project.status == ProjectStatus.DRAFT and project.submitted_at is None:
        return False
    # A decision not told yet shows nowhere: withdrawing is offered as under review.
    return is_owner(user, project) and project.status_for_producer in (
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        ProjectStatus.UNDER_REVIEW,
        ProjectStatus.WAITLISTED,
        ProjectStatus.SELECTED,
    )


def visible_projects(user, queryset=None):
    """The projects this person may open: their own, and those of the programmes they
    run. Anything else answers 404."""
    from django.db.models import Q

    from editions.models import Programme

    queryset = queryset if queryset is not None else Project.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    managed = Programme.objects.managed_by(user)
    return queryset.filter(Q(owner=user) | Q(call__edition__programme__in=managed))
