"""Every change to programmes, editions, sessions and calls goes through these functions;
views, commands and tasks alike call them."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import mail_templates
from .models import Call, Edition, EditionState, MailTemplate, Programme, Session

# Which edition states may follow which.
EDITION_TRANSITIONS = {
    EditionState.DRAFT: {EditionState.PUBLIC},
    EditionState.PUBLIC: {EditionState.DRAFT, EditionState.ARCHIVED},
    EditionState.ARCHIVED: {EditionState.PUBLIC},
}


def allowed_edition_states(edition: Edition) -> list[EditionState]:
    """The states an edition may move to from where it is, in the choices' order."""
    allowed = EDITION_TRANSITIONS.get(edition.state, set())
    return [state for state in EditionState if state in allowed]


@transaction.atomic
def save_programme(*, programme: Programme, team: Iterable | None = None, by=None) -> Programme:
    """Create or update a programme; `team`, when given, replaces its staff. A replaced
    logo file is deleted once the change is committed."""
    creating = programme.pk is None
    old_logo = ""
    if not creating:
        old_logo = Programme.objects.values_list("logo", flat=True).get(pk=programme.pk) or ""
    programme.full_clean()
    programme.save()
    if team is not None:
        programme.team.set(list(team))
    if creating and by is not None and not by.is_superuser:
        programme.team.add(by)
    if old_logo and old_logo != programme.logo.name:
        storage = programme.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return programme


@transaction.atomic
def save_edition(*, edition: Edition, by=None) -> Edition:
    """Create or update an edition's details. Its state changes only through
    set_edition_state()."""
    if edition.pk is not None:
        stored_state = Edition.objects.values_list("state", flat=True).get(pk=edition.pk)
        edition.state = stored_state
    edition.full_clean()
    edition.save()
    return edition


@transaction.atomic
def set_edition_state(*, edition: Edition, state: str, by=None) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if state not in EditionState.values:
        raise ValidationError(_("Unknown state: %(state)s.") % {"state": state}, code="invalid")
    if edition.state == state:
        return edition
    if state not in EDITION_TRANSITIONS.get(edition.state, set()):
        raise ValidationError(
            _("An edition cannot go from “%(old)s” to “%(new)s”.")
            % {"old": edition.get_state_display(), "new": EditionState(state).label},
            code="invalid_transition",
        )
    edition.state = state
    edition.save(update_fields=["state"])
    return edition


@transaction.atomic
def save_session(*, session: Session, by=None) -> Session:
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def delete_session(*, session: Session, by=None) -> None:
    session.delete()


@transaction.atomic
def save_call(*, call: Call, by=None) -> Call:
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def save_mail_template(
    *, edition: Edition, code: str, language: str, subject: str, body: str, by=None
) -> MailTemplate | None:
    """Staff's wording of a kind of mail for an edition in a language. Refused, with the
    name shown, if it uses a placeholder the mail does not fill. Saving the default
    wording as it is keeps the default (and so its later corrections): returns None."""
    kind = mail_templates.get_kind(code)
    if kind is None or language not in dict(mail_templates.languages()):
        raise ValidationError(_("There is no such mail."), code="unknown_kind")
    # Browsers send a textarea's lines ending in CRLF.
    subject, body = subject.strip(), body.replace("\r\n", "\n").strip()
    errors = {}
    for name, text, required in (
        ("subject", subject, _("Write a subject.")),
        ("body", body, _("Write the text of the mail.")),
    ):
        problems = (
            mail_templates.check_text(kind, text)
            if text
            else [ValidationError(required, code="required")]
        )
        if problems:
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
    default_subject, default_body = mail_templates.default_wording(kind, language)
    if (subject, body) == (default_subject.strip(), default_body.strip()):
        MailTemplate.objects.filter(edition=edition, kind=code, language=language).delete()
        return None
    template, _created = MailTemplate.objects.update_or_create(
        edition=edition,
        kind=code,
        language=language,
        defaults={"subject": subject, "body": body, "updated_by": by},
    )
    return template


@transaction.atomic
def reset_mail_template(*, edition: Edition, code: str, language: str, by=None) -> None:
    """Back to the default wording."""
    MailTemplate.objects.filter(edition=edition, kind=code, language=language).delete()
