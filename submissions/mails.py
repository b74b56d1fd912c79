"""The mails about an application that staff can word per edition (see
editions.mail_templates): its confirmation, and the frame of the festival team's messages
and requests for corrections. Registered in SubmissionsConfig.ready()."""

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from editions.mail_templates import (
    MailKind,
    Placeholder,
    example_link,
    example_moment,
    register,
)

SUBMITTED = "submissions.submitted"
MESSAGE = "submissions.message"
REOPENED = "submissions.reopened"
CUT_REQUESTED = "submissions.cut_requested"
INVITED = "submissions.invited"


def local_datetime(moment, edition) -> str:
    """A moment as the recipient reads it: in the edition's time zone, in the active
    language's format."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment, edition.tz), "DATETIME_FORMAT")


def project_placeholders() -> tuple[Placeholder, ...]:
    """The placeholders of every mail about an application."""
    return (
        Placeholder("producer_name", gettext_lazy("The producer's first name."), "Ana"),
        Placeholder(
            "project_title", gettext_lazy("The film's title."), gettext_lazy("The Salt River")
        ),
        Placeholder(
            "edition",
            gettext_lazy("The edition's name."),
            gettext_lazy("Films in Progress 2027"),
        ),
        Placeholder(
            "programme", gettext_lazy("The programme's name."), gettext_lazy("Films in Progress")
        ),
        Placeholder(
            "project_url",
            gettext_lazy("The address of the application's page for the producer."),
            example_link("/submissions/projects/42/"),
        ),
    )


def project_values(*, project, user=None) -> dict:
    edition = project.call.edition
    user = user or project.owner
    return {
        "producer_name": user.get_short_name(),
        "project_title": project.display_title,
        "edition": edition.display_title,
        "programme": edition.programme.name,
        "project_url": f"{settings.SITE_URL}{project.get_absolute_url()}",
    }


def project_choices(edition) -> list[tuple[int, str]]:
    """The edition's applications a preview may be filled from (not drafts)."""
    from .models import Project, ProjectStatus

    projects = (
        Project.objects.filter(call__edition=edition)
        .exclude(status=ProjectStatus.DRAFT)
        .order_by("original_title", "pk")
        .only("pk", "original_title", "english_title")
    )
    return [(project.pk, project.display_title) for project in projects]


def project_context(edition, key) -> dict | None:
    from .models import Project

    try:
        project = (
            Project.objects.select_related("owner", "call__edition__programme")
            .exclude(status="draft")
            .get(call__edition=edition, pk=int(key))
        )
    except (Project.DoesNotExist, TypeError, ValueError):
        return None
    return {"project": project}


def _submitted_values(*, project, user=None) -> dict:
    edition = project.call.edition
    return {
        **project_values(project=project, user=user),
        "call": project.call.title,
        "submitted_at": local_datetime(project.submitted_at, edition),
        "time_zone": edition.time_zone,
    }


def _submitted_default():
    return (
        _("Application received: {{ project_title }}"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "We have received the application of “{{ project_title }}” to {{ call }} "
                    "({{ edition }})."
                ),
                _("Submitted on {{ submitted_at }} ({{ time_zone }} time)."),
                _(
                    "The application can no longer be changed, but you can still add a new cut "
                    "when your film moves on. You can follow its status on your page:"
                )
                + "\n{{ project_url }}",
                _("With our best wishes for the film,") + "\n{{ programme }}",
            ]
        ),
    )


def _message_values(*, project, message, user=None) -> dict:
    return {**project_values(project=project, user=user), "message": message}


def _framed_message(subject: str, intro: str, closing: str):
    """The default wording of a mail carrying the festival team's own message."""

    def default():
        return (
            _(subject),
            "\n\n".join(
                [
                    _("Dear {{ producer_name }},"),
                    _(intro),
                    "{{ message }}",
                    _(closing) + "\n{{ project_url }}",
                    "{{ programme }}",
                ]
            ),
        )

    return default


# The three mails framing the team's message: (code, name, subject, intro, closing).
# The strings are marked for translation here and translated when a mail is worded.
FRAMED = [
    (
        MESSAGE,
        gettext_lazy("A message from the festival team"),
        gettext_noop("A message about {{ project_title }}"),
        gettext_noop("The festival team wrote about “{{ project_title }}”:"),
        gettext_noop("You will find this message on your project's page:"),
    ),
    (
        REOPENED,
        gettext_lazy("Application reopened for corrections"),
        gettext_noop("Your application needs corrections: {{ project_title }}"),
        gettext_noop(
            "The festival team has reopened the application of “{{ project_title }}” so that "
            "you can correct it:"
        ),
        gettext_noop("Make the changes and submit the application again:"),
    ),
    (
        CUT_REQUESTED,
        gettext_lazy("New cut requested"),
        gettext_noop("A new cut of {{ project_title }} is requested"),
        gettext_noop("The festival team asks for a new cut of “{{ project_title }}”:"),
        gettext_noop("Add it with its screener link on your project's page:"),
    ),
]


def _invited_values(*, project, set_password_path: str = "", user=None) -> dict:
    edition = project.call.edition
    if set_password_path:
        account_step = "\n\n".join(
            [
                _("First choose a password for your account on the portal:")
                + f"\n{settings.SITE_URL}{set_password_path}",
                _(
                    "This link can be used once. If it has expired, ask for a new one on the "
                    "sign-in page (“Forgotten your password?”)."
                ),
                _("Then open your application:"),
            ]
        )
    else:
        account_step = _(
            "Sign in with your usual email address and password, then open your application:"
        )
    return {
        **project_values(project=project, user=user),
        "call": project.call.title,
        "deadline": local_datetime(project.call.closes_at, edition),
        "time_zone": edition.time_zone,
        "account_step": account_step,
    }


def _invited_default():
    return (
        _("{{ programme }} invites you to complete the application of “{{ project_title }}”"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "The team of {{ programme }} invites your project “{{ project_title }}” to "
                    "apply to {{ edition }} ({{ call }}). We have started the application for "
                    "you: please complete it and submit it."
                ),
                "{{ account_step }}\n{{ project_url }}",
                _("The deadline is {{ deadline }} ({{ time_zone }} time)."),
                "{{ programme }}",
            ]
        ),
    )


def _invited_context(edition, key):
    context = project_context(edition, key)
    if context is not None:
        context["set_password_path"] = ""  # no link: the account has a password  # nosec B105
    return context


def _preview_message(edition, key):
    context = project_context(edition, key)
    if context is not None:
        context["message"] = _("(The festival team's message.)")
    return context


def register_kinds():
    message = Placeholder(
        "message",
        gettext_lazy("What the festival team wrote."),
        gettext_lazy("Could you send us the budget in euros as well?"),
    )
    preview_label = gettext_lazy("Preview with an application")
    register(
        MailKind(
            code=SUBMITTED,
            label=gettext_lazy("Application received"),
            placeholders=(
                *project_placeholders(),
                Placeholder("call", gettext_lazy("The call's title."), gettext_lazy("Call 2027")),
                Placeholder(
                    "submitted_at",
                    gettext_lazy("When it was submitted, in the edition's time zone."),
                    example_moment(2026, 11, 3, 18, 42),
                ),
                Placeholder("time_zone", gettext_lazy("The edition's time zone."), "Europe/Paris"),
            ),
            default=_submitted_default,
            values=_submitted_values,
            preview_choices=project_choices,
            preview_context=project_context,
            preview_label=preview_label,
        )
    )
    for code, label, subject, intro, closing in FRAMED:
        register(
            MailKind(
                code=code,
                label=label,
                placeholders=(*project_placeholders(), message),
                default=_framed_message(subject, intro, closing),
                values=_message_values,
                preview_choices=project_choices,
                preview_context=_preview_message,
                preview_label=preview_label,
            )
        )
    register(
        MailKind(
            code=INVITED,
            label=gettext_lazy("Invitation to apply"),
            placeholders=(
                *project_placeholders(),
                Placeholder("call", gettext_lazy("The call's title."), gettext_lazy("Call 2027")),
                Placeholder(
                    "deadline",
                    gettext_lazy("The call's deadline, in the edition's time zone."),
                    example_moment(2027, 1, 15, 23, 59),
                ),
                Placeholder("time_zone", gettext_lazy("The edition's time zone."), "Europe/Paris"),
                Placeholder(
                    "account_step",
                    gettext_lazy(
                        "How to get in: a link to choose a password for a new account, or "
                        "signing in with the usual one."
                    ),
                    gettext_lazy(
                        "Sign in with your usual email address and password, then open your "
                        "application:"
                    ),
                ),
            ),
            default=_invited_default,
            values=_invited_values,
            preview_choices=project_choices,
            preview_context=_invited_context,
            preview_label=preview_label,
        )
    )
