"""Telling every applicant the result, and what follows for the selected.

When the selection is locked, a result notice is drafted for every application of the
edition with a decision: selected (with its session), on a session's waiting list (with
its position) or not selected (with the jurors' feedback for the producer gathered, to
send if staff choose). Staff read the drafts and send them; each is sent once, worded in
its producer's language from the edition's mail templates, and the producer's page shows
the decision from that moment (submissions.release_result).

A selected producer confirms or declines their place on their page by a deadline. A
decline frees the place at once; silence past the deadline marks the place as lapsed, and
staff decide to give it up. A free place is offered, once staff approve, to the first film
on that session's waiting list, with its own mail and its own deadline.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from editions import activity, mail_templates
from submissions.models import DECIDED_STATUSES, Project, ProjectStatus
from submissions.services import release_result, set_project_status

from . import mails
from .models import (
    Answer,
    Decision,
    DecisionAction,
    Placement,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
    Review,
    ReviewStatus,
    Selection,
)

MAIL_OF_OUTCOME = {
    ResultOutcome.SELECTED: mails.SELECTED,
    ResultOutcome.WAITLISTED: mails.WAITLISTED,
    ResultOutcome.NOT_SELECTED: mails.NOT_SELECTED,
}


def confirm_deadline(edition, moment, days: int | None = None) -> datetime:
    """The end of the day, in the edition's time zone, `days` after `moment` (the
    selection's days to confirm by default)."""
    if days is None:
        days = (
            Selection.objects.filter(edition=edition).values_list("confirm_days", flat=True).first()
            or Selection._meta.get_field("confirm_days").default
        )
    day = timezone.localtime(moment, edition.tz).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59), tzinfo=edition.tz)


def _locked_selection(edition) -> Selection:
    selection = Selection.objects.select_for_update().filter(edition=edition).first()
    if selection is None or not selection.is_locked:
        raise ValidationError(
            _("Lock the selection first: the results are drafted from it."), code="not_locked"
        )
    return selection


def jury_feedback(projects) -> dict[int, str]:
    """The jurors' submitted feedback for each producer, unsigned, one paragraph each."""
    rows = (
        Review.objects.filter(project__in=projects, status=ReviewStatus.SUBMITTED)
        .exclude(producer_feedback="")
        .order_by("project", "submitted_at", "pk")
        .values_list("project_id", "producer_feedback")
    )
    feedback: dict[int, list[str]] = {}
    for project_id, text in rows:
        feedback.setdefault(project_id, []).append(text.strip())
    return {project_id: "\n\n".join(texts) for project_id, texts in feedback.items()}


@transaction.atomic
def draft_results(*, edition) -> int:
    """A notice for every application of the edition with a decision that has none yet.
    Run when the selection is locked; running it again adds only what is missing."""
    _locked_selection(edition)
    placements = {
        placement.project_id: placement
        for placement in Placement.objects.filter(selection__edition=edition).select_related(
            "session"
        )
    }
    projects = list(
        Project.objects.filter(call__edition=edition, status__in=DECIDED_STATUSES)
        .exclude(result_notice__isnull=False)
        .only("pk", "status")
    )
    feedback = jury_feedback(projects)
    notices = []
    for project in projects:
        placement = placements.get(project.pk)
        notices.append(
            ResultNotice(
                edition=edition,
                project=project,
                outcome=project.status,
                session=placement.session if placement else None,
                waitlist_position=(
                    placement.position + 1
                    if placement and placement.kind == PlacementKind.WAITLIST
                    else None
                ),
                feedback=feedback.get(project.pk, ""),
            )
        )
    ResultNotice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def save_notice(*, notice: ResultNotice, feedback: str, include_feedback: bool, by) -> ResultNotice:
    """Staff edit the feedback a draft carries, and whether it is sent."""
    notice = ResultNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_sent:
        raise ValidationError(_("This result is already sent: it can no longer change."))
    feedback = feedback.strip()
    if include_feedback and not feedback:
        raise ValidationError(
            {"feedback": _("Write the feedback to send, or choose not to send any.")}
        )
    notice.feedback = feedback
    notice.include_feedback = include_feedback
    notice.save(update_fields=["feedback", "include_feedback"])
    return notice


@transaction.atomic
def include_all_feedback(*, edition, include: bool, by) -> int:
    """Send (or not) the jury's feedback with every unsent "not selected" result that
    has some."""
    return (
        ResultNotice.objects.drafts()
        .filter(edition=edition, outcome=ResultOutcome.NOT_SELECTED)
        .exclude(feedback="")
        .update(include_feedback=include)
    )


@transaction.atomic
def set_confirm_days(*, edition, days, by) -> Selection:
    selection = _locked_selection(edition)
    selection.confirm_days = days
    selection.full_clean()
    selection.save(update_fields=["confirm_days"])
    return selection


def send_notice(*, notice_id: int, by=None, moment=None) -> bool:
    """Send one result, once: the notice is locked, a sent one is left alone, and the mail
    has the notice's key in the outbox. Returns whether it was sent now."""
    moment = moment or timezone.now()
    with transaction.atomic():
        notice = (
            ResultNotice.objects.select_for_update(of=("self",))
            .select_related("edition__programme", "session")
            .filter(pk=notice_id, sent_at__isnull=True)
            .first()
        )
        if notice is None:
            return False
        project = release_result(project=notice.project, by=by, moment=moment)
        notice.project = project
        if notice.outcome == ResultOutcome.SELECTED:
            notice.confirm_by = confirm_deadline(notice.edition, moment)
        owner = project.owner
        notice.mail = mail_templates.queue_mail_to_user(
            edition=notice.edition,
            code=MAIL_OF_OUTCOME[notice.outcome],
            user=owner,
            context={"notice": notice},
            dedupe_key=f"result:{notice.pk}",
            project=project,
        )
        notice.sent_at = moment
        notice.sent_by = by
        notice.save(update_fields=["mail", "sent_at", "sent_by", "confirm_by"])
        activity.record(
            edition=notice.edition,
            action="result.sent",
            by=by,
            subject=notice,
            label=project.display_title,
            project=project,
            changes={
                "outcome": notice.outcome,
                **({"session": notice.session.display_name} if notice.session else {}),
                **({"confirm_by": notice.confirm_by} if notice.confirm_by else {}),
            },
        )
    return True


def drafts_to_send(edition, *, outcome: str = "", ids=None):
    drafts = ResultNotice.objects.drafts().filter(edition=edition)
    if outcome:
        drafts = drafts.filter(outcome=outcome)
    if ids is not None:
        drafts = drafts.filter(pk__in=ids)
    return drafts


def send_results(*, edition, by=None, outcome: str = "", ids=None) -> int:
    """Send every unsent result of the edition (of one outcome, or those chosen), each in
    its own transaction: a failure halfway leaves the sent ones sent and the rest drafts,
    and sending again picks up where it stopped."""
    if not Selection.objects.filter(edition=edition, locked_at__isnull=False).exists():
        raise ValidationError(_("Lock the selection first: the results are drafted from it."))
    pks = list(
        drafts_to_send(edition, outcome=outcome, ids=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(send_notice(notice_id=pk, by=by) for pk in pks)


def queue_sending(*, edition, by, outcome: str = "", ids=None) -> int:
    """Have Celery send the results once the current transaction commits; returns how
    many are to go."""
    from .tasks import task_send_results

    count = drafts_to_send(edition, outcome=outcome, ids=ids).count()
    if not count:
        raise ValidationError(_("There is no result left to send."), code="nothing_to_send")
    if not Selection.objects.filter(edition=edition, locked_at__isnull=False).exists():
        raise ValidationError(_("Lock the selection first: the results are drafted from it."))
    ids = list(ids) if ids is not None else None
    transaction.on_commit(
        lambda: task_send_results.delay(
            edition_id=edition.pk, by_id=by.pk if by else None, outcome=outcome, ids=ids
        )
    )
    return count


# --- The producer's answer --------------------------------------------------------------


def _selected_placement(notice: ResultNotice):
    return Placement.objects.filter(
        selection__edition=notice.edition_id,
        project=notice.project_id,
        kind=PlacementKind.SELECTED,
    ).first()


def can_answer(notice: ResultNotice | None) -> bool:
    return notice is not None and notice.awaits_answer


@transaction.atomic
def answer_place(*, notice: ResultNotice, by, answer: str, note: str = "", moment=None):
    """The selected producer confirms or declines their place. A decline frees the place
    at once (staff then offer it to the waiting list)."""
    moment = moment or timezone.now()
    selection = _locked_selection(notice.edition)
    notice = ResultNotice.objects.select_related("project", "session").get(pk=notice.pk)
    if by != notice.project.owner:
        raise PermissionDenied
    if answer not in (Answer.CONFIRMED, Answer.DECLINED):
        raise ValidationError(_("Confirm or decline the place."), code="invalid_answer")
    placement = _selected_placement(notice)
    if not notice.awaits_answer or placement is None:
        raise ValidationError(
            _("This place no longer waits for your answer: write to the festival team."),
            code="not_awaiting",
        )
    notice.answer = answer
    notice.answered_at = moment
    notice.answer_note = note.strip()[:1000]
    notice.save(update_fields=["answer", "answered_at", "answer_note"])
    if answer == Answer.DECLINED:
        _free_place(
            selection,
            placement,
            action=DecisionAction.DECLINED,
            by=by,
            reason=notice.answer_note,
        )
        set_project_status(
            project=notice.project,
            status=ProjectStatus.WITHDRAWN,
            by=by,
            message=_("Declined the place in the %(session)s session.")
            % {"session": placement.session.display_name},
        )
    activity.record(
        edition=notice.edition_id,
        action=f"selection.{answer}",
        by=by,
        subject=notice,
        label=notice.project.display_title,
        project=notice.project_id,
        changes={"answer": answer, "session": placement.session.display_name},
        message=notice.answer_note,
    )
    return notice


def _free_place(selection, placement, *, action, by, reason="") -> Decision:
    """The placement leaves the selection (those after it move up), logged."""
    Placement.objects.filter(
        selection=selection,
        session=placement.session_id,
        kind=placement.kind,
        position__gt=placement.position,
    ).update(position=F("position") - 1)
    placement.delete()
    decision = Decision.objects.create(
        selection=selection,
        action=action,
        project_id=placement.project_id,
        session_id=placement.session_id,
        kind=placement.kind,
        reason=reason,
        by=by,
    )
    Selection.objects.filter(pk=selection.pk).update(version=F("version") + 1)
    return decision


def mark_lapsed(*, moment=None) -> int:
    """Places not confirmed by their deadline are marked as lapsed, for staff to decide:
    nothing else changes until they do (a late confirmation still counts)."""
    moment = moment or timezone.now()
    return ResultNotice.objects.filter(
        outcome=ResultOutcome.SELECTED,
        sent_at__isnull=False,
        answer=Answer.NONE,
        confirm_by__lt=moment,
    ).update(answer=Answer.LAPSED, answered_at=moment)


@transaction.atomic
def give_up_place(*, notice: ResultNotice, by) -> ResultNotice:
    """Staff give up a place not confirmed in time: the film leaves the selection, its
    producer is told, and the place can be offered to the waiting list."""
    selection = _locked_selection(notice.edition)
    notice = (
        ResultNotice.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=notice.pk)
    )
    placement = _selected_placement(notice)
    if notice.answer != Answer.LAPSED or placement is None:
        raise ValidationError(
            _("Only a place not confirmed in time can be given up."), code="not_lapsed"
        )
    _free_place(
        selection,
        placement,
        action=DecisionAction.LAPSED,
        by=by,
        reason=_("Not confirmed by the deadline."),
    )
    project = set_project_status(
        project=notice.project,
        status=ProjectStatus.NOT_SELECTED,
        by=by,
        message=_("The place was not confirmed in time."),
    )
    notice.project = project
    mail_templates.queue_mail_to_user(
        edition=notice.edition,
        code=mails.PLACE_LAPSED,
        user=project.owner,
        context={"notice": notice},
        dedupe_key=f"place-lapsed:{notice.pk}",
        project=project,
    )
    activity.record(
        edition=notice.edition_id,
        action="selection.lapsed",
        by=by,
        subject=notice,
        label=project.display_title,
        project=project,
        changes={"answer": notice.answer, "session": getattr(notice.session, "display_name", None)},
    )
    return notice


def free_places(edition) -> list[dict]:
    """For each session: its places, how many are taken, and the first film on its
    waiting list — what staff need to decide an offer."""
    sessions = list(
        edition.sessions.annotate(
            taken=Count(
                "placements",
                filter=Q(
                    placements__kind=PlacementKind.SELECTED,
                    placements__selection__edition=edition,
                ),
            )
        ).order_by("starts_on", "city")
    )
    waiting = {}
    for placement in (
        Placement.objects.filter(
            selection__edition=edition,
            kind=PlacementKind.WAITLIST,
            project__status=ProjectStatus.WAITLISTED,
        )
        .select_related("project")
        .order_by("session", "position")
    ):
        waiting.setdefault(placement.session_id, placement.project)
    return [
        {
            "session": session,
            "free": max(session.places - session.taken, 0),
            "next": waiting.get(session.pk),
        }
        for session in sessions
    ]


@transaction.atomic
def offer_place(*, session, by, moment=None) -> ResultNotice:
    """Staff offer a free place of `session` to the first film on its waiting list: it is
    selected, its producer told at once by mail, and asked to confirm by a deadline."""
    moment = moment or timezone.now()
    edition = session.edition
    selection = _locked_selection(edition)
    selected = Placement.objects.filter(
        selection=selection, session=session, kind=PlacementKind.SELECTED
    )
    if selected.count() >= session.places:
        raise ValidationError(
            _("%(session)s has no free place.") % {"session": session.display_name},
            code="no_free_place",
        )
    placement = (
        Placement.objects.filter(
            selection=selection,
            session=session,
            kind=PlacementKind.WAITLIST,
            project__status=ProjectStatus.WAITLISTED,
        )
        .order_by("position")
        .first()
    )
    if placement is None:
        raise ValidationError(
            _("No film is waiting for a place in %(session)s.") % {"session": session.display_name},
            code="waitlist_empty",
        )
    Placement.objects.filter(
        selection=selection,
        session=session,
        kind=PlacementKind.WAITLIST,
        position__gt=placement.position,
    ).update(position=F("position") - 1)
    placement.kind = PlacementKind.SELECTED
    placement.position = selected.count()
    placement.decided_by = by
    placement.save(update_fields=["kind", "position", "decided_by", "decided_at"])
    Decision.objects.create(
        selection=selection,
        action=DecisionAction.PROMOTED,
        project=placement.project,
        session=session,
        kind=PlacementKind.SELECTED,
        position=placement.position,
        by=by,
    )
    Selection.objects.filter(pk=selection.pk).update(version=F("version") + 1)
    project = set_project_status(
        project=placement.project, status=ProjectStatus.SELECTED, by=by, session=session
    )
    project = release_result(project=project, by=by, moment=moment)
    notice, _created = ResultNotice.objects.get_or_create(
        project=project,
        defaults={"edition": edition, "outcome": ResultOutcome.SELECTED, "session": session},
    )
    notice.outcome = ResultOutcome.SELECTED
    notice.session = session
    notice.waitlist_position = None
    notice.include_feedback = False
    notice.confirm_by = confirm_deadline(edition, moment)
    notice.answer = Answer.NONE
    notice.answered_at = None
    notice.project = project
    notice.mail = mail_templates.queue_mail_to_user(
        edition=edition,
        code=mails.PLACE_OFFERED,
        user=project.owner,
        context={"notice": notice},
        dedupe_key=f"place-offered:{notice.pk}:{session.pk}",
        project=project,
    )
    if notice.sent_at is None:
        # The offer tells the result: the waiting-list draft is not sent any more.
        notice.sent_at = moment
        notice.sent_by = by
    notice.save()
    _renumber_waitlist(selection, session)
    activity.record(
        edition=edition,
        action="selection.promoted",
        by=by,
        subject=notice,
        label=project.display_title,
        project=project,
        changes={
            "outcome": notice.outcome,
            "session": session.display_name,
            "confirm_by": notice.confirm_by,
        },
    )
    return notice


def _renumber_waitlist(selection, session):
    """Unsent waiting-list drafts carry the positions as they are now."""
    positions = dict(
        Placement.objects.filter(
            selection=selection, session=session, kind=PlacementKind.WAITLIST
        ).values_list("project_id", "position")
    )
    for notice in ResultNotice.objects.drafts().filter(
        edition=selection.edition_id, outcome=ResultOutcome.WAITLISTED, session=session
    ):
        position = positions.get(notice.project_id)
        notice.waitlist_position = position + 1 if position is not None else None
        notice.save(update_fields=["waitlist_position"])


def board(edition) -> dict:
    """The results page's figures: drafts and sent by outcome, and the answers."""
    rows = (
        ResultNotice.objects.filter(edition=edition)
        .order_by()
        .values("outcome")
        .annotate(
            total=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            confirmed=Count("pk", filter=Q(answer=Answer.CONFIRMED)),
            declined=Count("pk", filter=Q(answer=Answer.DECLINED)),
            lapsed=Count("pk", filter=Q(answer=Answer.LAPSED)),
            waiting=Count(
                "pk",
                filter=Q(answer=Answer.NONE, sent_at__isnull=False, outcome=ResultOutcome.SELECTED),
            ),
        )
    )
    by_outcome = {row["outcome"]: row for row in rows}
    outcomes = []
    for value, label in ResultOutcome.choices:
        row = by_outcome.get(value, {})
        outcomes.append(
            {
                "outcome": value,
                "label": label,
                "total": row.get("total", 0),
                "sent": row.get("sent", 0),
                "drafts": row.get("total", 0) - row.get("sent", 0),
            }
        )
    selected = by_outcome.get(ResultOutcome.SELECTED, {})
    return {
        "outcomes": outcomes,
        "total": sum(row["total"] for row in outcomes),
        "drafts": sum(row["drafts"] for row in outcomes),
        "answers": {
            "confirmed": selected.get("confirmed", 0),
            "declined": selected.get("declined", 0),
            "lapsed": selected.get("lapsed", 0),
            "waiting": selected.get("waiting", 0),
        },
    }


def notices(edition, *, outcome="", state="", answer="", q=""):
    """The edition's result notices for the staff's list, filtered, in few queries."""
    rows = (
        ResultNotice.objects.filter(edition=edition)
        .select_related("project__owner", "session", "mail")
        .annotate(
            outcome_order=Case(
                *(
                    When(outcome=value, then=index)
                    for index, value in enumerate(ResultOutcome.values)
                ),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "outcome_order", "session__starts_on", "waitlist_position", "project__original_title"
        )
    )
    if outcome:
        rows = rows.filter(outcome=outcome)
    if state == "draft":
        rows = rows.filter(sent_at__isnull=True)
    elif state == "sent":
        rows = rows.filter(sent_at__isnull=False)
    if answer:
        rows = rows.filter(answer=answer)
    if q:
        rows = rows.filter(
            Q(project__original_title__icontains=q)
            | Q(project__english_title__icontains=q)
            | Q(project__owner__full_name__icontains=q)
            | Q(project__owner__email__icontains=q)
        )
    return rows


def preview(notice: ResultNotice) -> tuple[str, str]:
    """The subject and text of a draft as it would be sent now, in its producer's
    language."""
    owner = notice.project.owner
    if notice.outcome == ResultOutcome.SELECTED and notice.confirm_by is None:
        notice.confirm_by = confirm_deadline(notice.edition, timezone.now())
    with translation.override(owner.language):
        values = mails.result_values(notice=notice, user=owner)
    subject, text, _html = mail_templates.render(
        edition=notice.edition,
        code=MAIL_OF_OUTCOME[notice.outcome],
        language=owner.language,
        values=values,
    )
    return subject, text


def free_place_of_withdrawn(*, project, by=None) -> None:
    """A project withdrawn by its producer leaves the selection: its place (selected or
    on a waiting list) is freed and logged, and a place waiting for an answer counts as
    declined. Run when its status changes (see JuriesConfig.ready)."""
    placement = (
        Placement.objects.select_related("selection", "session").filter(project=project).first()
    )
    if placement is None:
        return
    selection = Selection.objects.select_for_update().get(pk=placement.selection_id)
    decision = _free_place(selection, placement, action=DecisionAction.WITHDRAWN, by=by)
    ResultNotice.objects.filter(
        project=project, outcome=ResultOutcome.SELECTED, answer__in=[Answer.NONE, Answer.LAPSED]
    ).update(answer=Answer.DECLINED, answered_at=timezone.now())
    activity.record(
        edition=selection.edition_id,
        action="selection.withdrawn",
        by=by,
        subject=decision,
        label=project.display_title,
        project=project,
        changes={
            "session": [placement.session.display_name, None],
            "kind": [placement.kind, None],
        },
    )


def on_status_changed(sender, *, project, old, new, by=None, **kwargs):
    if new == ProjectStatus.WITHDRAWN:
        free_place_of_withdrawn(project=project, by=by)
