"""Every change to a jury goes through these functions: invitations, criteria, rounds and
their phases, conflicts, interest, assignments by hand, reviews, discussion, reminders and
the selection. Views, tasks and commands call them. The automatic assignment is in
assignment.py, the ranking in ranking.py."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from editions import activity, mail_templates
from outbox.models import Mail
from submissions.models import Project, ProjectStatus
from submissions.services import set_project_status

from . import mails, permissions
from .models import (
    BLOCKING_CONFLICTS,
    Assignment,
    AssignmentSource,
    Comment,
    Conflict,
    ConflictStatus,
    Criterion,
    Decision,
    DecisionAction,
    Interest,
    InterestLevel,
    Invitation,
    InvitationStatus,
    JuryMember,
    Phase,
    Placement,
    PlacementKind,
    Recommendation,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    RoundProject,
    Score,
    Selection,
)

# --- Invitations ------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("edition__programme", "session")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def invite_juror(
    *,
    edition,
    email: str,
    full_name: str,
    by,
    language: str = "en",
    session=None,
    affiliation: str = "",
    is_president: bool = False,
    message: str = "",
) -> Invitation:
    """Invite someone to the edition's jury by mail; the link in it accepts or declines."""
    User = get_user_model()  # noqa: N806 (the model class, named as Django names it)
    email = User.objects.normalize_email(email).strip().lower()
    if JuryMember.objects.filter(edition=edition, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": ValidationError(
                    _("This person is already on the jury."), code="already_member"
                )
            }
        )
    already_invited = _("This person has an invitation waiting for an answer.")
    if Invitation.objects.filter(
        edition=edition, email__iexact=email, status=InvitationStatus.PENDING
    ).exists():
        raise ValidationError({"email": ValidationError(already_invited, code="already_invited")})
    if session is not None and session.edition_id != edition.pk:
        raise ValidationError({"session": _("Choose a session of this edition.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        edition=edition,
        session=session,
        email=email,
        full_name=full_name.strip(),
        language=language,
        affiliation=affiliation.strip(),
        is_president=is_president,
        message=message.strip(),
        token_hash=hash_token(token),
        invited_by=by,
    )
    # The one-pending-invitation constraint is left to the database, whose refusal is
    # reported at the address below.
    invitation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # the same invitation sent twice at once (a double click)
        raise ValidationError(
            {"email": ValidationError(already_invited, code="already_invited")}
        ) from None
    _mail_invitation(invitation, token)
    return invitation


def _mail_invitation(invitation: Invitation, token: str):
    mail_templates.queue_mail(
        edition=invitation.edition,
        code=mails.INVITATION,
        context={"invitation": invitation, "token": token},
        to=invitation.email,
        language=invitation.language,
        dedupe_key=f"jury-invitation:{invitation.pk}:{invitation.token_hash[:16]}",
    )


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by) -> Invitation:
    """A new link (the old one stops working) in a new mail."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("Only an invitation waiting for an answer can be sent again."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.save(update_fields=["token_hash"])
    _mail_invitation(invitation, token)
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user) -> JuryMember:
    """The invited person, signed in (with an account they had or just made), joins the
    jury. Accepting twice changes nothing."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == InvitationStatus.ACCEPTED and invitation.member is not None:
        if invitation.member.user_id != user.pk:
            raise PermissionDenied
        return invitation.member
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation is no longer open."), code="invitation_closed")
    member = JuryMember.objects.filter(edition=invitation.edition, user=user).first()
    if member is None:
        is_president = (
            invitation.is_president
            and not JuryMember.objects.filter(
                edition=invitation.edition, is_president=True
            ).exists()
        )
        member = JuryMember(
            edition=invitation.edition,
            user=user,
            session=invitation.session,
            affiliation=invitation.affiliation,
            is_president=is_president,
        )
        member.full_clean()
        member.save()
        for round_ in Round.objects.filter(edition=invitation.edition, kind=RoundKind.FINAL):
            round_.members.add(member)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.member = member
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "member", "answered_at"])
    return member


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == InvitationStatus.DECLINED:
        return invitation
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation is no longer open."), code="invitation_closed")
    invitation.status = InvitationStatus.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    return invitation


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, by) -> Invitation:
    updated = Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.WITHDRAWN, answered_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("Only an invitation waiting for an answer can be withdrawn."))
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def save_member(*, member: JuryMember, by) -> JuryMember:
    """Staff change a juror's session, affiliation, load or presidency. One president per
    jury: naming a new one relieves the previous."""
    if member.is_president:
        JuryMember.objects.filter(edition=member.edition, is_president=True).exclude(
            pk=member.pk
        ).update(is_president=False)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def remove_member(*, member: JuryMember, by):
    """A juror leaves the jury. Refused once they have started a review: their scores
    are part of the record."""
    if Review.objects.filter(member=member).exists():
        raise ValidationError(
            _("This juror has started reviewing; their reviews must be kept."),
            code="has_reviews",
        )
    member.delete()


# --- Criteria ---------------------------------------------------------------------------

DEFAULT_CRITERIA = [
    (gettext_lazy("Artistic quality"), gettext_lazy("Writing, direction, images and sound.")),
    (
        gettext_lazy("Originality of voice"),
        gettext_lazy("A personal point of view; a film only this director could make."),
    ),
    (
        gettext_lazy("Need and impact of the support"),
        gettext_lazy("How much showing it here would change the film's completion."),
    ),
    (
        gettext_lazy("Feasibility of completion"),
        gettext_lazy("Budget, financing, schedule and team: can it be finished?"),
    ),
    (
        gettext_lazy("Audience and market potential"),
        gettext_lazy("Festivals, sales, distribution and audiences it could reach."),
    ),
]


def criteria_locked(edition) -> bool:
    """Criteria can change until the first score is given."""
    return Score.objects.filter(criterion__edition=edition).exists()


def _refuse_if_locked(edition):
    if criteria_locked(edition):
        raise ValidationError(
            _("Jurors have started scoring: the criteria can no longer change."),
            code="criteria_locked",
        )


@transaction.atomic
def create_default_criteria(*, edition, by=None) -> list[Criterion]:
    """The criteria of a works-in-progress programme, in the staff member's language,
    unless the edition has criteria already."""
    if edition.criteria.exists():
        return list(edition.criteria.all())
    return [
        Criterion.objects.create(
            edition=edition, name=str(name), description=str(description), position=position
        )
        for position, (name, description) in enumerate(DEFAULT_CRITERIA)
    ]


@transaction.atomic
def save_criterion(*, criterion: Criterion, by) -> Criterion:
    _refuse_if_locked(criterion.edition)
    if criterion.pk is None and not criterion.position:
        criterion.position = (
            criterion.edition.criteria.aggregate(last=Max("position"))["last"] or 0
        ) + 1
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion, by):
    _refuse_if_locked(criterion.edition)
    criterion.delete()


# --- Rounds -----------------------------------------------------------------------------


def _next_round_number(edition) -> int:
    return (Round.objects.filter(edition=edition).aggregate(last=Max("number"))["last"] or 0) + 1


@transaction.atomic
def save_round(*, round_: Round, by, members: Iterable[JuryMember] | None = None) -> Round:
    """Create or change a round. A new final round has the whole jury by default."""
    creating = round_.pk is None
    if creating:
        round_.number = _next_round_number(round_.edition)
    round_.reminder_days = sorted({int(day) for day in round_.reminder_days}, reverse=True)
    round_.full_clean()
    round_.save()
    if members is not None:
        members = list(members)
        if any(member.edition_id != round_.edition_id for member in members):
            raise ValidationError({"members": _("Choose jurors of this edition.")})
        round_.members.set(members)
    elif creating and round_.kind == RoundKind.FINAL:
        round_.members.set(round_.edition.jury_members.all())
    return round_


def eligible_projects(edition):
    """The edition's submitted applications that pass eligibility, or that staff declared
    eligible (and not those staff declared ineligible): what a first round reviews."""
    from submissions.models import Screening
    from submissions.selectors import ELIGIBLE, pks_with_eligibility

    competing = Project.objects.filter(
        call__edition=edition,
        status__in=[ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW],
    )
    computed = competing.filter(screening__in=[Screening.PENDING, Screening.CONFIRMED])
    pks = pks_with_eligibility(computed, state=ELIGIBLE, edition=edition)
    pks += list(
        competing.filter(screening=Screening.OVERRULED_ELIGIBLE).values_list("pk", flat=True)
    )
    return Project.objects.filter(pk__in=pks)


@transaction.atomic
def add_projects_to_round(*, round_: Round, projects: Iterable[Project], by) -> int:
    """Put projects in a round (the eligible applications, or a shortlist). Returns how
    many were added; those already in it are left as they are."""
    projects = list(projects)
    if any(project.call.edition_id != round_.edition_id for project in projects):
        raise ValidationError(_("Only applications to this edition can be reviewed here."))
    existing = set(round_.entries.values_list("project_id", flat=True))
    new = [
        RoundProject(round=round_, project=project)
        for project in projects
        if project.pk not in existing
    ]
    RoundProject.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def fill_round_with_eligible(*, round_: Round, by) -> int:
    projects = eligible_projects(round_.edition).select_related("call")
    return add_projects_to_round(round_=round_, projects=projects, by=by)


@transaction.atomic
def remove_project_from_round(*, round_: Round, project: Project, by):
    if Review.objects.filter(round=round_, project=project).exists():
        raise ValidationError(
            _("Jurors have started reviewing this project in this round."), code="has_reviews"
        )
    Assignment.objects.filter(round=round_, project=project).delete()
    RoundProject.objects.filter(round=round_, project=project).delete()


@transaction.atomic
def shortlist(*, source: Round, target: Round, projects: Iterable[Project], by) -> int:
    """Carry the projects a pre-selection kept into the next round."""
    if source.edition_id != target.edition_id or target.number <= source.number:
        raise ValidationError(_("Choose a later round of the same edition."))
    projects = list(projects)
    in_source = set(source.entries.values_list("project_id", flat=True))
    if any(project.pk not in in_source for project in projects):
        raise ValidationError(_("Only projects of the pre-selection can be shortlisted."))
    return add_projects_to_round(round_=target, projects=projects, by=by)


@transaction.atomic
def set_phase(*, round_: Round, phase: str, by) -> Round:
    """Switch what jurors may see and do. Scoring needs published assignments and
    criteria."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose a phase.")})
    if round_.phase == phase:
        return round_
    if phase in (Phase.SCORING, Phase.DISCUSSION):
        if not round_.assignments_published:
            raise ValidationError(
                _("Show the assignments to the jurors before they start scoring."),
                code="not_published",
            )
        if not round_.edition.criteria.exists():
            raise ValidationError(
                _("Set the scoring criteria before jurors start scoring."), code="no_criteria"
            )
    if phase == Phase.SETUP and round_.assignments_published:
        raise ValidationError(
            _("Jurors already see their assignments: the round cannot go back to its preparation."),
            code="published",
        )
    round_.phase = phase
    round_.save(update_fields=["phase"])
    return round_


@transaction.atomic
def publish_assignments(*, round_: Round, by) -> Round:
    """Show the proposal, as staff edited it, to the jurors. Their applications are then
    under review."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.assignments.exists():
        raise ValidationError(_("There is no assignment to show yet."), code="no_assignments")
    first_time = round_.assignments_published_at is None
    if round_.assignments_published_at is None:
        round_.assignments_published_at = timezone.now()
        round_.save(update_fields=["assignments_published_at"])
    submitted = Project.objects.filter(
        pk__in=round_.assignments.values("project"), status=ProjectStatus.SUBMITTED
    )
    for project in submitted:
        set_project_status(project=project, status=ProjectStatus.UNDER_REVIEW, by=by)
    if first_time:
        _record_published(round_, by)
    return round_


def _record_published(round_: Round, by):
    """One entry for the round, with its counts, and one for each project with its jurors: a
    fixed number of queries whatever the size of the round."""
    jurors: dict[int, list[str]] = {}
    for project_id, name, email in round_.assignments.order_by(
        "member__user__full_name", "member__user__email"
    ).values_list("project_id", "member__user__full_name", "member__user__email"):
        jurors.setdefault(project_id, []).append(name or email)
    projects = Project.objects.only("original_title", "english_title").in_bulk(list(jurors))
    activity.record_many(
        [
            activity.entry(
                edition=round_.edition_id,
                action="jury.published",
                by=by,
                subject=round_,
                label=round_.name,
                changes={
                    "assignments": sum(len(names) for names in jurors.values()),
                    "projects": len(jurors),
                },
            ),
            *(
                activity.entry(
                    edition=round_.edition_id,
                    action="jury.published",
                    by=by,
                    subject=round_,
                    label=projects[project_id].display_title,
                    project=project_id,
                    changes={"round": round_.name, "jurors": ", ".join(names)},
                )
                for project_id, names in jurors.items()
            ),
        ]
    )


# --- Conflicts --------------------------------------------------------------------------


def _round_member(round_: Round, member: JuryMember):
    if not round_.members.filter(pk=member.pk).exists():
        raise PermissionDenied


@transaction.atomic
def declare_conflict(*, member: JuryMember, project: Project, reason: str, by) -> Conflict:
    """A juror declares a conflict, before reviewing or at any time after. From then on
    they no longer see the project; a draft review they had started stays, hidden, for
    staff to decide."""
    if not reason.strip():
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say briefly why, for the festival's records."), code="reason_required"
                )
            }
        )
    if project.call.edition_id != member.edition_id:
        raise PermissionDenied
    conflict, created = Conflict.objects.get_or_create(
        member=member,
        project=project,
        defaults={"status": ConflictStatus.DECLARED, "reason": reason.strip(), "created_by": by},
    )
    if not created and conflict.status not in BLOCKING_CONFLICTS[:2]:
        conflict.status = ConflictStatus.DECLARED
        conflict.reason = reason.strip()
        conflict.created_by = by
        conflict.save(update_fields=["status", "reason", "created_by", "updated_at"])
    Assignment.objects.filter(member=member, project=project, review__isnull=True).delete()
    return conflict


@transaction.atomic
def add_conflict(*, member: JuryMember, project: Project, reason: str, by) -> Conflict:
    """Staff record a conflict (or confirm a suggested one). Any assignment of the juror to
    the project whose review has not started is removed."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Write the reason."), code="reason_required")}
        )
    if project.call.edition_id != member.edition_id:
        raise ValidationError(_("This project is not in the juror's edition."))
    conflict, _created = Conflict.objects.update_or_create(
        member=member,
        project=project,
        defaults={"status": ConflictStatus.CONFIRMED, "reason": reason.strip(), "created_by": by},
    )
    Assignment.objects.filter(member=member, project=project, review__isnull=True).delete()
    return conflict


@transaction.atomic
def dismiss_conflict(*, conflict: Conflict, by) -> Conflict:
    """Staff decide there is no conflict after all (a suggestion, or a declaration)."""
    conflict.status = ConflictStatus.DISMISSED
    conflict.created_by = by
    conflict.save(update_fields=["status", "created_by", "updated_at"])
    return conflict


def _normalise(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).replace(".", "")
    words = "".join(char if char.isalnum() else " " for char in text.lower()).split()
    noise = {"sa", "srl", "sas", "ltda", "ltd", "inc", "llc", "producciones", "films", "cine"}
    return " ".join(word for word in words if word not in noise)


def conflict_candidates(*, edition, members=None, projects=None) -> list[tuple]:
    """Likely conflicts: the juror's company among the project's companies, or the juror
    among its people (producer, contact, directors). Returns (member, project, reason)."""
    from submissions.models import Director, ProducerProfile, ProjectCompany

    members = list(members if members is not None else edition.jury_members.select_related("user"))
    projects = projects if projects is not None else Project.objects.filter(call__edition=edition)
    project_ids = list(projects.values_list("pk", flat=True))
    companies: dict[str, set[int]] = {}
    for project_id, name in ProjectCompany.objects.filter(project__in=project_ids).values_list(
        "project_id", "name"
    ):
        companies.setdefault(_normalise(name), set()).add(project_id)
    people: dict[str, set[int]] = {}
    for project_id, name in Director.objects.filter(project__in=project_ids).values_list(
        "project_id", "name"
    ):
        people.setdefault(_normalise(name), set()).add(project_id)
    owners = Project.objects.filter(pk__in=project_ids).values_list(
        "pk", "owner_id", "owner__full_name"
    )
    owner_ids: dict[int, set[int]] = {}
    for project_id, owner_id, owner_name in owners:
        owner_ids.setdefault(owner_id, set()).add(project_id)
        people.setdefault(_normalise(owner_name), set()).add(project_id)
    profiles = ProducerProfile.objects.filter(user__projects__in=project_ids).values_list(
        "user_id", "company", "contact_person"
    )
    for user_id, company, contact in profiles.distinct():
        for project_id in owner_ids.get(user_id, ()):
            companies.setdefault(_normalise(company), set()).add(project_id)
            people.setdefault(_normalise(contact), set()).add(project_id)
    found = {}
    for member in members:
        affiliation = _normalise(member.affiliation)
        name = _normalise(member.user.full_name)
        if affiliation:
            for project_id in companies.get(affiliation, ()):
                found.setdefault(
                    (member.pk, project_id),
                    _("%(company)s is among the project's companies.")
                    % {"company": member.affiliation},
                )
        if name:
            for project_id in people.get(name, ()):
                found.setdefault(
                    (member.pk, project_id),
                    _("%(name)s is among the project's people.") % {"name": member.user.full_name},
                )
        for project_id in owner_ids.get(member.user_id, ()):
            found[(member.pk, project_id)] = _("The juror applied with this project.")
    by_member = {member.pk: member for member in members}
    by_project = Project.objects.in_bulk({project_id for _member, project_id in found})
    return [
        (by_member[member_id], by_project[project_id], reason)
        for (member_id, project_id), reason in found.items()
    ]


@transaction.atomic
def suggest_conflicts(*, edition, by=None) -> int:
    """Store the likely conflicts the portal finds as suggestions for staff to confirm or
    dismiss; a conflict already recorded (or dismissed) is left alone. Returns how many
    are new. A suggestion keeps the juror away from the project until it is dismissed."""
    existing = set(
        Conflict.objects.filter(member__edition=edition).values_list("member_id", "project_id")
    )
    new = [
        Conflict(member=member, project=project, status=ConflictStatus.SUGGESTED, reason=reason)
        for member, project, reason in conflict_candidates(edition=edition)
        if (member.pk, project.pk) not in existing
    ]
    Conflict.objects.bulk_create(new)
    if new:
        blocked = {(conflict.member_id, conflict.project_id) for conflict in new}
        for assignment in Assignment.objects.filter(
            member__edition=edition, review__isnull=True
        ).values_list("pk", "member_id", "project_id"):
            if (assignment[1], assignment[2]) in blocked:
                Assignment.objects.filter(pk=assignment[0]).delete()
    return len(new)


# --- Interest ---------------------------------------------------------------------------


@transaction.atomic
def set_interest(*, member: JuryMember, round_: Round, project: Project, level: str) -> Interest:
    if level not in InterestLevel.values:
        raise ValidationError({"level": _("Choose how interested you are.")})
    if not permissions.can_declare_interest(member, round_):
        raise ValidationError(_("Interest can be stated only before the assignment."), code="phase")
    if project.owner_id == member.user_id or not round_.entries.filter(project=project).exists():
        raise PermissionDenied
    interest, _created = Interest.objects.update_or_create(
        member=member, project=project, defaults={"level": level}
    )
    return interest


# --- Assignments by hand ----------------------------------------------------------------


@transaction.atomic
def assign(*, round_: Round, member: JuryMember, project: Project, by) -> Assignment:
    """Staff assign a juror to a project by hand. Never to a project they are in conflict
    with, and only jurors of the round and projects in it."""
    if not round_.members.filter(pk=member.pk).exists():
        raise ValidationError(
            {
                "member": ValidationError(
                    _("This juror does not sit on this round."), code="not_in_round"
                )
            }
        )
    if not round_.entries.filter(project=project).exists():
        raise ValidationError(
            {
                "project": ValidationError(
                    _("This project is not reviewed in this round."), code="not_in_round"
                )
            }
        )
    if round_.phase == Phase.CLOSED:
        raise ValidationError(_("This round is closed."), code="closed")
    if project.status not in permissions.REVIEWABLE_STATUSES:
        raise ValidationError(
            {
                "project": ValidationError(
                    _("This application is no longer in the competition."), code="not_competing"
                )
            }
        )
    if (
        project.owner_id == member.user_id
        or permissions.blocking_conflicts().filter(member=member, project=project).exists()
    ):
        raise ValidationError(
            {
                "member": ValidationError(
                    _("This juror has a conflict of interest with this project."), code="conflict"
                )
            }
        )
    assignment, created = Assignment.objects.get_or_create(
        round=round_,
        member=member,
        project=project,
        defaults={"source": AssignmentSource.MANUAL, "created_by": by},
    )
    if created:
        activity.record(
            edition=round_.edition_id,
            action="jury.assigned",
            by=by,
            subject=assignment,
            label=project.display_title,
            project=project,
            changes={"member": [None, str(member.user)], "round": round_.name},
        )
    return assignment


@transaction.atomic
def unassign(*, assignment: Assignment, by):
    if Review.objects.filter(assignment=assignment).exists():
        raise ValidationError(
            _("This review has started; it cannot be unassigned."), code="has_review"
        )
    activity.record(
        edition=assignment.round.edition_id,
        action="jury.unassigned",
        by=by,
        subject=assignment,
        label=assignment.project.display_title,
        project=assignment.project_id,
        changes={"member": [str(assignment.member.user), None], "round": assignment.round.name},
    )
    assignment.delete()


# --- Reviews ----------------------------------------------------------------------------

TOTAL_PLACES = Decimal("0.001")


def weighted_total(scores: dict[Criterion, int]) -> Decimal | None:
    """The weighted mean of the scores, each brought to a 0–10 scale, so that criteria with
    other scales weigh as their weight says."""
    if not scores:
        return None
    weights = sum(criterion.weight for criterion in scores)
    total = sum(
        criterion.weight
        * Decimal(value - criterion.scale_min)
        / Decimal(criterion.scale_max - criterion.scale_min)
        * 10
        for criterion, value in scores.items()
    )
    return (total / weights).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)


@transaction.atomic
def save_review(
    *,
    assignment: Assignment,
    by,
    scores: dict[int, int | None],
    note: str = "",
    producer_feedback: str = "",
    recommendation: str = "",
    session_preference=None,
    submit: bool = False,
    moment=None,
) -> Review:
    """Save a juror's review as a draft, or submit it. Only its juror, only through an
    assignment they may see, only while the phase and the deadline allow. Submitting needs
    every criterion scored and a recommendation. A submitted review stays submitted when
    edited again before the deadline."""
    moment = moment or timezone.now()
    visible = permissions.juror_assignment(by, assignment.project, assignment.round)
    if visible is None or visible.pk != assignment.pk:
        raise PermissionDenied
    assignment = visible
    round_ = assignment.round
    if not permissions.can_edit_review(assignment, moment=moment):
        if round_.deadline is not None and moment >= round_.deadline:
            raise ValidationError(
                _("The jury's deadline has passed: reviews can no longer change."),
                code="deadline_passed",
            )
        raise ValidationError(
            _("Reviews cannot be changed in this phase of the jury."), code="phase"
        )
    criteria = {criterion.pk: criterion for criterion in round_.edition.criteria.all()}
    errors = {}
    clean_scores: dict[Criterion, int] = {}
    for criterion_id, value in scores.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            raise ValidationError(_("Unknown criterion."), code="unknown_criterion")
        if value is None or value == "":
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            errors[f"score_{criterion.pk}"] = _("Give a whole number.")
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"score_{criterion.pk}"] = _("Give a score from %(low)s to %(high)s.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
            continue
        clean_scores[criterion] = value
    if recommendation and recommendation not in Recommendation.values:
        errors["recommendation"] = _("Choose a recommendation.")
    if session_preference is not None and session_preference.edition_id != round_.edition_id:
        errors["session_preference"] = _("Choose a session of this edition.")
    # Lock the assignment: two saves of a first review at once (a double click, two tabs)
    # then write one review, the second after the first.
    Assignment.objects.select_for_update().filter(pk=assignment.pk).first()
    review = Review.objects.filter(assignment=assignment).first()
    will_submit = submit or (review is not None and review.is_submitted)
    if will_submit and not errors:
        missing = [criterion for pk, criterion in criteria.items() if criterion not in clean_scores]
        for criterion in missing:
            errors[f"score_{criterion.pk}"] = _("Score this criterion to submit your review.")
        if not recommendation:
            errors["recommendation"] = _("Give your recommendation to submit your review.")
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = Review(
            assignment=assignment,
            round=round_,
            member=assignment.member,
            project=assignment.project,
        )
    review.note = note
    review.producer_feedback = producer_feedback
    review.recommendation = recommendation
    review.session_preference = session_preference
    review.total = weighted_total(clean_scores) if len(clean_scores) == len(criteria) else None
    if will_submit:
        if review.status != ReviewStatus.SUBMITTED:
            review.submitted_at = moment
        review.status = ReviewStatus.SUBMITTED
    # The database enforces the constraints; checking them here would cost a query each.
    review.full_clean(
        exclude=["assignment", "round", "member", "project"], validate_constraints=False
    )
    review.save()
    stored = {score.criterion_id: score for score in review.scores.all()}
    for criterion in criteria.values():
        value = clean_scores.get(criterion)
        score = stored.get(criterion.pk)
        if value is None and score is not None:
            score.delete()
        elif value is not None and score is None:
            Score.objects.create(review=review, criterion=criterion, value=value)
        elif value is not None and score.value != value:
            Score.objects.filter(pk=score.pk).update(value=value)
    return review


@transaction.atomic
def add_comment(*, assignment: Assignment, by, text: str) -> Comment:
    visible = permissions.juror_assignment(by, assignment.project, assignment.round)
    if visible is None or visible.pk != assignment.pk:
        raise PermissionDenied
    if not permissions.can_comment(visible):
        raise ValidationError(
            _("Comments open in the discussion, once your own review is submitted."),
            code="phase",
        )
    if not text.strip():
        raise ValidationError({"text": ValidationError(_("Write a comment."), code="required")})
    comment = Comment(
        round=visible.round, project=visible.project, author=visible.member, text=text.strip()
    )
    comment.full_clean()
    comment.save()
    return comment


# --- Reminders --------------------------------------------------------------------------


def send_due_reminders(*, moment=None) -> int:
    """Remind every juror with reviews pending, on each configured day before a round's
    deadline. Each reminder has its own key in the outbox, so however often this runs (beat
    every hour, two beats racing) a juror gets it once."""
    moment = moment or timezone.now()
    sent = 0
    rounds = Round.objects.filter(
        deadline__gt=moment,
        assignments_published_at__isnull=False,
        phase__in=[Phase.SCORING, Phase.DISCUSSION],
    ).select_related("edition__programme")
    for round_ in rounds:
        days_left = (round_.deadline - moment) / timedelta(days=1)
        due = [day for day in round_.reminder_days if days_left <= day]
        if not due:
            continue
        day = min(due)
        pending = pending_by_member(round_)
        for member in JuryMember.objects.filter(pk__in=pending).select_related("user"):
            key = f"jury-reminder:{round_.pk}:{member.pk}:{day}"
            if Mail.objects.filter(dedupe_key=key).exists():
                continue
            mail_templates.queue_mail_to_user(
                edition=round_.edition,
                code=mails.REMINDER,
                user=member.user,
                context={"round_": round_, "pending": pending[member.pk]},
                dedupe_key=key,
            )
            sent += 1
    return sent


def pending_by_member(round_: Round) -> dict[int, int]:
    """How many reviews each juror of the round still has to submit."""
    from django.db.models import Count, Q

    rows = (
        visible_round_assignments(round_)
        .values("member_id")
        .annotate(
            pending=Count("pk", filter=~Q(review__status=ReviewStatus.SUBMITTED)),
        )
    )
    return {row["member_id"]: row["pending"] for row in rows if row["pending"]}


def visible_round_assignments(round_: Round):
    """A round's assignments that its jurors see: those of jurors still in the round,
    on projects they have no conflict with."""
    from django.db.models import Exists, OuterRef

    conflicted = permissions.blocking_conflicts().filter(
        member=OuterRef("member"), project=OuterRef("project")
    )
    return (
        Assignment.objects.filter(
            round=round_,
            member__rounds=round_,
            project__status__in=permissions.REVIEWABLE_STATUSES,
        )
        .exclude(Exists(conflicted))
        .exclude(permissions.own_application())
    )


# --- Selection --------------------------------------------------------------------------


def selection_for(edition) -> Selection:
    selection, _created = Selection.objects.get_or_create(edition=edition)
    return selection


def _lock_selection(edition, version: int | None) -> Selection:
    selection_for(edition)
    selection = Selection.objects.select_for_update().get(edition=edition)
    if selection.is_locked:
        raise ValidationError(_("The selection is locked: it can no longer change."), code="locked")
    if version is not None and int(version) != selection.version:
        raise ValidationError(
            _(
                "Someone else changed the selection while you were looking at it. "
                "Nothing was changed: look at the selection as it is now and try again."
            ),
            code="stale",
        )
    return selection


def _bump(selection: Selection):
    Selection.objects.filter(pk=selection.pk).update(version=F("version") + 1)
    selection.refresh_from_db(fields=["version"])


def _check_place(selection, *, project, session, kind, exclude_project=None):
    edition = selection.edition
    if session.edition_id != edition.pk:
        raise ValidationError({"session": _("Choose a session of this edition.")})
    if project.call.edition_id != edition.pk:
        raise ValidationError({"project": _("This project did not apply to this edition.")})
    if project.status not in (
        ProjectStatus.UNDER_REVIEW,
        ProjectStatus.SUBMITTED,
        ProjectStatus.SELECTED,
        ProjectStatus.WAITLISTED,
    ):
        raise ValidationError(
            {
                "project": ValidationError(
                    _("This application is no longer in the competition."), code="not_competing"
                )
            }
        )
    if kind == PlacementKind.SELECTED:
        taken = (
            Placement.objects.filter(
                selection=selection, session=session, kind=PlacementKind.SELECTED
            )
            .exclude(project=exclude_project)
            .count()
        )
        if taken >= session.places:
            raise ValidationError(
                {
                    "session": ValidationError(
                        ngettext(
                            "%(session)s has %(places)s place and it is taken.",
                            "%(session)s has %(places)s places and they are all taken.",
                            session.places,
                        )
                        % {"session": session.display_name, "places": session.places},
                        code="session_full",
                    )
                }
            )


@transaction.atomic
def place_project(
    *,
    edition,
    project: Project,
    session,
    kind: str,
    by,
    reason: str = "",
    position: int | None = None,
    version: int | None = None,
) -> Placement:
    """Place a project in a session, selected or on its waitlist (at the end, or at a
    position), or move it there from wherever it was. Refused beyond the session's places
    or when someone else changed the selection meanwhile."""
    if kind not in PlacementKind.values:
        raise ValidationError({"kind": _("Choose selected or waitlist.")})
    selection = _lock_selection(edition, version)
    _check_place(selection, project=project, session=session, kind=kind, exclude_project=project)
    placement = Placement.objects.filter(selection=selection, project=project).first()
    action = DecisionAction.MOVED if placement is not None else DecisionAction.PLACED
    was = _placement_state(placement)
    if placement is not None:
        _close_gap(placement)
    siblings = Placement.objects.filter(selection=selection, session=session, kind=kind).exclude(
        project=project
    )
    last = siblings.count()
    position = last if position is None else max(0, min(int(position), last))
    siblings.filter(position__gte=position).update(position=F("position") + 1)
    if placement is None:
        placement = Placement(selection=selection, project=project)
    placement.session = session
    placement.kind = kind
    placement.position = position
    placement.reason = reason.strip()
    placement.decided_by = by
    placement.save()
    decision = Decision.objects.create(
        selection=selection,
        action=action,
        project=project,
        session=session,
        kind=kind,
        position=position,
        reason=reason.strip(),
        by=by,
    )
    _bump(selection)
    activity.record(
        edition=edition,
        action=f"selection.{action}",
        by=by,
        subject=decision,
        label=project.display_title,
        project=project,
        changes=_placement_changes(was, _placement_state(placement)),
        message=reason.strip(),
    )
    return placement


def _placement_state(placement: Placement | None) -> tuple:
    """(session, kind, position from 1) of a placement, as the activity records them."""
    if placement is None:
        return (None, None, None)
    return (placement.session.display_name, placement.kind, placement.position + 1)


def _placement_changes(was: tuple, now: tuple) -> dict:
    return {
        name: [before, after]
        for name, before, after in zip(("session", "kind", "position"), was, now, strict=True)
        if before != after
    }


def _close_gap(placement: Placement):
    Placement.objects.filter(
        selection=placement.selection_id,
        session=placement.session_id,
        kind=placement.kind,
        position__gt=placement.position,
    ).update(position=F("position") - 1)


@transaction.atomic
def remove_placement(*, edition, project: Project, by, reason: str = "", version=None):
    selection = _lock_selection(edition, version)
    placement = Placement.objects.filter(selection=selection, project=project).first()
    if placement is None:
        return
    _close_gap(placement)
    placement.delete()
    decision = Decision.objects.create(
        selection=selection,
        action=DecisionAction.REMOVED,
        project=project,
        session=placement.session,
        kind=placement.kind,
        reason=reason.strip(),
        by=by,
    )
    _bump(selection)
    activity.record(
        edition=edition,
        action="selection.removed",
        by=by,
        subject=decision,
        label=project.display_title,
        project=project,
        changes=_placement_changes(_placement_state(placement), (None, None, None)),
        message=reason.strip(),
    )


@transaction.atomic
def apply_proposal(*, edition, proposal, by, version=None, reason: str = "") -> int:
    """Replace the selection with a proposal: a list of (project, session, kind) in order.
    Checked whole before anything changes."""
    selection = _lock_selection(edition, version)
    seen = set()
    counts: dict[tuple, int] = {}
    for project, session, kind in proposal:
        if kind not in PlacementKind.values:
            raise ValidationError({"kind": _("Choose selected or waitlist.")})
        if project.pk in seen:
            raise ValidationError(
                _("%(title)s is placed twice.") % {"title": project.display_title},
                code="placed_twice",
            )
        seen.add(project.pk)
        _check_place(selection, project=project, session=session, kind=PlacementKind.WAITLIST)
        counts[(session.pk, kind)] = counts.get((session.pk, kind), 0) + 1
        if kind == PlacementKind.SELECTED and counts[(session.pk, kind)] > session.places:
            raise ValidationError(
                _("%(session)s has %(places)s places.")
                % {"session": session.display_name, "places": session.places},
                code="session_full",
            )
    before = {
        placement.project_id: placement
        for placement in selection.placements.select_related("session", "project")
    }
    selection.placements.all().delete()
    positions: dict[tuple, int] = {}
    rows = []
    for project, session, kind in proposal:
        position = positions.get((session.pk, kind), 0)
        positions[(session.pk, kind)] = position + 1
        rows.append(
            Placement(
                selection=selection,
                project=project,
                session=session,
                kind=kind,
                position=position,
                decided_by=by,
            )
        )
    Placement.objects.bulk_create(rows)
    decision = Decision.objects.create(
        selection=selection, action=DecisionAction.PROPOSED, reason=reason.strip(), by=by
    )
    _bump(selection)
    _record_proposal(edition, decision, before, rows, by)
    return len(rows)


def _record_proposal(edition, decision: Decision, before: dict, rows: list, by):
    """One entry for the proposal, and one for each project it placed, moved or took out
    of the selection, written in one query."""
    entries = [
        activity.entry(
            edition=edition,
            action="selection.proposed",
            by=by,
            subject=decision,
            label=str(edition),
            changes={
                "placements": len(rows),
                "selected": sum(row.kind == PlacementKind.SELECTED for row in rows),
                "waitlisted": sum(row.kind == PlacementKind.WAITLIST for row in rows),
            },
            message=decision.reason,
        )
    ]
    for row in rows:
        was = _placement_state(before.pop(row.project_id, None))
        now = _placement_state(row)
        if was != now:
            entries.append(
                activity.entry(
                    edition=edition,
                    action="selection.placed" if was[0] is None else "selection.moved",
                    by=by,
                    subject=decision,
                    label=row.project.display_title,
                    project=row.project_id,
                    changes=_placement_changes(was, now),
                    message=decision.reason,
                )
            )
    for placement in before.values():
        entries.append(
            activity.entry(
                edition=edition,
                action="selection.removed",
                by=by,
                subject=decision,
                label=placement.project.display_title,
                project=placement.project_id,
                changes=_placement_changes(_placement_state(placement), (None, None, None)),
                message=decision.reason,
            )
        )
    activity.record_many(entries)


@transaction.atomic
def lock_selection(*, edition, by, version=None, reason: str = "") -> Selection:
    """The selection is final: selected and waitlisted projects take that status with
    their session, and every other application of the edition still in the competition
    is not selected. A locked selection no longer changes."""
    selection = _lock_selection(edition, version)
    placements = list(selection.placements.select_related("project", "session"))
    if not any(placement.kind == PlacementKind.SELECTED for placement in placements):
        raise ValidationError(_("No project is selected yet."), code="empty")
    placed = set()
    for placement in placements:
        status = (
            ProjectStatus.SELECTED
            if placement.kind == PlacementKind.SELECTED
            else ProjectStatus.WAITLISTED
        )
        project = placement.project
        if project.status == ProjectStatus.SUBMITTED:
            project = set_project_status(project=project, status=ProjectStatus.UNDER_REVIEW, by=by)
        # Kept from the producer until the result is told (submissions.release_result).
        set_project_status(
            project=project, status=status, by=by, session=placement.session, visible=False
        )
        placed.add(placement.project_id)
    others = Project.objects.filter(
        call__edition=edition,
        status__in=[ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW],
    ).exclude(pk__in=placed)
    for project in others:
        set_project_status(project=project, status=ProjectStatus.NOT_SELECTED, by=by, visible=False)
    selection.locked_at = timezone.now()
    selection.locked_by = by
    selection.save(update_fields=["locked_at", "locked_by"])
    decision = Decision.objects.create(
        selection=selection, action=DecisionAction.LOCKED, reason=reason.strip(), by=by
    )
    _bump(selection)
    activity.record(
        edition=edition,
        action="selection.locked",
        by=by,
        subject=decision,
        label=str(edition),
        changes={
            "selected": sum(p.kind == PlacementKind.SELECTED for p in placements),
            "waitlisted": sum(p.kind == PlacementKind.WAITLIST for p in placements),
            "not_selected": len(others),
        },
        message=reason.strip(),
    )
    # Every applicant's result is drafted now, for staff to read and send.
    from .results import draft_results

    draft_results(edition=edition)
    return selection
