"""Mails staff can word themselves, per edition and language.

An app that sends such a mail registers its kind here (in its AppConfig.ready): a code, a
name, the placeholders it fills (each with what it means and an example), a default
subject and text written with those placeholders, and how to fill them for a preview
with a real object of the edition. Staff then rewrite the subject and text of any kind
for an edition, in any of the portal's languages; what they have not rewritten is the
default in the recipient's language.

Placeholders are written `{{ name }}`. A template is plain text with placeholders, not a
Django template: staff cannot reach anything the kind does not hand them, and a name the
kind does not know is refused when the template is saved, with that name shown.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.functional import lazy
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# Django template tags are not placeholders; catch them rather than send them as written.
TEMPLATE_TAG = re.compile(r"\{%.*?%\}", re.S)


@dataclass(frozen=True)
class Placeholder:
    name: str
    help: str  # lazy: what the placeholder stands for
    example: str  # lazy: shown in a preview with no real object to fill it


@dataclass(frozen=True)
class MailKind:
    code: str
    label: str  # lazy
    placeholders: tuple[Placeholder, ...]
    # () -> (subject, text): the default wording, in the active language.
    default: Callable[[], tuple[str, str]]
    # (**context) -> {placeholder: value}, in the active language.
    values: Callable[..., dict]
    # (edition) -> [(key, label)]: real objects of the edition a preview may be filled from.
    preview_choices: Callable = field(default=lambda edition: [], compare=False)
    # (edition, key) -> the context `values` takes for that object, or None.
    preview_context: Callable = field(default=lambda edition, key: None, compare=False)
    # What a preview is filled from, for the form's label ("Preview with a project").
    preview_label: str = ""

    @property
    def names(self) -> set[str]:
        return {placeholder.name for placeholder in self.placeholders}

    def examples(self) -> dict[str, str]:
        return {placeholder.name: str(placeholder.example) for placeholder in self.placeholders}

    def preview_values(self, edition, key) -> dict | None:
        context = self.preview_context(edition, key)
        return None if context is None else self.values(**context)


_KINDS: dict[str, MailKind] = {}
# Names of the other kinds of mail (worded in files, not by staff), for the outbox.
_LABELS: dict[str, str] = {}


def _example_moment(year, month, day, hour, minute) -> str:
    return formats.date_format(datetime(year, month, day, hour, minute), "DATETIME_FORMAT")


# An example date and time for a placeholder, written the way the active language writes
# them (what the real mail will show).
example_moment = lazy(_example_moment, str)


def _example_link(path: str) -> str:
    return f"{settings.SITE_URL}/{translation.get_language() or settings.LANGUAGE_CODE}{path}"


# An example address of the portal, in the active language (`path` after the language).
example_link = lazy(_example_link, str)


def register(kind: MailKind) -> MailKind:
    _KINDS[kind.code] = kind
    return kind


def kinds() -> list[MailKind]:
    return list(_KINDS.values())


def get_kind(code: str) -> MailKind | None:
    return _KINDS.get(code)


def register_label(code: str, label) -> None:
    """Name a kind of mail staff do not word, for the outbox."""
    _LABELS[code] = label


def kind_label(code: str) -> str:
    """A mail kind's name for people, or the code itself for kinds no app named."""
    kind = _KINDS.get(code)
    if kind is not None:
        return str(kind.label)
    return str(_LABELS.get(code, code))


def placeholders_in(text: str) -> list[str]:
    return [match.group(1) for match in PLACEHOLDER.finditer(text)]


def check_text(kind: MailKind, text: str) -> list[ValidationError]:
    """What is wrong with a subject or text written for `kind`, in words for staff."""
    errors = []
    unknown = []
    for name in placeholders_in(text):
        if name not in kind.names and name not in unknown:
            unknown.append(name)
    if unknown:
        errors.append(
            ValidationError(
                ngettext(
                    "Unknown placeholder: %(names)s. This mail can use: %(known)s.",
                    "Unknown placeholders: %(names)s. This mail can use: %(known)s.",
                    len(unknown),
                )
                % {
                    "names": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                    "known": ", ".join(f"{{{{ {p.name} }}}}" for p in kind.placeholders),
                },
                code="unknown_placeholder",
            )
        )
    tag = TEMPLATE_TAG.search(text)
    if tag:
        errors.append(
            ValidationError(
                _("“%(tag)s” is not a placeholder: write placeholders as {{ name }}.")
                % {"tag": tag.group(0)},
                code="template_tag",
            )
        )
    if text.count("{{") != len(placeholders_in(text)) or text.count("}}") != len(
        placeholders_in(text)
    ):
        errors.append(
            ValidationError(
                _("A placeholder is not closed: write each one as {{ name }}."),
                code="unclosed_placeholder",
            )
        )
    return errors


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), "")), text)


def text_to_html(text: str) -> str:
    """The HTML part of a mail written as plain text: escaped, links made clickable,
    paragraphs kept."""
    return linebreaks(urlize(escape(text), nofollow=True, autoescape=False))


def default_wording(kind: MailKind, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject, body = kind.default()
        return str(subject), str(body)


def wording(edition, kind: MailKind, language: str) -> tuple[str, str]:
    """The subject and text of `kind` for `edition` in `language`: staff's own if they
    wrote one, the default otherwise."""
    from .models import MailTemplate

    custom = (
        MailTemplate.objects.filter(edition=edition, kind=kind.code, language=language)
        .only("subject", "body")
        .first()
    )
    if custom is not None:
        return custom.subject, custom.body
    return default_wording(kind, language)


def render(
    *,
    edition,
    code: str,
    language: str,
    values: dict,
    subject: str | None = None,
    body: str | None = None,
) -> tuple[str, str, str]:
    """Subject, text and HTML of a mail of kind `code` for `edition` in `language`, its
    placeholders filled from `values`. `subject` and `body` render an unsaved wording (a
    preview) instead of the stored one."""
    kind = _KINDS[code]
    if subject is None or body is None:
        stored_subject, stored_body = wording(edition, kind, language)
        subject = stored_subject if subject is None else subject
        body = stored_body if body is None else body
    values = {name: "" if value is None else str(value) for name, value in values.items()}
    # Line breaks and runs of spaces close up; a no-break space (French "Candidature
    # reçue : …") stays.
    subject = re.sub(r"[ \t\r\n]+", " ", fill(subject, values)).strip()
    text = fill(body.replace("\r\n", "\n"), values)
    # Blank lines left by empty optional placeholders are closed up.
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return subject, text, text_to_html(text.strip())


def languages() -> Iterable[tuple[str, str]]:
    return settings.LANGUAGES


def queue_mail(
    *,
    edition,
    code: str,
    context: dict,
    to: str,
    language: str,
    recipient=None,
    dedupe_key: str | None = None,
    project=None,
):
    """Word a mail of kind `code` for `edition` in the recipient's language, fill it from
    `context` and put it in the outbox (sent once the transaction commits). The edition's
    activity records it, about `project` (by default the context's "project"), once: a
    mail decided again with the same `dedupe_key` is not recorded again."""
    from outbox.models import Mail
    from outbox.services import queue_mail as queue

    from . import activity

    kind = _KINDS[code]
    with translation.override(language):
        values = kind.values(**context)
    subject, text, html = render(edition=edition, code=code, language=language, values=values)
    queued_before = bool(dedupe_key) and Mail.objects.filter(dedupe_key=dedupe_key).exists()
    mail = queue(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        kind=code,
        recipient=recipient,
        dedupe_key=dedupe_key,
        scope=f"programme:{edition.programme_id}",
    )
    if not queued_before:
        activity.record(
            edition=edition,
            action=activity.MAIL_QUEUED,
            subject=mail,
            label=mail.subject,
            project=project if project is not None else context.get("project"),
            changes={"kind": code, "to": to},
        )
    return mail


def queue_mail_to_user(*, edition, code: str, user, context: dict, dedupe_key=None, project=None):
    return queue_mail(
        edition=edition,
        code=code,
        context={"user": user, **context},
        to=user.email,
        language=user.language,
        recipient=user,
        dedupe_key=dedupe_key,
        project=project,
    )
