"""Mails staff word per edition and language: what a wording may contain, which wording a
mail is sent with, the preview, the pages and who may use them, the defaults in every
language, and the names of the kinds of mail in the outbox."""

import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from editions import mail_templates, services
from editions.models import MailTemplate
from editions.selectors import programme_mail_scope
from editions.tests.factories import CallFactory, EditionFactory
from juries import mails as jury_mails
from juries import services as jury_services
from juries.models import Invitation
from juries.tests.factories import AssignmentFactory, JuryMemberFactory, RoundFactory
from outbox.models import Mail
from outbox.tests.factories import MailFactory
from submissions import mails as submission_mails
from submissions import services as submission_services
from submissions.models import ProjectStatus
from submissions.tests.factories import ProjectFactory, complete_project

pytestmark = pytest.mark.django_db

SUBMITTED = submission_mails.SUBMITTED
INVITATION = jury_mails.INVITATION
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
ALL_KINDS = [kind.code for kind in mail_templates.kinds()]

SPANISH_SUBJECT = "Recibimos «{{ project_title }}» para {{ edition }}"
SPANISH_BODY = (
    "Hola {{ producer_name }}:\n\n"
    "Recibimos «{{ project_title }}» en la convocatoria {{ call }}.\n\n"
    "Sigue tu postulación aquí: {{ project_url }}\n\n"
    "El equipo de {{ programme }} (texto propio)"
)
OWN = "(texto propio)"


def list_url(edition):
    return reverse("editions:staff_mail_templates", args=[edition.pk])


def edit_url(edition, code=SUBMITTED, language="es"):
    return reverse("editions:staff_mail_template", args=[edition.pk, code, language])


def kind(code):
    found = mail_templates.get_kind(code)
    assert found is not None, code
    return found


def save(
    edition, code=SUBMITTED, language="es", subject=SPANISH_SUBJECT, body=SPANISH_BODY, by=None
):
    return services.save_mail_template(
        edition=edition, code=code, language=language, subject=subject, body=body, by=by
    )


def default(code, language):
    return mail_templates.default_wording(kind(code), language)


def one_line(subject, placeholder, value):
    """A default subject filled as mails' subjects are: on one line, runs of spaces
    collapsed, no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", subject.replace(placeholder, value)).strip()


def rows():
    return list(
        MailTemplate.objects.values_list("edition_id", "kind", "language", "subject", "body")
    )


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    return {
        name: [str(message) for message in messages]
        for name, messages in error.message_dict.items()
    }


def field_codes(error: ValidationError, name: str) -> list[str]:
    return [item.code for item in error.error_dict[name]]


def preview_section(content: str) -> str:
    """The preview card of the edit page."""
    assert "mail-preview" in content
    return content.split("mail-preview", 1)[1].split("</section>", 1)[0]


def submit(project):
    return submission_services.submit_project(project=project, by=project.owner)


@pytest.fixture
def other_edition(programme):
    """Another edition of the same programme, run by the same staff."""
    return EditionFactory(programme=programme)


@pytest.fixture
def application(call, producer):
    """A submitted application of the edition."""
    return ProjectFactory(
        call=call,
        owner=producer,
        original_title="El río de sal",
        status=ProjectStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


def draft_for(call, language, title):
    owner = UserFactory(language=language, full_name=f"Ana {language.upper()}")
    return complete_project(call=call, owner=owner, original_title=title)


# --- What a wording may contain ---------------------------------------------------------


def test_saving_an_unknown_placeholder_is_refused_with_its_name(edition, staff):
    with pytest.raises(ValidationError) as error:
        save(edition, body="Hola {{ producer_name }}, su presupuesto: {{ budget }}.", by=staff)

    errors = field_errors(error.value)
    assert list(errors) == ["body"]
    assert field_codes(error.value, "body") == ["unknown_placeholder"]
    (message,) = errors["body"]
    assert "Unknown placeholder: {{ budget }}." in message
    # The message lists what the mail can use, and does not list the known name as unknown.
    assert "{{ project_title }}" in message.split("This mail can use:")[1]
    assert "{{ producer_name }}" not in message.split("This mail can use:")[0]
    assert rows() == []


def test_unknown_placeholders_in_the_subject_are_refused_on_the_subject(edition):
    with pytest.raises(ValidationError) as error:
        save(edition, subject="{{ titulo }} / {{ fecha }} / {{ titulo }}")

    errors = field_errors(error.value)
    assert list(errors) == ["subject"]
    # Each unknown name once, in the order written.
    assert "Unknown placeholders: {{ titulo }}, {{ fecha }}." in errors["subject"][0]
    assert rows() == []


def test_a_filter_on_a_placeholder_is_an_unknown_placeholder(edition):
    with pytest.raises(ValidationError) as error:
        save(edition, subject="{{ project_title|upper }}")
    assert "{{ project_title|upper }}" in field_errors(error.value)["subject"][0]
    assert rows() == []


def test_template_tags_are_refused(edition):
    body = "{% if project_title %}Hola {{ producer_name }}{% endif %}"
    with pytest.raises(ValidationError) as error:
        save(edition, body=body)

    assert field_codes(error.value, "body") == ["template_tag"]
    assert "{% if project_title %}" in field_errors(error.value)["body"][0]
    assert rows() == []


@pytest.mark.parametrize(
    "body",
    ["Hola {{ producer_name", "Hola {{ producer_name }} }}", "Hola {{ {{ producer_name }}"],
)
def test_unclosed_placeholders_are_refused(edition, body):
    with pytest.raises(ValidationError) as error:
        save(edition, body=body)

    assert "unclosed_placeholder" in field_codes(error.value, "body")
    assert rows() == []


@pytest.mark.parametrize(("field", "blank"), [("subject", ""), ("body", "  \n\t ")])
def test_an_empty_subject_or_text_is_refused(edition, field, blank):
    with pytest.raises(ValidationError) as error:
        save(edition, **{field: blank})

    assert list(error.value.error_dict) == [field]
    assert field_codes(error.value, field) == ["required"]
    assert rows() == []


@pytest.mark.parametrize(
    ("code", "language"),
    [("submissions.nothing", "es"), ("accounts.confirm_email", "en"), (SUBMITTED, "de")],
)
def test_saving_for_an_unknown_kind_or_language_is_refused(edition, code, language):
    with pytest.raises(ValidationError) as error:
        save(edition, code=code, language=language)
    assert error.value.code == "unknown_kind"
    assert rows() == []


def test_a_wording_is_saved_stripped_with_who_changed_it(edition, staff):
    template = save(edition, subject="  Recibida  ", body="\n{{ project_title }}\n\n", by=staff)

    assert template is not None
    template.refresh_from_db()
    assert (template.kind, template.language) == (SUBMITTED, "es")
    assert (template.subject, template.body) == ("Recibida", "{{ project_title }}")
    assert template.updated_by == staff


def test_saving_again_changes_the_same_row(edition, staff, other_staff):
    first = save(edition, by=staff)
    second = save(edition, subject="Otra: {{ project_title }}", by=other_staff)

    assert second.pk == first.pk
    assert MailTemplate.objects.get().subject == "Otra: {{ project_title }}"
    assert MailTemplate.objects.get().updated_by == other_staff


def test_the_edit_page_refuses_an_unknown_placeholder_next_to_the_field(staff_client, edition):
    typed_subject = "Recibimos {{ project_title }}"
    typed_body = "Hola {{ producer_name }}, el presupuesto: {{ budget }}."

    response = staff_client.post(
        edit_url(edition), {"subject": typed_subject, "body": typed_body, "action": "save"}
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["body"]
    assert "Unknown placeholder: {{ budget }}." in form.errors["body"][0]
    content = response.content.decode()
    # The message is shown between the text's field and the next field.
    body_field = content.split('id="id_body"', 1)[1].split('id="id_preview_with"', 1)[0]
    assert "Unknown placeholder: {{ budget }}." in body_field
    # What staff typed is kept.
    assert form["subject"].value() == typed_subject
    assert form["body"].value() == typed_body
    assert "el presupuesto: {{ budget }}." in body_field
    assert rows() == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{% if message %}x{% endif %}", "is not a placeholder"),
        ("Hola {{ producer_name", "A placeholder is not closed"),
    ],
)
def test_the_edit_page_refuses_template_tags_and_unclosed_placeholders(
    staff_client, edition, body, expected
):
    response = staff_client.post(
        edit_url(edition), {"subject": "Asunto", "body": body, "action": "save"}
    )

    assert response.status_code == 200
    assert expected in response.context["form"].errors["body"][0]
    assert rows() == []


def test_the_edit_page_refuses_an_empty_subject(staff_client, edition):
    response = staff_client.post(
        edit_url(edition), {"subject": "  ", "body": SPANISH_BODY, "action": "save"}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["subject"]
    assert response.context["form"]["body"].value() == SPANISH_BODY
    assert rows() == []


def test_the_edit_page_saves_a_wording(staff_client, staff, edition):
    response = staff_client.post(
        edit_url(edition), {"subject": SPANISH_SUBJECT, "body": SPANISH_BODY, "action": "save"}
    )

    assert response.status_code == 302
    assert response.url == list_url(edition)
    template = MailTemplate.objects.get()
    assert (template.edition, template.kind, template.language) == (edition, SUBMITTED, "es")
    assert (template.subject, template.body) == (SPANISH_SUBJECT, SPANISH_BODY)
    assert template.updated_by == staff
    # The page now starts from the edition's wording.
    page = staff_client.get(edit_url(edition))
    assert page.context["form"]["subject"].value() == SPANISH_SUBJECT
    assert page.context["custom"] == template


# --- Which wording a mail is sent with --------------------------------------------------


def test_a_saved_wording_is_used_for_its_edition_and_language_only(
    call, other_edition, staff, django_capture_on_commit_callbacks
):
    save(call.edition, by=staff)
    spanish = draft_for(call, "es", "La sal del río")
    french = draft_for(call, "fr", "Le sel du fleuve")
    other_call = CallFactory(edition=other_edition)
    spanish_elsewhere = draft_for(other_call, "es", "Otra película")

    with django_capture_on_commit_callbacks(execute=True):
        for project in (spanish, french, spanish_elsewhere):
            submit(project)

    mail = Mail.objects.get(to=spanish.owner.email)
    assert mail.kind == SUBMITTED
    assert mail.language == "es"
    edition_title = call.edition.display_title
    assert mail.subject == f"Recibimos «La sal del río» para {edition_title}"
    spanish.refresh_from_db()
    with translation.override("es"):
        project_url = f"{settings.SITE_URL}{spanish.get_absolute_url()}"
    assert project_url.startswith(f"{settings.SITE_URL}/es/")
    assert mail.body_text == (
        "Hola Ana:\n\n"
        f"Recibimos «La sal del río» en la convocatoria {call.title}.\n\n"
        f"Sigue tu postulación aquí: {project_url}\n\n"
        "El equipo de Films in Progress (texto propio)\n"
    )
    assert "{{" not in mail.body_text
    assert "La sal del río" in mail.body_html

    # The French producer gets the default French wording, filled.
    default_subject, _default_body = default(SUBMITTED, "fr")
    french_mail = Mail.objects.get(to=french.owner.email)
    assert french_mail.language == "fr"
    assert french_mail.subject == one_line(
        default_subject, "{{ project_title }}", "Le sel du fleuve"
    )
    assert OWN not in french_mail.body_text
    assert call.title in french_mail.body_text
    assert "{{" not in french_mail.body_text

    # Another edition's Spanish producer gets the default Spanish wording.
    elsewhere = Mail.objects.get(to=spanish_elsewhere.owner.email)
    es_subject, _es_body = default(SUBMITTED, "es")
    assert elsewhere.subject == one_line(es_subject, "{{ project_title }}", "Otra película")
    assert OWN not in elsewhere.body_text


def test_a_saved_wording_of_the_team_s_message_frames_the_message(
    application, staff, django_capture_on_commit_callbacks
):
    save(
        application.call.edition,
        code=submission_mails.MESSAGE,
        language="en",
        subject="News about {{ project_title }}",
        body="Hello {{ producer_name }},\n\n{{ message }}\n\n-- {{ programme }}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        submission_services.send_message(
            project=application, by=staff, message="Could you send the budget in euros?"
        )

    mail = Mail.objects.get(kind=submission_mails.MESSAGE)
    assert mail.subject == "News about El río de sal"
    first_name = application.owner.get_short_name()
    assert mail.body_text == (
        f"Hello {first_name},\n\nCould you send the budget in euros?\n\n-- Films in Progress\n"
    )


def test_reopening_and_asking_for_a_cut_use_their_saved_wordings(
    application, staff, django_capture_on_commit_callbacks
):
    edition = application.call.edition
    for code, subject in (
        (submission_mails.REOPENED, "Reopened: {{ message }}"),
        (submission_mails.CUT_REQUESTED, "Cut: {{ message }}"),
    ):
        save(edition, code=code, language="en", subject=subject, body="{{ project_url }}")

    with django_capture_on_commit_callbacks(execute=True):
        submission_services.request_new_cut(project=application, by=staff, message="Need v2")
        submission_services.reopen_project(project=application, by=staff, message="Fix budget")

    subjects = dict(Mail.objects.values_list("kind", "subject"))
    assert subjects[submission_mails.CUT_REQUESTED] == "Cut: Need v2"
    assert subjects[submission_mails.REOPENED] == "Reopened: Fix budget"


def test_a_saved_invitation_wording_is_used_for_its_edition_and_language_only(
    edition, other_edition, staff, django_capture_on_commit_callbacks
):
    save(
        edition,
        code=INVITATION,
        language="es",
        subject="{{ juror_name }}, te invitamos al jurado de {{ edition }}",
        body="Acepta o rechaza aquí: {{ invitation_url }}\n\n{{ personal_message }}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        for target, email, language in (
            (edition, "nadia@example.org", "es"),
            (edition, "noemie@example.org", "fr"),
            (other_edition, "nicolas@example.org", "es"),
        ):
            jury_services.invite_juror(
                edition=target,
                email=email,
                full_name=email.split("@")[0].title(),
                language=language,
                by=staff,
                message="¡Nos encantaría contar contigo!",
            )

    spanish = Mail.objects.get(to="nadia@example.org")
    assert spanish.kind == INVITATION
    assert spanish.subject == f"Nadia, te invitamos al jurado de {edition.display_title}"
    link = spanish.body_text.split("aquí: ", 1)[1].split()[0]
    assert link.startswith(f"{settings.SITE_URL}/es/")
    invitation = Invitation.objects.get(email="nadia@example.org")
    # The link is the invitee's own: it opens their invitation.
    assert jury_services.hash_token(link.rstrip("/").rsplit("/", 1)[1]) == invitation.token_hash
    assert "¡Nos encantaría contar contigo!" in spanish.body_text

    french = Mail.objects.get(to="noemie@example.org")
    fr_subject, _fr_body = default(INVITATION, "fr")
    assert french.subject == one_line(fr_subject, "{{ edition }}", edition.display_title)
    assert "te invitamos" not in french.subject
    elsewhere = Mail.objects.get(to="nicolas@example.org")
    es_subject, _es_body = default(INVITATION, "es")
    assert elsewhere.subject == one_line(es_subject, "{{ edition }}", other_edition.display_title)


def test_a_saved_reminder_wording_is_used(edition, staff):
    member = JuryMemberFactory(edition=edition, user=UserFactory(full_name="Julia Jurado"))
    round_ = RoundFactory(
        edition=edition,
        name="First round",
        deadline=timezone.now() + dt.timedelta(hours=20),
        reminder_days=[1],
    )
    AssignmentFactory(round=round_, member=member)
    save(
        edition,
        code=jury_mails.REMINDER,
        language="en",
        subject="{{ pending_reviews }} to go in {{ round }}",
        body="{{ juror_name }}: {{ jury_url }}",
    )

    assert jury_services.send_due_reminders() == 1

    mail = Mail.objects.get(kind=jury_mails.REMINDER)
    assert mail.subject == "1 to go in First round"
    assert mail.body_text.startswith("Julia: http")


# --- The default wording and going back to it -------------------------------------------


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_saving_the_default_wording_keeps_no_row(edition, language):
    subject, body = default(SUBMITTED, language)

    assert save(edition, language=language, subject=subject, body=body) is None
    assert rows() == []


def test_saving_the_default_wording_again_drops_the_edition_s_own(edition, other_edition):
    save(edition)
    save(other_edition)
    subject, body = default(SUBMITTED, "es")

    assert save(edition, subject=subject, body=body) is None

    assert [row[0] for row in rows()] == [other_edition.pk]


def test_saving_the_unchanged_default_from_the_page_keeps_no_row(staff_client, edition):
    page = staff_client.get(edit_url(edition))
    form = page.context["form"]
    # A browser sends a textarea's lines ending in CR LF.
    data = {
        "subject": form["subject"].value(),
        "body": form["body"].value().replace("\n", "\r\n"),
        "action": "save",
    }

    response = staff_client.post(edit_url(edition), data)

    assert response.status_code == 302
    assert rows() == []


def test_reset_drops_the_edition_s_own_wording_only(edition, other_edition):
    save(edition, language="es")
    save(edition, language="fr")
    save(other_edition, language="es")

    services.reset_mail_template(edition=edition, code=SUBMITTED, language="es")

    assert sorted((row[0], row[2]) for row in rows()) == sorted(
        [(edition.pk, "fr"), (other_edition.pk, "es")]
    )
    assert mail_templates.wording(edition, kind(SUBMITTED), "es") == default(SUBMITTED, "es")


def test_the_edit_page_resets_to_the_default(staff_client, edition, other_edition):
    save(edition)
    save(edition, language="fr")
    save(other_edition)

    response = staff_client.post(edit_url(edition), {"action": "reset"})

    assert response.status_code == 302
    assert response.url == edit_url(edition)
    assert sorted((row[0], row[2]) for row in rows()) == sorted(
        [(edition.pk, "fr"), (other_edition.pk, "es")]
    )
    page = staff_client.get(edit_url(edition))
    assert page.context["custom"] is None
    assert page.context["form"]["subject"].value() == default(SUBMITTED, "es")[0]
    assert "back to its default wording" in page.content.decode()


# --- The preview ------------------------------------------------------------------------


def test_preview_with_a_project_of_the_edition_fills_it_and_saves_nothing(
    staff_client, edition, application
):
    mails_before = Mail.objects.count()

    response = staff_client.post(
        edit_url(edition),
        {
            "subject": SPANISH_SUBJECT,
            "body": SPANISH_BODY,
            "preview_with": str(application.pk),
            "action": "preview",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    preview = response.context["preview"]
    assert preview["subject"] == f"Recibimos «El río de sal» para {edition.display_title}"
    assert f"en la convocatoria {application.call.title}." in preview["text"]
    assert "/es/" in preview["text"]
    card = preview_section(response.content.decode())
    assert "Recibimos «El río de sal»" in card
    assert "The Salt River" not in card
    # The typed text stays in the form; nothing is saved or sent.
    assert response.context["form"]["body"].value() == SPANISH_BODY
    assert rows() == []
    assert Mail.objects.count() == mails_before


def test_preview_without_a_project_uses_the_example_values(staff_client, edition, application):
    response = staff_client.post(
        edit_url(edition, language="en"),
        {
            "subject": "About {{ project_title }}",
            "body": "{{ producer_name }}",
            "action": "preview",
        },
    )

    assert response.status_code == 200
    assert response.context["preview"] == {"subject": "About The Salt River", "text": "Ana\n"}
    assert rows() == []


def test_the_edit_page_offers_the_edition_s_applications_but_not_drafts(
    staff_client, edition, call, application, other_edition
):
    draft = ProjectFactory(call=call, original_title="Un borrador")
    elsewhere = ProjectFactory(
        call=CallFactory(edition=other_edition),
        original_title="Película ajena",
        status=ProjectStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )

    response = staff_client.get(edit_url(edition))

    choices = response.context["form"].fields["preview_with"].choices
    assert choices == [("", "Example values"), (str(application.pk), "El río de sal")]
    content = response.content.decode()
    assert draft.original_title not in content
    assert elsewhere.original_title not in content
    assert "Preview with an application" in content


def test_preview_with_another_edition_s_project_is_refused_without_its_title(
    staff_client, edition, other_edition
):
    secret = ProjectFactory(
        call=CallFactory(edition=other_edition),
        original_title="Título confidencial",
        status=ProjectStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )

    response = staff_client.post(
        edit_url(edition),
        {
            "subject": SPANISH_SUBJECT,
            "body": SPANISH_BODY,
            "preview_with": str(secret.pk),
            "action": "preview",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["preview_with"]
    assert "Título confidencial" not in response.content.decode()
    assert rows() == []


def test_preview_with_a_draft_of_the_edition_is_refused(staff_client, call, edition):
    draft = ProjectFactory(call=call, original_title="Todavía borrador")

    response = staff_client.post(
        edit_url(edition),
        {"subject": "S", "body": "B", "preview_with": str(draft.pk), "action": "preview"},
    )

    assert list(response.context["form"].errors) == ["preview_with"]
    assert "Todavía borrador" not in response.content.decode()


def test_preview_of_an_unknown_placeholder_shows_the_error(staff_client, edition, application):
    response = staff_client.post(
        edit_url(edition),
        {
            "subject": "Recibimos {{ project_title }}",
            "body": "Hola {{ nombre }}",
            "preview_with": str(application.pk),
            "action": "preview",
        },
    )

    assert response.status_code == 200
    assert "Unknown placeholder: {{ nombre }}." in response.context["form"].errors["body"][0]
    assert "Unknown placeholder: {{ nombre }}." in response.content.decode()
    assert rows() == []


def test_the_edit_page_shows_the_placeholders_in_the_template_s_language(staff_client, edition):
    content = staff_client.get(edit_url(edition, language="en")).content.decode()

    for placeholder in kind(SUBMITTED).placeholders:
        assert f"<code>{{{{ {placeholder.name} }}}}</code>" in content
    assert "The film&#x27;s title." in content
    # The preview of the stored wording, filled with the examples.
    assert "Application received: The Salt River" in preview_section(content)


@pytest.fixture
def every_preview_object(edition, session, application, staff, juror):
    """Something of the edition every kind of mail can be previewed with."""
    jury_services.invite_juror(
        edition=edition, email="ines@example.org", full_name="Inés Invitada", by=staff
    )
    member = edition.jury_members.get(user=juror)
    round_ = RoundFactory(
        edition=edition, deadline=timezone.now() + dt.timedelta(days=3), members=[member]
    )
    AssignmentFactory(round=round_, member=member, project=application)


@pytest.mark.parametrize("code", ALL_KINDS)
@pytest.mark.usefixtures("every_preview_object")
def test_every_kind_previews_with_a_real_object_of_the_edition(staff_client, edition, code):
    page = staff_client.get(edit_url(edition, code=code, language="fr"))
    assert page.status_code == 200
    form = page.context["form"]
    choices = [key for key, _label in form.fields["preview_with"].choices if key]
    assert choices, code

    response = staff_client.post(
        edit_url(edition, code=code, language="fr"),
        {
            "subject": form["subject"].value(),
            "body": form["body"].value(),
            "preview_with": choices[0],
            "action": "preview",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {}
    preview = response.context["preview"]
    assert "{{" not in preview["subject"] + preview["text"]
    assert edition.programme.name in preview["text"]
    assert rows() == []


def test_every_juror_offered_for_the_reminder_preview_previews(staff_client, edition, juror):
    """A juror is offered only if the preview can be filled from them."""
    member = edition.jury_members.get(user=juror)
    RoundFactory(edition=edition, deadline=None, members=[member])
    url = edit_url(edition, code=jury_mails.REMINDER, language="en")
    form = staff_client.get(url).context["form"]
    offered = [key for key, _label in form.fields["preview_with"].choices if key]

    for key in offered:
        response = staff_client.post(
            url,
            {
                "subject": form["subject"].value(),
                "body": form["body"].value(),
                "preview_with": key,
                "action": "preview",
            },
        )
        assert response.context["form"].errors == {}, key


# --- The defaults, in every language ----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGE_CODES)
@pytest.mark.parametrize("code", ALL_KINDS)
def test_every_default_wording_uses_only_the_kind_s_placeholders(code, language):
    mail_kind = kind(code)
    subject, body = mail_templates.default_wording(mail_kind, language)

    assert subject.strip()
    assert body.strip()
    for text in (subject, body):
        assert [error.messages for error in mail_templates.check_text(mail_kind, text)] == []
        assert set(mail_templates.placeholders_in(text)) <= mail_kind.names


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_every_default_wording_is_translated(language):
    untranslated = [
        code
        for code in ALL_KINDS
        if default(code, language)[0] == default(code, "en")[0]
        or default(code, language)[1] == default(code, "en")[1]
    ]
    assert untranslated == [], f"not translated into {language}"


@pytest.mark.parametrize("language", ["es", "fr", "pt"])
def test_translations_keep_the_placeholders_of_the_english(language):
    """In the catalogues themselves, so that a mistyped name is caught before the
    catalogue is compiled."""
    catalogue = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )
    # Only the mails' wording: "write placeholders as {{ name }}" is an instruction.
    mail_names = set().union(*(mail_kind.names for mail_kind in mail_templates.kinds()))
    wrong = []
    for entry in catalogue.translated_entries():
        english = sorted(mail_templates.placeholders_in(entry.msgid))
        if not english or not set(english) <= mail_names:
            continue
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for translated in translations:
            if sorted(mail_templates.placeholders_in(translated)) != english or (
                translated.count("{{"),
                translated.count("}}"),
            ) != (entry.msgid.count("{{"), entry.msgid.count("}}")):
                wrong.append((entry.msgid, translated))
    assert wrong == []


def test_every_kind_has_a_name_and_documented_placeholders():
    assert ALL_KINDS == [
        "submissions.submitted",
        "submissions.message",
        "submissions.reopened",
        "submissions.cut_requested",
        "submissions.invited",
        "juries.invitation",
        "juries.reminder",
        "juries.result_selected",
        "juries.result_waitlisted",
        "juries.result_not_selected",
        "juries.place_offered",
        "juries.place_lapsed",
    ]
    for mail_kind in mail_templates.kinds():
        assert str(mail_kind.label) != mail_kind.code
        assert len(mail_kind.names) == len(mail_kind.placeholders), mail_kind.code
        assert all(str(placeholder.help) for placeholder in mail_kind.placeholders)


# --- Who may word the mails -------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, edition):
    for response in (
        client.get(list_url(edition)),
        client.get(edit_url(edition)),
        client.post(edit_url(edition), {"subject": "S", "body": "B", "action": "save"}),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    assert rows() == []


@pytest.mark.parametrize("role_user", ["producer", "juror"], indirect=True)
def test_producers_and_jurors_are_refused(login, role_user, edition):
    save(edition)
    before = rows()
    client = login(role_user)

    assert client.get(list_url(edition)).status_code == 403
    assert client.get(edit_url(edition)).status_code == 403
    assert (
        client.post(edit_url(edition), {"subject": "S", "body": "B", "action": "save"}).status_code
        == 403
    )
    assert client.post(edit_url(edition), {"action": "reset"}).status_code == 403
    assert rows() == before


def test_staff_of_another_programme_get_404(login, other_staff, edition, application):
    save(edition)
    before = rows()
    client = login(other_staff)

    assert client.get(list_url(edition)).status_code == 404
    assert client.get(edit_url(edition)).status_code == 404
    for data in (
        {"subject": "S", "body": "B", "action": "save"},
        {"subject": "S", "body": "B", "preview_with": str(application.pk), "action": "preview"},
        {"action": "reset"},
    ):
        response = client.post(edit_url(edition), data)
        assert response.status_code == 404, data
        assert "El río de sal" not in response.content.decode()
    assert rows() == before


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("submissions.nothing", "es"),
        ("accounts.confirm_email", "en"),  # named for the outbox, but not worded by staff
        (SUBMITTED, "de"),
        (SUBMITTED, "ES"),
    ],
)
def test_an_unknown_kind_or_language_is_404(staff_client, edition, code, language):
    url = edit_url(edition, code=code, language=language)
    assert staff_client.get(url).status_code == 404
    assert (
        staff_client.post(url, {"subject": "S", "body": "B", "action": "save"}).status_code == 404
    )
    assert rows() == []


def test_an_unknown_edition_is_404(staff_client, edition):
    missing = edition.pk + 1000
    assert (
        staff_client.get(list_url(edition).replace(str(edition.pk), str(missing))).status_code
        == 404
    )


# --- Values in the text and in the HTML -------------------------------------------------


def test_values_are_raw_in_the_text_and_escaped_in_the_html(
    call, django_capture_on_commit_callbacks
):
    project = draft_for(call, "en", "L'été & <co>")

    with django_capture_on_commit_callbacks(execute=True):
        submit(project)

    mail = Mail.objects.get(kind=SUBMITTED)
    assert "L'été & <co>" in mail.subject
    assert "“L'été & <co>”" in mail.body_text
    assert "&amp;" not in mail.body_text
    assert "&#x27;" not in mail.body_text
    assert "L&#x27;été &amp; &lt;co&gt;" in mail.body_html
    assert "<co>" not in mail.body_html
    # The text's paragraphs are the HTML's, and its link is clickable.
    assert mail.body_html.count("<p>") == mail.body_text.strip().count("\n\n") + 1
    assert f'<a href="{settings.SITE_URL}/en/' in mail.body_html


def test_staff_wording_is_escaped_in_the_html_too(call, staff, django_capture_on_commit_callbacks):
    save(call.edition, language="en", subject="Got it", body="<b>Bold</b> {{ project_title }}")
    project = draft_for(call, "en", "Tom & Jerry")

    with django_capture_on_commit_callbacks(execute=True):
        submit(project)

    mail = Mail.objects.get(kind=SUBMITTED)
    assert mail.body_text == "<b>Bold</b> Tom & Jerry\n"
    assert mail.body_html.startswith("<p>&lt;b&gt;Bold&lt;/b&gt; Tom &amp; Jerry")
    assert "<b>" not in mail.body_html


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again(edition):
    subject, text, _html = mail_templates.render(
        edition=edition,
        code=SUBMITTED,
        language="en",
        values={"project_title": "{{ programme }}", "programme": "Secret"},
        subject="{{ project_title }}",
        body="{{ project_title }} by {{ producer_name }}",
    )

    assert subject == "{{ programme }}"
    assert text == "{{ programme }} by\n"


def test_the_preview_page_escapes_the_values(staff_client, call, edition):
    project = ProjectFactory(
        call=call,
        original_title="<script>alert(1)</script>",
        status=ProjectStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )

    response = staff_client.post(
        edit_url(edition, language="en"),
        {
            "subject": "{{ project_title }}",
            "body": "{{ project_title }}",
            "preview_with": str(project.pk),
            "action": "preview",
        },
    )

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview_section(content)


# --- The outbox names the kinds of mail -------------------------------------------------


def test_kind_label_names_every_kind_and_falls_back_to_the_code():
    assert mail_templates.kind_label(SUBMITTED) == "Application received"
    assert mail_templates.kind_label(jury_mails.SELECTED) == "Result: selected"
    assert mail_templates.kind_label("accounts.confirm_email") == "Address confirmation"
    assert mail_templates.kind_label("submissions.invited") == "Invitation to apply"
    assert mail_templates.kind_label("something.else") == "something.else"


def test_the_outbox_shows_the_kinds_names(staff_client, programme):
    scope = programme_mail_scope(programme.pk)
    submitted = MailFactory(scope=scope, kind=SUBMITTED, subject="One")
    MailFactory(scope=scope, kind=jury_mails.PLACE_OFFERED, subject="Two")
    MailFactory(scope=scope, kind="legacy.kind", subject="Three")

    content = staff_client.get(reverse("editions:staff_outbox")).content.decode()

    table = content.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "<td>Application received</td>" in table
    assert "<td>A place offered from the waiting list</td>" in table
    assert "<td>legacy.kind</td>" in table
    assert SUBMITTED not in table
    assert jury_mails.PLACE_OFFERED not in table

    detail = staff_client.get(reverse("editions:staff_mail", kwargs={"pk": submitted.pk}))
    assert "Application received" in detail.content.decode()


# --- The list of mails ------------------------------------------------------------------


def test_the_list_shows_every_kind_in_every_language(staff_client, staff, edition, other_edition):
    save(edition, language="fr", by=staff)
    save(other_edition, language="es", by=staff)

    response = staff_client.get(list_url(edition))

    assert response.status_code == 200
    content = response.content.decode()
    header = content.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert all(name in header for name in ["English", "Spanish", "French", "Portuguese"])
    for mail_kind in mail_templates.kinds():
        assert str(mail_kind.label) in content
        for language in LANGUAGE_CODES:
            assert f'href="{edit_url(edition, mail_kind.code, language)}"' in content
    cells = {
        (row["kind"].code, language["code"]): language["custom"]
        for row in response.context["rows"]
        for language in row["languages"]
    }
    assert [key for key, custom in cells.items() if custom] == [(SUBMITTED, "fr")]
    assert content.count("Own wording") == 1
    assert staff.full_name in content


def count_list_queries(client, edition):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(edition))
    assert response.status_code == 200
    return len(queries), response.content.decode().count("Own wording")


def test_the_list_page_makes_as_many_queries_with_many_custom_wordings(staff_client, edition):
    none = count_list_queries(staff_client, edition)
    for index, code in enumerate(ALL_KINDS[:5]):
        for language in LANGUAGE_CODES:
            MailTemplate.objects.create(
                edition=edition,
                kind=code,
                language=language,
                subject="S",
                body="B",
                updated_by=UserFactory(full_name=f"Editor {index} {language}"),
            )

    many = count_list_queries(staff_client, edition)

    assert none[1] == 0
    assert many[1] == 5 * len(LANGUAGE_CODES)
    assert many[0] == none[0]


def test_edition_detail_links_to_the_mails(staff_client, edition):
    content = staff_client.get(
        reverse("editions:staff_edition", args=[edition.pk])
    ).content.decode()
    assert f'href="{list_url(edition)}"' in content


# --- Placeholders and filling ----------------------------------------------------------


def test_placeholders_are_found_with_any_spacing_and_filled_or_emptied():
    text = "{{a}} {{  b  }} {{ c }}"
    assert mail_templates.placeholders_in(text) == ["a", "b", "c"]
    assert mail_templates.fill(text, {"a": "1", "b": 2}) == "1 2 "


def test_an_invited_producer_gets_the_editions_wording_with_their_way_in(
    edition, call, staff, django_capture_on_commit_callbacks
):
    from submissions.services import invite_project

    services.save_mail_template(
        edition=edition,
        code="submissions.invited",
        language="es",
        subject="Invitación: {{ project_title }}",
        body="Hola {{ producer_name }}.\n\n{{ account_step }}\n{{ project_url }}",
        by=staff,
    )
    with django_capture_on_commit_callbacks(execute=True):
        invite_project(
            call=call,
            email="nueva@example.org",
            full_name="Nueva Productora",
            language="es",
            by=staff,
            original_title="El pozo",
        )

    mail = Mail.objects.get(to="nueva@example.org")
    assert mail.subject == "Invitación: El pozo"
    assert mail.body_text.startswith("Hola Nueva.")
    # A new account gets a link to choose its password, in Spanish.
    assert "/es/accounts/" in mail.body_text
    assert "{{" not in mail.body_text
