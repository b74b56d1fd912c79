"""The Django admin, for the rare fix by hand: every model of the portal's apps is in it
with useful columns and search; with a row of every model, each list, search and change
page opens; the big lists cost as many queries for ten rows as for one; what the portal
computes or records is read only; private files are named, never linked; and only admin
accounts get in."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from editions import mail_templates
from editions.models import ActivityLog, Call, Edition, MailTemplate, Programme, Session
from editions.tests.factories import SessionFactory
from juries.models import (
    Assignment,
    Comment,
    Conflict,
    Criterion,
    Decision,
    DecisionAction,
    Dossier,
    DossierLink,
    DossierStatus,
    Export,
    ExportFormat,
    ExportKind,
    ExportStatus,
    Interest,
    Invitation,
    JuryMember,
    Placement,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
    Review,
    Round,
    RoundProject,
    Score,
    Selection,
    SessionPublication,
)
from juries.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    InterestFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    ScoreFactory,
)
from outbox.models import Mail
from outbox.tests.factories import MailFactory
from submissions.models import (
    Cut,
    Director,
    Document,
    EventKind,
    PostProductionItem,
    ProducerProfile,
    Project,
    ProjectCompany,
    ProjectEvent,
    ProjectStatus,
    Still,
)
from submissions.tests.factories import (
    PDF_BYTES,
    ProducerProfileFactory,
    ProjectFactory,
    complete_project,
    jpeg_bytes,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "outbox", "editions", "submissions", "juries")

# Tables that grow with every call: a change form must never offer them as a list.
BIG_TABLES = {User, Project, Mail, Assignment, Review}


def project_models():
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def project_admins():
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label in PROJECT_APPS
        ),
        key=lambda item: item[0]._meta.label,
    )


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db):
    return UserFactory(
        email="admin@example.org", full_name="Ada Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def admin_request(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    return request


@pytest.fixture
def one_of_each(superuser, staff, producer, programme, edition, session, call):
    """A row of every model, as the portal leaves them once an edition's selection is
    sent: a selected project with all its materials, a jury that reviewed it, the
    selection, its publication, dossier and result."""
    now = timezone.now()
    mail = MailFactory(
        recipient=producer,
        to=producer.email,
        kind="results.selected",
        scope=f"programme:{programme.pk}",
        dedupe_key="results:selected:1",
    )
    template = MailTemplate.objects.create(
        edition=edition,
        kind=mail_templates.kinds()[0].code,
        language="es",
        subject="Asunto propio",
        body="Un texto propio.",
        updated_by=staff,
    )
    profile = ProducerProfileFactory(user=producer, company="Cine Sur Producciones")
    project = complete_project(
        call=call,
        owner=producer,
        original_title="La montaña de sal",
        english_title="The Salt Mountain",
        status=ProjectStatus.SELECTED,
        submitted_at=now - dt.timedelta(days=60),
        selected_session=session,
        result_released_at=now,
        invited_by=staff,
    )
    director = project.directors.get()
    director.photo.save("photo.jpg", ContentFile(jpeg_bytes(400, 500)), save=True)
    still = project.stills.get()
    still.thumbnail.save("thumb.jpg", ContentFile(jpeg_bytes(320, 180)), save=True)
    event = ProjectEvent.objects.create(
        project=project,
        kind=EventKind.STATUS,
        from_status=ProjectStatus.DRAFT,
        to_status=ProjectStatus.SUBMITTED,
        message="Submitted.",
        by=producer,
    )
    member = JuryMemberFactory(
        edition=edition, session=session, affiliation="Cine Norte", is_president=True
    )
    invitation = Invitation.objects.create(
        edition=edition,
        email=member.user.email,
        full_name=member.user.full_name,
        token_hash="0" * 64,
        status="accepted",
        member=member,
        invited_by=staff,
        answered_at=now,
    )
    round_ = RoundFactory(edition=edition, members=[member])
    assignment = AssignmentFactory(round=round_, member=member, project=project)
    review = ReviewFactory(
        assignment=assignment,
        note="Strong and precise.",
        session_preference=session,
        total=Decimal("7.000"),
    )
    score = ScoreFactory(review=review)
    conflict = ConflictFactory(
        member=JuryMemberFactory(edition=edition), project=project, created_by=staff
    )
    interest = InterestFactory(member=member, project=project)
    comment = Comment.objects.create(
        round=round_, project=project, author=member, text="The best of the call."
    )
    selection = Selection.objects.create(edition=edition, version=3, locked_at=now, locked_by=staff)
    placement = Placement.objects.create(
        selection=selection,
        project=project,
        session=session,
        kind=PlacementKind.SELECTED,
        decided_by=staff,
    )
    decision = Decision.objects.create(
        selection=selection,
        action=DecisionAction.PLACED,
        project=project,
        session=session,
        kind=PlacementKind.SELECTED,
        position=0,
        reason="Unanimous.",
        by=staff,
    )
    publication = SessionPublication.objects.create(
        session=session, publish_at=now, published_at=now, scheduled_by=staff
    )
    dossier = Dossier.objects.create(
        edition=edition,
        session=session,
        version=1,
        status=DossierStatus.READY,
        progress=100,
        pages=12,
        pdf=ContentFile(PDF_BYTES, name="dossier.pdf"),
        archive=ContentFile(b"PK\x05\x06" + b"\0" * 18, name="dossier.zip"),
        started_by=staff,
        finished_at=now,
    )
    link = DossierLink.objects.create(
        edition=edition,
        session=session,
        label="Sales agent",
        token_hash="1" * 64,
        expires_at=now + dt.timedelta(days=30),
        created_by=staff,
    )
    activity = ActivityLog.objects.create(
        edition=edition,
        actor=staff,
        actor_name=staff.full_name,
        action="project.status",
        subject_label=project.display_title,
        project_id=project.pk,
        changes={"status": ["submitted", "under_review"]},
    )
    export = Export.objects.create(
        edition=edition,
        kind=ExportKind.APPLICATIONS,
        format=ExportFormat.XLSX,
        status=ExportStatus.READY,
        progress=100,
        row_count=1,
        file=ContentFile(b"PK\x05\x06" + b"\0" * 18, name="applications.xlsx"),
        requested_by=staff,
        finished_at=now,
    )
    notice = ResultNotice.objects.create(
        edition=edition,
        project=project,
        outcome=ResultOutcome.SELECTED,
        session=session,
        feedback="The jury loved the final sequence.",
        include_feedback=True,
        mail=mail,
        sent_at=now,
        sent_by=staff,
        confirm_by=now + dt.timedelta(days=14),
    )
    return {
        User: producer,
        Mail: mail,
        Programme: programme,
        Edition: edition,
        Session: session,
        Call: call,
        MailTemplate: template,
        ProducerProfile: profile,
        Project: project,
        ProjectCompany: project.companies.get(),
        Director: director,
        PostProductionItem: project.post_production.get(),
        Cut: project.cuts.get(),
        Still: still,
        Document: project.documents.get(),
        ProjectEvent: event,
        JuryMember: member,
        Invitation: invitation,
        Criterion: score.criterion,
        Round: round_,
        RoundProject: RoundProject.objects.get(round=round_, project=project),
        Conflict: conflict,
        Interest: interest,
        Assignment: assignment,
        Review: review,
        Score: score,
        Comment: comment,
        Selection: selection,
        Placement: placement,
        Decision: decision,
        SessionPublication: publication,
        Dossier: dossier,
        DossierLink: link,
        ResultNotice: notice,
        Export: export,
        ActivityLog: activity,
    }


# --- Every model, with useful columns and search ----------------------------------------


def test_every_model_of_the_portal_is_in_the_admin():
    missing = [
        model._meta.label for model in project_models() if not admin.site.is_registered(model)
    ]
    assert missing == [], f"Models missing from the admin: {', '.join(missing)}"


def test_every_admin_has_columns_and_search():
    bare = [
        model._meta.label
        for model, model_admin in project_admins()
        if tuple(model_admin.list_display) == ("__str__",) or not model_admin.search_fields
    ]
    assert bare == []


def test_no_change_form_offers_a_big_table_as_a_list(admin_request, one_of_each):
    """A select of every user or project would be thousands of options on each page."""
    offenders = []
    for model, model_admin in project_admins():
        obj = one_of_each.get(model) or model._default_manager.first()
        # (form, the foreign key to the parent an inline's rows get without a choice)
        forms = [(model_admin.get_form(admin_request, obj, change=obj is not None), None)]
        forms += [
            (formset.form, formset.fk.name)
            for formset, _inline in model_admin.get_formsets_with_inlines(admin_request, obj)
        ]
        for form_class, parent in forms:
            for name, field in form_class.base_fields.items():
                queryset = getattr(field, "queryset", None)
                if name == parent or queryset is None or queryset.model not in BIG_TABLES:
                    continue
                widget = getattr(field.widget, "widget", field.widget)
                if not isinstance(widget, ForeignKeyRawIdWidget | AutocompleteMixin):
                    offenders.append(f"{form_class._meta.model._meta.label}.{name}")
    assert offenders == []


# --- Every page opens -------------------------------------------------------------------


def test_every_changelist_search_and_change_page_opens(admin_client, admin_request, one_of_each):
    failures = []
    crawled = 0

    def check(model, url, params=None):
        nonlocal crawled
        crawled += 1
        response = admin_client.get(url, params or {})
        if response.status_code != 200:
            failures.append(f"{model._meta.label}: {url} {params or ''} → {response.status_code}")
        return response

    registered = project_admins()
    for model, model_admin in registered:
        changelist = admin_url(model, "changelist")
        response = check(model, changelist)
        if response.status_code == 200 and response.context["cl"].result_count < 1:
            failures.append(f"{model._meta.label}: no row listed (add one to one_of_each)")
        check(model, changelist, {"q": "x"})
        obj = one_of_each.get(model) or model._default_manager.first()
        if obj is None:
            failures.append(f"{model._meta.label}: no row to open (add one to one_of_each)")
            continue
        response = check(model, admin_url(model, "change", obj.pk))
        if response.status_code == 200 and response.context["original"] != obj:
            failures.append(f"{model._meta.label}: the change page shows another object")
        if model_admin.has_add_permission(admin_request):
            check(model, admin_url(model, "add"))
    assert failures == []
    assert len(registered) >= len(one_of_each)
    assert crawled >= 3 * len(registered)


def test_a_search_finds_the_row_by_title_name_or_email(admin_client, one_of_each):
    project = one_of_each[Project]
    searches = [
        (Project, "salt mountain", project),
        (Project, "producer@example.org", project),
        (Mail, "producer@example.org", one_of_each[Mail]),
        (ResultNotice, "montaña", one_of_each[ResultNotice]),
        (Review, one_of_each[Review].member.user.email, one_of_each[Review]),
        (ProducerProfile, "cine sur", one_of_each[ProducerProfile]),
        (Session, "toulouse", one_of_each[Session]),
        (Decision, "unanimous", one_of_each[Decision]),
    ]
    for model, query, expected in searches:
        ProjectFactory(original_title="Otra película", english_title="Another film")
        response = admin_client.get(admin_url(model, "changelist"), {"q": query})
        assert list(response.context["cl"].result_list) == [expected], (model, query)
    response = admin_client.get(admin_url(Project, "changelist"), {"q": "no such film"})
    assert list(response.context["cl"].result_list) == []


def test_the_project_page_shows_its_rows_and_names_private_files_without_links(
    admin_client, one_of_each
):
    project = one_of_each[Project]
    response = admin_client.get(admin_url(Project, "change", project.pk))
    content = response.content.decode()
    for text in (
        "La montaña de sal",
        project.companies.get().name,
        one_of_each[Director].name,
        project.cuts.get().screener_url,
        project.documents.get().original_name,
        "Submitted.",
    ):
        assert text in content, text
    for field_file in (
        one_of_each[Director].photo,
        one_of_each[Still].original,
        one_of_each[Still].thumbnail,
    ):
        assert field_file.name
    for model, field_files in [
        (Project, [one_of_each[Director].photo, one_of_each[Still].original]),
        (Director, [one_of_each[Director].photo]),
        (Still, [one_of_each[Still].original, one_of_each[Still].thumbnail]),
        (Document, [one_of_each[Document].file]),
        (Dossier, [one_of_each[Dossier].pdf, one_of_each[Dossier].archive]),
        (Export, [one_of_each[Export].file]),
    ]:
        content = admin_client.get(admin_url(model, "change", one_of_each[model].pk)).content
        content = content.decode()
        for field_file in field_files:
            assert field_file.name in content, (model, field_file.name)
            assert not re.search(r'href="[^"]*' + re.escape(field_file.name), content), model
            assert 'type="file"' not in content, model


# What the portal computes, records or keeps secret: never in a change form.
READ_ONLY = {
    User: ["last_login", "date_joined"],
    Mail: ["message_id", "dedupe_key", "attempts", "last_error", "claimed_at", "sent_at"],
    Programme: ["logo", "created_at"],
    Edition: ["state", "created_at"],
    MailTemplate: ["edition", "kind", "language", "updated_by"],
    Project: ["status", "screening", "screened_by", "submitted_at", "result_released_at"],
    Director: ["photo"],
    Still: ["original", "web", "thumbnail", "large", "width", "height"],
    Document: ["file", "size"],
    Cut: ["number"],
    Invitation: ["token_hash", "member", "answered_at"],
    Review: ["total", "assignment", "round", "member", "project", "submitted_at"],
    Selection: ["version", "locked_at", "locked_by"],
    SessionPublication: ["published_at"],
    Dossier: ["pdf", "archive", "version", "progress", "warnings", "error"],
    DossierLink: ["token_hash", "downloads"],
    ResultNotice: ["mail", "sent_at", "sent_by", "answered_at"],
    Export: ["file", "status", "row_count", "requested_by"],
}


def test_what_the_portal_computes_or_records_is_read_only(admin_request, one_of_each):
    editable = []
    for model, fields in READ_ONLY.items():
        model_admin = admin.site._registry[model]
        form_fields = model_admin.get_form(
            admin_request, one_of_each[model], change=True
        ).base_fields
        editable += [f"{model._meta.label}.{name}" for name in fields if name in form_fields]
    assert editable == []


def test_logs_and_scores_are_read_only(admin_request, one_of_each):
    for model in (Decision, ProjectEvent, Score):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(admin_request)
        assert not model_admin.has_change_permission(admin_request, one_of_each[model])
        assert not model_admin.has_delete_permission(admin_request, one_of_each[model])
        assert model_admin.has_view_permission(admin_request, one_of_each[model])


def test_a_mail_template_is_checked_like_on_the_staff_page(admin_client, superuser, one_of_each):
    template = one_of_each[MailTemplate]
    url = admin_url(MailTemplate, "change", template.pk)
    response = admin_client.post(url, {"subject": "Hola {{ no_such_name }}", "body": "Texto"})
    assert response.status_code == 200
    assert "no_such_name" in str(response.context["adminform"].form.errors["subject"])
    template.refresh_from_db()
    assert template.subject == "Asunto propio"

    response = admin_client.post(url, {"subject": "Asunto corregido", "body": "Texto corregido"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.subject, template.body, template.updated_by) == (
        "Asunto corregido",
        "Texto corregido",
        superuser,
    )


# --- The big lists: as many queries for ten rows as for one -------------------------------


def _project():
    return ProjectFactory(
        status=ProjectStatus.SUBMITTED, submitted_at=timezone.now(), owner=UserFactory()
    )


def _mail():
    return MailFactory(recipient=UserFactory())


def _review():
    return ReviewFactory()


def _result_notice():
    project = _project()
    edition = project.call.edition
    return ResultNotice.objects.create(
        edition=edition,
        project=project,
        outcome=ResultOutcome.WAITLISTED,
        session=SessionFactory(edition=edition),
        waitlist_position=1,
        mail=_mail(),
        sent_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("model", "make"),
    [(Project, _project), (Mail, _mail), (Review, _review), (ResultNotice, _result_notice)],
    ids=["project", "mail", "review", "result-notice"],
)
def test_a_big_changelist_costs_the_same_queries_for_ten_rows_as_for_one(admin_client, model, make):
    url = admin_url(model, "changelist")
    make()
    admin_client.get(url)  # the session and the content types, once
    with CaptureQueriesContext(connection) as one:
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 1
    for _ in range(9):
        make()
    with CaptureQueriesContext(connection) as ten:
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 10
    assert len(ten) == len(one), f"{len(one)} queries for one row, {len(ten)} for ten:\n" + (
        "\n".join(query["sql"] for query in ten.captured_queries)
    )


# --- Only admin accounts get in ---------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "producer"])
def test_festival_staff_and_producers_cannot_reach_the_admin(client, request, who):
    user = request.getfixturevalue(who)
    # Running a programme does not open the admin: only an account marked for it does.
    assert (user.is_staff, user.is_superuser) == (False, False)
    client.force_login(user)
    login = reverse("admin:login")
    assert reverse("admin:index") == "/en/admin/"
    for url in [
        "/en/admin/",
        admin_url(Project, "changelist"),
        admin_url(User, "change", user.pk),
        admin_url(Mail, "changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(login), url
    response = client.get(login)
    assert response.status_code == 200
    assert "not authorized to access this page" in response.content.decode()


def test_an_admin_account_without_permissions_sees_no_model(client, one_of_each):
    client.force_login(UserFactory(is_staff=True))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert index.context["app_list"] == []
    for model, _model_admin in project_admins():
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 403, model._meta.label
        obj = one_of_each.get(model) or model._default_manager.first()
        response = client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 403, model._meta.label
