"""The activity log of an edition: every change of a project's status, screening,
assignment, selection decision, result, publication, and every mail, with who made it
(or the portal), when, and what changed.

Apps call `record()` in the transaction of the change, so that the entry is written with
it or not at all. An entry refers to what it is about generically (a content type, an id
and its name at the time) and to its project by id only: editions comes before the apps
that write it and imports none of them.

`changes` maps a name to [before, after] (a field that changed) or to a single value
(something that tells the change, such as how many assignments a proposal made). A name
that is a field of the entry's record is shown with that field's name and, for a field
with choices, the label of each value (a status as "Under review", not "under_review");
the other names are in FIELDS below.

Mails are recorded when they are queued, by editions.mail_templates.queue_mail (every
mail about an edition goes through it): one "mail.queued" entry with the mail's id. The
outbox, which knows nothing of editions, keeps each mail's delivery; the activity shows
each mail's current status (sent, failed…) from the outbox when it is listed."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ActivityLog

MAIL_QUEUED = "mail.queued"
# Filters of the mails by their delivery, read from the outbox when listed.
MAIL_SENT = "mail.sent"
MAIL_FAILED = "mail.failed"

# Every action the portal records, with its name for staff.
ACTIONS = {
    "project.status": _("Status changed"),
    "project.screening": _("Eligibility screened"),
    "jury.assigned": _("Juror assigned"),
    "jury.unassigned": _("Juror unassigned"),
    "jury.proposed": _("Automatic assignment proposed"),
    "jury.published": _("Assignments shown to the jurors"),
    "selection.placed": _("Placed in the selection"),
    "selection.moved": _("Moved in the selection"),
    "selection.removed": _("Removed from the selection"),
    "selection.proposed": _("Proposal applied to the selection"),
    "selection.locked": _("Selection locked"),
    "selection.confirmed": _("Place confirmed by the producer"),
    "selection.declined": _("Place declined by the producer"),
    "selection.lapsed": _("Place given up: not confirmed in time"),
    "selection.promoted": _("Place offered from the waiting list"),
    "selection.withdrawn": _("Left the selection: withdrawn"),
    "result.sent": _("Result sent"),
    "publication.scheduled": _("Publication scheduled"),
    "publication.published": _("Selection published"),
    "publication.cancelled": _("Scheduled publication cancelled"),
    "publication.withdrawn": _("Publication withdrawn"),
    MAIL_QUEUED: _("Mail"),
}

# The filters of the activity page: every action, and the mails by delivery.
FILTERS = {
    **ACTIONS,
    MAIL_QUEUED: _("Mail, whatever its status"),
    MAIL_SENT: _("Mail sent"),
    MAIL_FAILED: _("Mail failed"),
}


@dataclass(frozen=True)
class Field:
    label: str  # lazy
    moment: bool = False  # an ISO date and time, shown in the edition's time zone


# Names of changes that are not a field of the entry's record.
FIELDS = {
    "jurors": Field(_("jurors")),
    "round": Field(_("round")),
    "session": Field(pgettext_lazy("screening session", "session")),
    "assignments": Field(_("assignments")),
    "projects": Field(_("projects")),
    "created": Field(pgettext_lazy("assignments", "created")),
    "removed": Field(pgettext_lazy("assignments", "removed")),
    "kept": Field(pgettext_lazy("assignments", "kept")),
    "selected": Field(pgettext_lazy("projects", "selected")),
    "waitlisted": Field(pgettext_lazy("projects", "on a waiting list")),
    "not_selected": Field(pgettext_lazy("projects", "not selected")),
    "placements": Field(_("placed")),
    "publish_at": Field(_("public from"), moment=True),
    "to": Field(_("to")),
}


# The order changes are shown in (PostgreSQL keeps JSON objects in an order of its own);
# names not listed come after, in alphabetical order.
ORDER = [
    "status",
    "screening",
    "member",
    "jurors",
    "round",
    "outcome",
    "answer",
    "session",
    "kind",
    "position",
    "confirm_by",
    "publish_at",
    "assignments",
    "projects",
    "created",
    "removed",
    "kept",
    "reviews_per_project",
    "placements",
    "selected",
    "waitlisted",
    "not_selected",
    "to",
]


def _plain(changes: dict | None) -> dict:
    """The changes as they are stored: lazy strings, choices and moments as JSON values."""
    return json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder))


def actor_name(user) -> str:
    return str(user)[:150] if user is not None else ""


def entry(
    *,
    edition,
    action: str,
    by=None,
    subject=None,
    subject_id: int | None = None,
    label=None,
    project=None,
    changes: dict | None = None,
    message: str = "",
    moment=None,
) -> ActivityLog:
    """An unsaved entry (for record_many). `edition` and `project` are objects or ids;
    `subject` is the record the entry is about (its id is read now, so pass it before
    deleting it, or give `subject_id`); `label` names it, by default str(subject)."""
    if by is not None and getattr(by, "pk", None) is None:
        by = None  # an anonymous visitor is not a person who acted
    if subject_id is None and subject is not None:
        subject_id = subject.pk
    if label is None:
        label = "" if subject is None else subject
    return ActivityLog(
        edition_id=getattr(edition, "pk", edition),
        actor=by,
        actor_name=actor_name(by),
        action=action,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject_id,
        subject_label=str(label)[:255],
        project_id=getattr(project, "pk", project),
        changes=_plain(changes),
        message=str(message or ""),
        created_at=moment or timezone.now(),
    )


def record(**kwargs) -> ActivityLog:
    """Write one entry now (see entry() for the arguments). Call it inside the
    transaction of the change it records."""
    log = entry(**kwargs)
    log.save()
    return log


def record_many(entries: Iterable[ActivityLog]) -> list[ActivityLog]:
    """Write many entries in one query (an automatic assignment, a proposal)."""
    return ActivityLog.objects.bulk_create(list(entries))


# --- Reading ------------------------------------------------------------------------------


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def _moment(value, tz) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return formats.date_format(timezone.localtime(moment, tz), "Y-m-d H:i")


def _shower(model, name: str, tz):
    """(label, how to show a value) for a name of `changes`."""
    model_field = None
    if model is not None:
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
    if model_field is not None and getattr(model_field, "verbose_name", None):
        choices = dict(model_field.flatchoices) if model_field.choices else None
        moment = isinstance(model_field, models.DateTimeField)
        label = model_field.verbose_name
    else:
        known = FIELDS.get(name)
        choices = None
        moment = bool(known and known.moment)
        label = known.label if known else name.replace("_", " ")

    def show(value) -> str:
        if choices is not None and value in choices:
            return str(choices[value])
        if value is None or value == "":
            return "—"
        if moment:
            return _moment(value, tz)
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    return capfirst(str(label)), show


@dataclass
class Line:
    """One entry as the activity pages show it."""

    entry: ActivityLog
    action: str
    actor: str
    changes: list[dict] = field(default_factory=list)
    mail: object = None  # the outbox's row, for a mail

    @property
    def is_mail(self) -> bool:
        return self.entry.action == MAIL_QUEUED


def describe(log: ActivityLog, tz=None) -> list[dict]:
    """What changed, in words: [{"label", "before", "after"}] for a change of a field,
    [{"label", "value"}] for a value that tells the change."""
    tz = tz or timezone.get_current_timezone()
    model = log.subject_type.model_class() if log.subject_type_id else None
    rows = []
    known = {name: index for index, name in enumerate(ORDER)}
    changes = log.changes or {}
    for name in sorted(changes, key=lambda name: (known.get(name, len(ORDER)), name)):
        value = changes[name]
        label, show = _shower(model, name, tz)
        if isinstance(value, list) and len(value) == 2:
            rows.append({"label": label, "before": show(value[0]), "after": show(value[1])})
        else:
            rows.append({"label": label, "value": show(value)})
    return rows


def who(log: ActivityLog) -> str:
    if log.actor_id is not None and log.actor is not None:
        return str(log.actor)
    return log.actor_name or str(_("The portal"))


def lines(entries: Iterable[ActivityLog], tz=None) -> list[Line]:
    """Entries (with actor and subject_type selected) ready to show, with each mail's
    current status from the outbox: one query for all of them."""
    from outbox.models import Mail

    entries = list(entries)
    mail_ids = [log.subject_id for log in entries if log.action == MAIL_QUEUED and log.subject_id]
    mails = Mail.objects.defer("body_text", "body_html").in_bulk(mail_ids) if mail_ids else {}
    return [
        Line(
            entry=log,
            action=action_label(log.action),
            actor=who(log),
            changes=describe(log, tz),
            mail=mails.get(log.subject_id) if log.action == MAIL_QUEUED else None,
        )
        for log in entries
    ]
