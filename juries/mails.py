"""The jury's and the selection's mails that staff can word per edition (see
editions.mail_templates): the invitation to the jury, the reminder of pending reviews,
the results, a place offered from the waiting list and a place given up. Registered in
JuriesConfig.ready()."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editions.mail_templates import (
    MailKind,
    Placeholder,
    example_link,
    example_moment,
    register,
)
from submissions.mails import (
    local_datetime,
    project_choices,
    project_context,
    project_placeholders,
    project_values,
)

INVITATION = "juries.invitation"
REMINDER = "juries.reminder"
SELECTED = "juries.result_selected"
WAITLISTED = "juries.result_waitlisted"
NOT_SELECTED = "juries.result_not_selected"
PLACE_OFFERED = "juries.place_offered"
PLACE_LAPSED = "juries.place_lapsed"

SIGNATURE = "{{ programme }}"


def session_dates(session) -> str:
    if session is None:
        return ""
    start = formats.date_format(session.starts_on, "DATE_FORMAT")
    if session.ends_on == session.starts_on:
        return start
    end = formats.date_format(session.ends_on, "DATE_FORMAT")
    return _("%(start)s to %(end)s") % {"start": start, "end": end}


# --- The jury ---------------------------------------------------------------------------


def juror_placeholders() -> tuple[Placeholder, ...]:
    return (
        Placeholder("juror_name", gettext_lazy("The juror's name."), "Marta Ríos"),
        Placeholder(
            "edition",
            gettext_lazy("The edition's name."),
            gettext_lazy("Films in Progress 2027"),
        ),
        Placeholder(
            "programme", gettext_lazy("The programme's name."), gettext_lazy("Films in Progress")
        ),
    )


def _invitation_values(*, invitation, token: str) -> dict:
    edition = invitation.edition
    role = _("preside over the jury") if invitation.is_president else _("sit on the jury")
    session_note = ""
    if invitation.session_id:
        session_note = _("You would review the films of the %(session)s session.") % {
            "session": invitation.session.display_name
        }
    path = reverse("juries:invitation", kwargs={"token": token})
    return {
        "juror_name": invitation.full_name,
        "edition": edition.display_title,
        "programme": edition.programme.name,
        "organisers": edition.programme.organisers or edition.programme.name,
        "jury_role": role,
        "session_note": session_note,
        "personal_message": invitation.message,
        "invitation_url": f"{settings.SITE_URL}{path}",
    }


def _invitation_default():
    return (
        _("An invitation to the jury of {{ edition }}"),
        "\n\n".join(
            [
                _("Dear {{ juror_name }},"),
                _(
                    "On behalf of {{ organisers }}, we invite you to {{ jury_role }} of "
                    "{{ edition }}. {{ session_note }}"
                ),
                "{{ personal_message }}",
                _(
                    "You would watch the current cuts of films in post-production, score them "
                    "on a few criteria and take part in the discussion that chooses the films "
                    "to be shown to the industry."
                ),
                _("Accept or decline with this personal link:") + "\n{{ invitation_url }}",
                _(
                    "If you accept, you can use the account you already have on the portal or "
                    "create one in a minute."
                ),
                _("With our thanks,") + "\n" + SIGNATURE,
            ]
        ),
    )


def _invitation_choices(edition):
    from .models import Invitation

    invitations = Invitation.objects.filter(edition=edition).order_by("full_name", "pk")
    return [(invitation.pk, invitation.full_name) for invitation in invitations]


def _invitation_context(edition, key):
    from .models import Invitation

    try:
        invitation = Invitation.objects.select_related("edition__programme", "session").get(
            edition=edition, pk=int(key)
        )
    except (Invitation.DoesNotExist, TypeError, ValueError):
        return None
    # A preview never shows a real personal link.
    return {"invitation": invitation, "token": "personal-link"}  # a preview's stand-in  # nosec B105


def _reminder_values(*, user, round_, pending: int) -> dict:
    edition = round_.edition
    return {
        "juror_name": user.get_short_name(),
        "edition": edition.display_title,
        "programme": edition.programme.name,
        "round": round_.name,
        "pending_reviews": pending,
        "deadline": local_datetime(round_.deadline, edition),
        "time_zone": edition.time_zone,
        "jury_url": f"{settings.SITE_URL}{reverse('juries:home')}",
    }


def _reminder_default():
    return (
        _("Reviews to submit for {{ round }} before {{ deadline }}"),
        "\n\n".join(
            [
                _("Dear {{ juror_name }},"),
                _(
                    "Reviews you still have to submit for {{ round }} ({{ edition }}): "
                    "{{ pending_reviews }}. The jury's deadline is {{ deadline }} "
                    "({{ time_zone }} time)."
                ),
                _("Your drafts are saved; you can finish them here:") + "\n{{ jury_url }}",
                _("With our thanks,") + "\n" + SIGNATURE,
            ]
        ),
    )


def _member_choices(edition):
    from .models import JuryMember

    members = (
        JuryMember.objects.filter(edition=edition, rounds__deadline__isnull=False)
        .distinct()
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return [(member.pk, member.user.full_name or member.user.email) for member in members]


def _member_context(edition, key):
    from .models import JuryMember
    from .services import pending_by_member

    try:
        member = JuryMember.objects.select_related("user").get(edition=edition, pk=int(key))
    except (JuryMember.DoesNotExist, TypeError, ValueError):
        return None
    round_ = (
        member.rounds.filter(deadline__isnull=False)
        .select_related("edition__programme")
        .order_by("-number")
        .first()
    )
    if round_ is None:
        return None
    return {
        "user": member.user,
        "round_": round_,
        "pending": pending_by_member(round_).get(member.pk, 0),
    }


# --- Results ----------------------------------------------------------------------------


def _confirm_by() -> Placeholder:
    return Placeholder(
        "confirm_by",
        gettext_lazy("The moment by which the producer confirms, in the edition's time zone."),
        example_moment(2026, 12, 15, 23, 59),
    )


def result_values(*, notice, user=None) -> dict:
    project = notice.project
    edition = notice.edition
    session = notice.session
    position = ""
    if notice.outcome == "waitlisted":
        position = notice.waitlist_position or ""
    return {
        **project_values(project=project, user=user),
        "session": session.display_name if session else "",
        "session_city": session.city if session else "",
        "session_dates": session_dates(session),
        "confirm_by": local_datetime(notice.confirm_by, edition),
        "time_zone": edition.time_zone,
        "waitlist_position": position,
        "feedback": notice.feedback if notice.include_feedback else "",
    }


def _selected_default():
    return (
        _("“{{ project_title }}” is selected for {{ edition }}"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "We are delighted to tell you that the jury has selected “{{ project_title }}” "
                    "for {{ edition }}. It will be shown in the {{ session }} session, in "
                    "{{ session_city }}, {{ session_dates }}."
                ),
                _(
                    "Please confirm your participation on your project's page by "
                    "{{ confirm_by }} ({{ time_zone }} time). If we do not hear from you by then, "
                    "the place may be offered to the next film on the waiting list."
                )
                + "\n{{ project_url }}",
                _(
                    "Once you have confirmed, the festival team will write to you about the "
                    "screening copy, travel and the materials for the catalogue."
                ),
                _("With our warm congratulations,") + "\n" + SIGNATURE,
            ]
        ),
    )


def _waitlisted_default():
    return (
        _("{{ edition }}: “{{ project_title }}” is on the waiting list"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "The jury of {{ edition }} has put “{{ project_title }}” on the waiting list "
                    "of the {{ session }} session ({{ session_city }}, {{ session_dates }}), in "
                    "position {{ waitlist_position }}."
                ),
                _(
                    "If a selected film gives up its place, we will offer it to the first film "
                    "on the waiting list and write to you at once. You can follow your "
                    "application on your page:"
                )
                + "\n{{ project_url }}",
                _("With our thanks,") + "\n" + SIGNATURE,
            ]
        ),
    )


def _not_selected_default():
    return (
        _("{{ edition }}: the selection"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "Thank you for sending “{{ project_title }}” to {{ edition }}. We are sorry "
                    "to tell you that the jury did not select it this time."
                ),
                "{{ feedback }}",
                _(
                    "Many strong films applied for few places. We hope to see your work again "
                    "and wish you the best in finishing the film."
                ),
                "{{ programme }}",
            ]
        ),
    )


def _offered_default():
    return (
        _("A place for “{{ project_title }}” in {{ edition }}"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "A place has become free in the {{ session }} session of {{ edition }} "
                    "({{ session_city }}, {{ session_dates }}), and the jury offers it to "
                    "“{{ project_title }}”, first on its waiting list."
                ),
                _(
                    "Please confirm your participation on your project's page by "
                    "{{ confirm_by }} ({{ time_zone }} time):"
                )
                + "\n{{ project_url }}",
                _("With our warm congratulations,") + "\n" + SIGNATURE,
            ]
        ),
    )


def _lapsed_default():
    return (
        _("{{ edition }}: your place in the {{ session }} session"),
        "\n\n".join(
            [
                _("Dear {{ producer_name }},"),
                _(
                    "We did not receive your confirmation for “{{ project_title }}” by "
                    "{{ confirm_by }} ({{ time_zone }} time), so its place in the {{ session }} "
                    "session is given up and goes to the next film on the waiting list."
                ),
                _(
                    "If this is a misunderstanding, write to the festival team at once. We wish "
                    "you the best in finishing the film."
                ),
                "{{ programme }}",
            ]
        ),
    )


def _notice_context(edition, key):
    """A preview of a result mail for a real application of the edition: its own result
    if it has one, otherwise filled as if it had that result in the first session."""
    from .models import ResultNotice

    context = project_context(edition, key)
    if context is None:
        return None
    project = context["project"]
    notice = ResultNotice.objects.filter(project=project).select_related("session").first()
    if notice is None:
        notice = ResultNotice(edition=edition, project=project, outcome="selected")
        notice.session = edition.sessions.order_by("starts_on").first()
    notice.project = project
    notice.edition = edition
    if notice.confirm_by is None:
        from .results import confirm_deadline  # results imports this module

        notice.confirm_by = confirm_deadline(edition, timezone.now())
    if notice.outcome == "not_selected" and not notice.include_feedback:
        notice.include_feedback = bool(notice.feedback)
    return {"notice": notice}


def register_kinds():
    preview_label = gettext_lazy("Preview with an application")
    register(
        MailKind(
            code=INVITATION,
            label=gettext_lazy("Invitation to the jury"),
            placeholders=(
                *juror_placeholders(),
                Placeholder(
                    "organisers",
                    gettext_lazy("Who runs the programme."),
                    gettext_lazy("Cinélatino, San Sebastián and Lima"),
                ),
                Placeholder(
                    "jury_role",
                    gettext_lazy("“sit on the jury” or “preside over the jury”."),
                    gettext_lazy("sit on the jury"),
                ),
                Placeholder(
                    "session_note",
                    gettext_lazy("A sentence naming the session the juror reviews, if any."),
                    gettext_lazy("You would review the films of the Toulouse session."),
                ),
                Placeholder(
                    "personal_message",
                    gettext_lazy("The message written with the invitation, if any."),
                    "",
                ),
                Placeholder(
                    "invitation_url",
                    gettext_lazy("The juror's personal link to accept or decline."),
                    example_link("/jury/invitations/…/"),
                ),
            ),
            default=_invitation_default,
            values=_invitation_values,
            preview_choices=_invitation_choices,
            preview_context=_invitation_context,
            preview_label=gettext_lazy("Preview with an invitation"),
        )
    )
    register(
        MailKind(
            code=REMINDER,
            label=gettext_lazy("Reminder of reviews to submit"),
            placeholders=(
                *juror_placeholders(),
                Placeholder(
                    "round", gettext_lazy("The round's name."), gettext_lazy("Final round")
                ),
                Placeholder(
                    "pending_reviews", gettext_lazy("How many reviews are still to submit."), "3"
                ),
                Placeholder(
                    "deadline",
                    gettext_lazy("The round's deadline, in the edition's time zone."),
                    example_moment(2027, 1, 20, 23, 59),
                ),
                Placeholder("time_zone", gettext_lazy("The edition's time zone."), "Europe/Paris"),
                Placeholder(
                    "jury_url",
                    gettext_lazy("The address of the juror's pages."),
                    example_link("/jury/"),
                ),
            ),
            default=_reminder_default,
            values=_reminder_values,
            preview_choices=_member_choices,
            preview_context=_member_context,
            preview_label=gettext_lazy("Preview with a juror"),
        )
    )
    session = (
        Placeholder("session", gettext_lazy("The session's name."), "Toulouse"),
        Placeholder("session_city", gettext_lazy("The session's city."), "Toulouse"),
        Placeholder(
            "session_dates", gettext_lazy("The session's days."), gettext_lazy("24 to 26 March")
        ),
    )
    time_zone = Placeholder("time_zone", gettext_lazy("The edition's time zone."), "Europe/Paris")
    result = (*project_placeholders(), *session, time_zone)
    for code, label, extra, default in (
        (
            SELECTED,
            gettext_lazy("Result: selected"),
            (_confirm_by(),),
            _selected_default,
        ),
        (
            WAITLISTED,
            gettext_lazy("Result: on the waiting list"),
            (
                Placeholder(
                    "waitlist_position",
                    gettext_lazy("The film's position on the session's waiting list."),
                    "2",
                ),
            ),
            _waitlisted_default,
        ),
        (
            NOT_SELECTED,
            gettext_lazy("Result: not selected"),
            (
                Placeholder(
                    "feedback",
                    gettext_lazy(
                        "The jury's feedback for the producer, if staff chose to send it."
                    ),
                    gettext_lazy("The jury admired the film's sound design."),
                ),
            ),
            _not_selected_default,
        ),
        (
            PLACE_OFFERED,
            gettext_lazy("A place offered from the waiting list"),
            (_confirm_by(),),
            _offered_default,
        ),
        (
            PLACE_LAPSED,
            gettext_lazy("A place given up: not confirmed in time"),
            (_confirm_by(),),
            _lapsed_default,
        ),
    ):
        register(
            MailKind(
                code=code,
                label=label,
                placeholders=(*result, *extra),
                default=default,
                values=result_values,
                preview_choices=project_choices,
                preview_context=_notice_context,
                preview_label=preview_label,
            )
        )
