"""Every change to a producer's profile and projects goes through these functions. Views,
tasks, commands and the juries app call them; nothing else assigns Project.status."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from editions import activity, mail_templates
from editions.models import Call

from . import eligibility, mails, signals
from .models import (
    DECIDED_STATUSES,
    Cut,
    EventKind,
    PostProductionItem,
    ProducerProfile,
    Project,
    ProjectEvent,
    ProjectStatus,
    Screening,
)

# Which statuses may follow which. SUBMITTED → DRAFT is staff reopening an application
# for corrections.
TRANSITIONS = {
    ProjectStatus.DRAFT: {ProjectStatus.SUBMITTED, ProjectStatus.WITHDRAWN},
    ProjectStatus.SUBMITTED: {
        ProjectStatus.DRAFT,
        ProjectStatus.UNDER_REVIEW,
        ProjectStatus.NOT_SELECTED,
        ProjectStatus.WITHDRAWN,
    },
    ProjectStatus.UNDER_REVIEW: {
        ProjectStatus.SELECTED,
        ProjectStatus.WAITLISTED,
        ProjectStatus.NOT_SELECTED,
        ProjectStatus.WITHDRAWN,
    },
    ProjectStatus.WAITLISTED: {
        ProjectStatus.SELECTED,
        ProjectStatus.NOT_SELECTED,
        ProjectStatus.WITHDRAWN,
    },
    ProjectStatus.SELECTED: {ProjectStatus.WITHDRAWN, ProjectStatus.NOT_SELECTED},
    ProjectStatus.NOT_SELECTED: set(),
    ProjectStatus.WITHDRAWN: set(),
}


def allowed_statuses(status) -> set:
    return TRANSITIONS.get(status, set())


# --- Producer profile -------------------------------------------------------------------


@transaction.atomic
def save_profile(*, profile: ProducerProfile, by=None) -> ProducerProfile:
    profile.full_clean()
    profile.save()
    return profile


# --- Projects ---------------------------------------------------------------------------


@transaction.atomic
def create_project(*, call: Call, owner, by=None, moment=None, **fields) -> Project:
    """A producer starts an application to an open call. Staff entering an invited project
    (by != owner) may do so whatever the dates."""
    by = by or owner
    if by == owner and not call.is_open(moment):
        raise ValidationError(_("This call is not open for applications."), code="call_closed")
    project = Project(call=call, owner=owner, **fields)
    if by != owner:
        project.invited_by = by
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def save_project(*, project: Project, by) -> Project:
    """Save a step of the application. A producer edits only their drafts."""
    stored_status = Project.objects.values_list("status", flat=True).get(pk=project.pk)
    if by == project.owner and stored_status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("This application has been submitted and can no longer be changed."),
            code="not_editable",
        )
    project.status = stored_status  # never changed here: see set_project_status()
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def save_project_step(*, project: Project, by, formsets=()) -> Project:
    """Save a step of the application with its rows (companies, directors, post-production
    needs): all or nothing. The formsets must have been validated."""
    project = save_project(project=project, by=by)
    for formset in formsets:
        formset.instance = project
        if formset.model is PostProductionItem:
            _save_rows_unique_per_project(formset)
        else:
            formset.save()
    return project


def _save_rows_unique_per_project(formset):
    """Post-production needs are unique per project: two saved rows that swap their needs
    would collide row by row, so changed rows are replaced rather than updated."""
    rows = formset.save(commit=False)
    for row in formset.deleted_objects:
        row.delete()
    changed = [row.pk for row in rows if row.pk is not None]
    formset.model.objects.filter(pk__in=changed).delete()
    for row in rows:
        row.pk = None
        row._state.adding = True
        row.save()


def _record(project, *, kind, by=None, message="", from_status="", to_status="", visible=True):
    return ProjectEvent.objects.create(
        project=project,
        kind=kind,
        by=by,
        message=message,
        from_status=from_status,
        to_status=to_status,
        visible_to_producer=visible,
    )


@transaction.atomic
def set_project_status(
    *,
    project: Project,
    status: str,
    by=None,
    message: str = "",
    session=None,
    moment=None,
    visible: bool = True,
) -> Project:
    """The one door for a project's status: locks the row, does nothing when the status is
    already the target, refuses a move not in TRANSITIONS, records the event (kept from
    the producer when not `visible`: a jury's decision before it is told)."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == status and (session is None or project.selected_session == session):
        return project
    if status == ProjectStatus.WITHDRAWN and project.submitted_at is None:
        # A draft never submitted has nothing to withdraw (and a project that is not a
        # draft must have a submission time: see the project_submitted_has_time constraint).
        raise ValidationError(
            _("This draft was never submitted, so there is nothing to withdraw."),
            code="never_submitted",
        )
    if status != project.status and status not in allowed_statuses(project.status):
        raise ValidationError(
            _("An application cannot go from “%(old)s” to “%(new)s”.")
            % {"old": project.get_status_display(), "new": ProjectStatus(status).label},
            code="invalid_transition",
        )
    old = project.status
    project.status = status
    fields = ["status", "updated_at"]
    if status == ProjectStatus.SUBMITTED:
        project.submitted_at = moment or timezone.now()
        fields.append("submitted_at")
    if status in (ProjectStatus.SELECTED, ProjectStatus.WAITLISTED) and session is not None:
        project.selected_session = session
        fields.append("selected_session")
    elif status not in (ProjectStatus.SELECTED, ProjectStatus.WAITLISTED):
        project.selected_session = None
        fields.append("selected_session")
    project.save(update_fields=fields)
    _record(
        project,
        kind=EventKind.STATUS,
        by=by,
        message=message,
        from_status=old,
        to_status=status,
        visible=visible,
    )
    changes = {"status": [old, status]}
    if session is not None:
        changes["session"] = session.display_name
    activity.record(
        edition=project.call.edition_id,
        action="project.status",
        by=by,
        subject=project,
        label=project.display_title,
        project=project,
        changes=changes,
        message=message,
    )
    signals.status_changed.send(sender=Project, project=project, old=old, new=status, by=by)
    return project


@transaction.atomic
def release_result(*, project: Project, by=None, moment=None) -> Project:
    """The producer has been told the jury's decision: their page now shows it, with the
    history of how it came. Releasing twice changes nothing."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in DECIDED_STATUSES:
        raise ValidationError(
            _("There is no decision on this application to tell yet."), code="undecided"
        )
    if project.result_released_at is None:
        project.result_released_at = moment or timezone.now()
        project.save(update_fields=["result_released_at", "updated_at"])
        project.events.filter(kind=EventKind.STATUS, to_status__in=DECIDED_STATUSES).update(
            visible_to_producer=True
        )
    return project


def effective_eligibility(project: Project, items=None) -> bool:
    """Computed eligibility, unless staff overruled it."""
    if project.screening == Screening.OVERRULED_ELIGIBLE:
        return True
    if project.screening == Screening.OVERRULED_INELIGIBLE:
        return False
    items = items if items is not None else eligibility.check_project(project)
    return eligibility.is_complete(items)


@transaction.atomic
def submit_project(*, project: Project, by, moment=None) -> Project:
    """Submit an application: only its producer, only while the call is open (judged on
    the server), only when every eligibility item passes. Submitting twice — a double
    click, two tabs — makes one submission and one confirmation mail."""
    project = Project.objects.select_for_update().select_related("call__edition").get(pk=project.pk)
    if by != project.owner:
        raise PermissionDenied
    if project.status == ProjectStatus.SUBMITTED:
        return project
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."), code="not_a_draft")
    moment = moment or timezone.now()
    if not project.call.is_open(moment):
        raise ValidationError(
            _("The deadline has passed: applications closed on %(deadline)s (%(zone)s time).")
            % {
                "deadline": timezone.localtime(
                    project.call.closes_at, project.call.edition.tz
                ).strftime("%Y-%m-%d %H:%M"),
                "zone": project.call.edition.time_zone,
            },
            code="deadline_passed",
        )
    problems = eligibility.failures(eligibility.check_project(project))
    if problems:
        raise ValidationError([ValidationError(item.message, code=item.code) for item in problems])
    project = set_project_status(
        project=project, status=ProjectStatus.SUBMITTED, by=by, moment=moment
    )
    mail_templates.queue_mail_to_user(
        edition=project.call.edition,
        code=mails.SUBMITTED,
        user=project.owner,
        context={"project": project},
        dedupe_key=f"submitted:{project.pk}:{project.submitted_at.isoformat()}",
    )
    return project


@transaction.atomic
def withdraw_project(*, project: Project, by, reason: str = "") -> Project:
    if by != project.owner:
        raise PermissionDenied
    stored = Project.objects.get(pk=project.pk)
    if stored.status == ProjectStatus.NOT_SELECTED and stored.result_released_at is None:
        # The decision is not told yet: it must not show through a refusal either.
        raise ValidationError(
            _(
                "The selection is being completed: write to the festival team to withdraw "
                "your application."
            ),
            code="being_decided",
        )
    return set_project_status(
        project=project, status=ProjectStatus.WITHDRAWN, by=by, message=reason
    )


@transaction.atomic
def reopen_project(*, project: Project, by, message: str) -> Project:
    """Staff send a submitted application back to its producer for corrections."""
    if not message.strip():
        raise ValidationError(
            {"message": _("Tell the producer what to correct.")}, code="message_required"
        )
    # A draft is already open: reopening it again would only mail the producer twice.
    if Project.objects.values_list("status", flat=True).get(pk=project.pk) != (
        ProjectStatus.SUBMITTED
    ):
        raise ValidationError(
            _("Only a submitted application can be reopened for corrections."),
            code="not_submitted",
        )
    project = set_project_status(
        project=project, status=ProjectStatus.DRAFT, by=by, message=message
    )
    mail_templates.queue_mail_to_user(
        edition=project.call.edition,
        code=mails.REOPENED,
        user=project.owner,
        context={"project": project, "message": message},
    )
    return project


@transaction.atomic
def send_message(*, project: Project, by, message: str) -> ProjectEvent:
    """Staff write to the producer; the message stays on the project's page."""
    if not message.strip():
        raise ValidationError({"message": _("Write a message.")}, code="message_required")
    event = _record(project, kind=EventKind.MESSAGE, by=by, message=message)
    mail_templates.queue_mail_to_user(
        edition=project.call.edition,
        code=mails.MESSAGE,
        user=project.owner,
        context={"project": project, "message": message},
    )
    return event


@transaction.atomic
def screen_project(*, project: Project, by, decision: str, reason: str = "") -> Project:
    """Staff confirm the computed eligibility, or overrule it with a written reason."""
    if decision not in Screening.values or decision == Screening.PENDING:
        raise ValidationError({"decision": _("Choose a decision.")}, code="invalid_decision")
    overruling = decision in (Screening.OVERRULED_ELIGIBLE, Screening.OVERRULED_INELIGIBLE)
    if overruling and not reason.strip():
        raise ValidationError(
            {"reason": _("Write why you overrule the computed eligibility.")},
            code="reason_required",
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    was = project.screening
    project.screening = decision
    project.screening_reason = reason.strip()
    project.screened_by = by
    project.screened_at = timezone.now()
    project.save(
        update_fields=["screening", "screening_reason", "screened_by", "screened_at", "updated_at"]
    )
    _record(
        project,
        kind=EventKind.SCREENING,
        by=by,
        message=f"{Screening(decision).label}. {reason}".strip(),
        visible=False,
    )
    activity.record(
        edition=project.call.edition_id,
        action="project.screening",
        by=by,
        subject=project,
        label=project.display_title,
        project=project,
        changes={"screening": [was, decision]},
        message=project.screening_reason,
    )
    return project


# --- Cuts -------------------------------------------------------------------------------


@transaction.atomic
def add_cut(*, project: Project, by, cut: Cut) -> Cut:
    """A new version of the film. Allowed after submission too: a work in progress changes
    while it is judged, and jurors always see the latest cut."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.WITHDRAWN or (
        project.status == ProjectStatus.NOT_SELECTED and project.result_released_at
    ):
        raise ValidationError(
            _("This application is closed; no new cut can be added."), code="closed"
        )
    latest = project.cuts.aggregate(latest=Max("number"))["latest"] or 0
    cut.project = project
    cut.number = latest + 1
    cut.full_clean()
    cut.save()
    if project.status != ProjectStatus.DRAFT:
        _record(
            project,
            kind=EventKind.CUT_ADDED,
            by=by,
            message=cut.changes,
        )
    if project.new_cut_requested_at is not None:
        project.new_cut_requested_at = None
        project.save(update_fields=["new_cut_requested_at", "updated_at"])
    return cut


@transaction.atomic
def update_cut(*, cut: Cut, by) -> Cut:
    """Correct a cut's details (a typo in the link, a new password)."""
    cut.full_clean()
    cut.save()
    return cut


@transaction.atomic
def request_new_cut(*, project: Project, by, message: str) -> Project:
    if not message.strip():
        raise ValidationError(
            {"message": _("Say what the new cut should include.")}, code="message_required"
        )
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.new_cut_requested_at = timezone.now()
    project.save(update_fields=["new_cut_requested_at", "updated_at"])
    _record(project, kind=EventKind.CUT_REQUESTED, by=by, message=message)
    mail_templates.queue_mail_to_user(
        edition=project.call.edition,
        code=mails.CUT_REQUESTED,
        user=project.owner,
        context={"project": project, "message": message},
    )
    return project


# --- Carrying a project over ------------------------------------------------------------


@transaction.atomic
def carry_over_project(*, project: Project, call: Call, by) -> Project:
    """Copy a project that was not selected into another call (the next session or
    edition), with its companies, directors, post-production needs, cuts, stills and
    documents. The new application starts as a draft and remembers where it came from."""
    project = Project.objects.select_for_update().get(pk=project.pk)  # its stored status
    if project.status not in (ProjectStatus.NOT_SELECTED, ProjectStatus.WAITLISTED):
        raise ValidationError(
            _("Only a project that was not selected can be carried over."), code="not_carried"
        )
    if call.pk == project.call_id:
        raise ValidationError({"call": _("Choose another call.")}, code="same_call")
    if Project.objects.filter(carried_over_from=project, call=call).exists():
        raise ValidationError(
            {"call": _("This project was already carried over to that call.")},
            code="already_carried",
        )
    source = Project.objects.get(pk=project.pk)
    related = {
        "companies": list(source.companies.all()),
        "directors": list(source.directors.all()),
        "post_production": list(source.post_production.all()),
        "cuts": list(source.cuts.all()),
        "stills": list(source.stills.all()),
        "documents": list(source.documents.all()),
    }
    copy = Project.objects.get(pk=project.pk)
    copy.pk = None
    copy._state.adding = True
    copy.call = call
    copy.status = ProjectStatus.DRAFT
    copy.selected_session = None
    copy.carried_over_from = source
    copy.screening = Screening.PENDING
    copy.screening_reason = ""
    copy.screened_by = None
    copy.screened_at = None
    copy.submitted_at = None
    copy.new_cut_requested_at = None
    copy.save()
    for rows in related.values():
        for row in rows:
            row.pk = None
            row._state.adding = True
            row.project = copy
            row.save()
    _record(copy, kind=EventKind.CARRIED_OVER, by=by, message=str(source.call))
    _record(source, kind=EventKind.CARRIED_OVER, by=by, message=str(call), visible=True)
    return copy


# --- Invited projects -------------------------------------------------------------------


@transaction.atomic
def invite_project(*, call: Call, email: str, full_name: str, language: str, by, **fields):
    """Staff enter a project on a producer's behalf (forums that work by invitation) and
    invite the producer to complete it. A person new to the portal gets an account without
    a password and a link to choose one; someone who has an account keeps it. Returns the
    project; the project's invited_by is the staff member."""
    User = get_user_model()  # noqa: N806 (the model class, named as Django names it)
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name.strip(), language=language)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    project = create_project(call=call, owner=user, by=by, **fields)
    set_password_path = ""  # an empty link, filled below for new accounts  # nosec B105
    if not user.has_usable_password():
        with translation.override(user.language):
            set_password_path = reverse(
                "accounts:password_reset_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                    "token": default_token_generator.make_token(user),
                },
            )
    mail_templates.queue_mail_to_user(
        edition=call.edition,
        code=mails.INVITED,
        user=user,
        context={"project": project, "set_password_path": set_password_path},
        dedupe_key=f"invited:{project.pk}",
    )
    return project
