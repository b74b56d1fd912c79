import datetime as dt
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from editions.models import Call, Edition, EditionState, Programme, Session
from juries import mails as jury_mails
from juries import permissions as jury_permissions
from juries import publication, results
from juries import services as jury_services
from juries.models import (
    Answer,
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Decision,
    DecisionAction,
    JuryMember,
    Phase,
    Placement,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
    Review,
    ReviewStatus,
    Round,
    RoundKind,
    RoundProject,
    Score,
    Selection,
    SessionPublication,
)
from outbox.models import Mail
from submissions import eligibility
from submissions.models import (
    DECIDED_STATUSES,
    Cut,
    Director,
    Document,
    PostProductionItem,
    ProcessingStatus,
    ProducerProfile,
    Project,
    ProjectCompany,
    ProjectEvent,
    ProjectStatus,
    Still,
)
from submissions.uploads import STILL_MIN_SIDE
from wip_portal.demo import (
    DEMO_APPLICATIONS,
    DEMO_PASSWORD,
    DEMO_PRODUCERS,
    FIRST_CALL_TITLE,
    IBERMEDIA_MEMBERS,
    JURY_ROUND_NAME,
    PAST_APPLICATIONS,
    load_demo,
)

MODELS = [
    User,
    Programme,
    Programme.team.through,
    Edition,
    Session,
    Call,
    JuryMember,
    Mail,
    ProducerProfile,
    Project,
    ProjectCompany,
    Director,
    PostProductionItem,
    Cut,
    Still,
    Document,
    ProjectEvent,
    Criterion,
    Round,
    Round.members.through,
    RoundProject,
    Conflict,
    Assignment,
    Review,
    Score,
    Selection,
    Placement,
    Decision,
    ResultNotice,
    SessionPublication,
]


def run_load_demo(**options):
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def current_fip_edition():
    return (
        Edition.objects.filter(programme__slug="films-in-progress", state=EditionState.PUBLIC)
        .order_by("-year")
        .first()
    )


def past_fip_edition():
    """The archived edition of Films in Progress with results (not the 2008 one)."""
    return Edition.objects.exclude(slug="2008").get(
        programme__slug="films-in-progress", state=EditionState.ARCHIVED
    )


def past_notices():
    return {
        notice.project.original_title: notice
        for notice in ResultNotice.objects.filter(edition=past_fip_edition()).select_related(
            "project__owner", "session", "mail"
        )
    }


def jury_round():
    return Round.objects.get(edition=current_fip_edition(), name=JURY_ROUND_NAME)


def demo_juror(number):
    return JuryMember.objects.get(
        edition=current_fip_edition(), user__email=f"juror-{number}@demo.wip-portal.org"
    )


def jury_rows():
    """What staff and jurors see of the jury demo, row by row."""
    return {
        "projects": list(
            Project.objects.order_by("pk").values_list("pk", "status", "submitted_at")
        ),
        "rounds": list(
            Round.objects.values_list("pk", "phase", "deadline", "assignments_published_at")
        ),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list("pk", "member", "project")
        ),
        "reviews": list(
            Review.objects.order_by("pk").values_list("pk", "status", "total", "updated_at")
        ),
        "stills": list(Still.objects.order_by("pk").values_list("pk", "status", "web")),
        "selections": list(Selection.objects.values_list("pk", "locked_at", "version")),
        "notices": list(
            ResultNotice.objects.order_by("pk").values_list(
                "pk", "outcome", "sent_at", "answer", "confirm_by", "mail"
            )
        ),
        "publications": list(
            SessionPublication.objects.order_by("pk").values_list("pk", "published_at")
        ),
    }


@pytest.mark.django_db
def test_load_demo_creates_programmes_and_accounts():
    output = run_load_demo()

    assert set(Programme.objects.values_list("slug", flat=True)) == {
        "films-in-progress",
        "ibermedia",
        "giff-imcine-bilateral-forum",
    }
    assert User.objects.filter(email_confirmed=True).count() == User.objects.count() == 13
    admin = User.objects.get(email="admin@demo.wip-portal.org")
    assert admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert sorted(
        User.objects.filter(
            email__in=[f"producer-{code}@demo.wip-portal.org" for code in ("es", "fr", "pt")]
        ).values_list("language", flat=True)
    ) == ["es", "fr", "pt"]
    assert list(
        Programme.objects.get(slug="films-in-progress").team.values_list("email", flat=True)
    ) == ["staff@demo.wip-portal.org"]
    assert list(Programme.objects.get(slug="ibermedia").team.values_list("email", flat=True)) == [
        "ibermedia-staff@demo.wip-portal.org"
    ]
    assert "admin@demo.wip-portal.org" in output
    assert DEMO_PASSWORD in output


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    run_load_demo()
    counts = row_counts()
    rows = jury_rows()
    call = Call.objects.get(title__startswith="Co-production call")
    call.guidelines = "Changed by the staff."
    call.save()

    output = run_load_demo()

    assert row_counts() == counts
    assert jury_rows() == rows
    call.refresh_from_db()
    assert call.guidelines == "Changed by the staff."
    assert "nothing was changed" in output


@pytest.mark.django_db
def test_load_demo_recreates_only_what_is_missing():
    run_load_demo()
    counts = row_counts()
    edition = current_fip_edition()
    Session.objects.filter(edition=edition, city="Lima").delete()

    report = load_demo()

    assert report.created == [f"session Lima of {edition}"]
    assert row_counts() == counts


@pytest.mark.django_db
def test_load_demo_never_adds_back_to_an_existing_round():
    """Staff change the round (unassign a juror, move to discussion): a second run leaves
    their changes alone."""
    run_load_demo()
    round_ = jury_round()
    staff = User.objects.get(email="staff@demo.wip-portal.org")
    unstarted = Assignment.objects.filter(round=round_, review__isnull=True).first()
    jury_services.unassign(assignment=unstarted, by=staff)
    jury_services.set_phase(round_=round_, phase=Phase.DISCUSSION, by=staff)
    counts = row_counts()

    report = load_demo()

    assert report.created == []
    assert row_counts() == counts
    assert not Assignment.objects.filter(pk=unstarted.pk).exists()
    assert jury_round().phase == Phase.DISCUSSION


@pytest.mark.django_db
def test_load_demo_recreates_a_missing_application_outside_the_round():
    run_load_demo()
    project = Project.objects.get(original_title="Sertão de vidro")
    project.delete()

    report = load_demo()

    recreated = Project.objects.get(original_title="Sertão de vidro")
    assert report.created == [f"application “Sertão de vidro” to “{FIRST_CALL_TITLE}”"]
    assert recreated.status == ProjectStatus.SUBMITTED
    assert not RoundProject.objects.filter(project=recreated).exists()
    assert RoundProject.objects.filter(round=jury_round()).count() == 13


@pytest.mark.django_db
def test_ibermedia_call_has_its_19_member_countries():
    run_load_demo()

    call = Call.objects.get(edition__programme__slug="ibermedia")

    assert sorted(country.code for country in call.eligible_countries) == sorted(IBERMEDIA_MEMBERS)
    assert len(IBERMEDIA_MEMBERS) == 19
    assert {"ES", "PT", "PR", "BR"} <= set(IBERMEDIA_MEMBERS)
    assert call.min_eligible_countries == 2
    assert call.is_open()


@pytest.mark.django_db
def test_giff_forum_call_is_japan_and_mexico():
    run_load_demo()

    call = Call.objects.get(edition__programme__slug="giff-imcine-bilateral-forum")

    assert sorted(country.code for country in call.eligible_countries) == ["JP", "MX"]
    assert call.min_eligible_countries == 2
    assert call.edition.number == 9
    assert call.edition.time_zone == "America/Mexico_City"
    assert list(call.edition.sessions.values_list("city", "country")) == [("Guanajuato", "MX")]


@pytest.mark.django_db
def test_films_in_progress_call_is_open_with_two_sessions_of_six_places():
    run_load_demo()
    edition = current_fip_edition()
    today = timezone.localdate()

    call = edition.calls.get(title__startswith="Call for works in progress")
    sessions = list(edition.sessions.order_by("starts_on"))

    assert call.is_open()
    assert dt.timedelta(weeks=5) < call.closes_at - timezone.now() < dt.timedelta(weeks=7)
    assert call.minimum_runtime == 60
    assert call.accepted_stages == ["rough_cut", "fine_cut"]
    assert call.required_materials == ["stills", "screener", "budget", "financing_plan"]
    assert call.majority_from_eligible_countries
    assert [(s.city, s.country.code, s.places) for s in sessions] == [
        ("Toulouse", "FR", 6),
        ("Lima", "PE", 6),
    ]
    assert all(session.starts_on > today for session in sessions)
    assert sessions[0].starts_on.month == 3
    assert sessions[1].starts_on.month == 8
    assert edition.time_zone == "Europe/Paris"
    assert sorted(edition.jury_members.values_list("is_president", flat=True)) == [
        False,
        False,
        True,
    ]


@pytest.mark.django_db
def test_films_in_progress_past_edition_is_archived_with_real_alumni():
    run_load_demo()

    past = Edition.objects.get(programme__slug="films-in-progress", slug="2008")

    assert past.state == EditionState.ARCHIVED
    guidelines = past.calls.get().guidelines
    assert "Tony Manero by Pablo Larraín" in guidelines
    assert "Ixcanul by Jayro Bustamante" in guidelines
    assert not past.calls.get().is_open()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today", [dt.date(2027, 1, 5), dt.date(2027, 2, 20), dt.date(2027, 5, 1), dt.date(2027, 12, 31)]
)
def test_load_demo_any_day_has_open_calls_and_coming_sessions(today):
    """Whatever the day, the calls are open on it and every current session is to come."""
    load_demo(today=today)
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)

    open_calls = Call.objects.public().open_at(noon)
    coming = Session.objects.filter(edition__state=EditionState.PUBLIC)

    assert open_calls.count() == 3
    assert not Call.objects.get(title=FIRST_CALL_TITLE).is_open(noon)
    assert Review.objects.count() == 5
    assert coming.count() == 3
    assert all(session.starts_on > today for session in coming)
    assert all(
        call.closes_at.date() < session.starts_on
        for call in open_calls
        for session in call.edition.sessions.all()
    )
    # The past edition with results is the last whose year (its Lima session) is over.
    past = past_fip_edition()
    assert past.ends_on < today <= dt.date(past.year + 1, 8, 14)
    assert past.calls.get().closes_at.date() < past.sessions.order_by("starts_on")[0].starts_on
    assert Selection.objects.get(edition=past).is_locked
    assert (
        SessionPublication.objects.filter(session__edition=past, published_at__isnull=False).count()
        == 2
    )


@pytest.mark.django_db
def test_home_page_lists_the_open_calls(client):
    run_load_demo()

    response = client.get(reverse("home"))

    content = response.content.decode()
    year = current_fip_edition().year
    assert f"Call for works in progress {year}" in content
    assert "Co-production call" in content
    assert "Japan–Mexico co-production projects" in content
    assert "Call for works in progress 2008" not in content
    assert f"Call for works in progress {past_fip_edition().year}" not in content
    assert "Lima" in content


@pytest.mark.django_db
def test_load_demo_refuses_production_and_creates_nothing(settings):
    settings.HTTPS = True

    with pytest.raises(CommandError, match="allow-production"):
        run_load_demo()

    assert all(count == 0 for count in row_counts().values())


@pytest.mark.django_db
def test_load_demo_in_production_when_allowed(settings):
    settings.HTTPS = True

    run_load_demo(allow_production=True)

    assert Programme.objects.count() == 3


# --- The jury demo ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_jury_round_scores_with_the_three_demo_jurors():
    run_load_demo()
    edition = current_fip_edition()
    round_ = jury_round()

    assert list(edition.criteria.values_list("name", flat=True)) == [
        str(name) for name, _description in jury_services.DEFAULT_CRITERIA
    ]
    assert round_.kind == RoundKind.FINAL
    assert round_.phase == Phase.SCORING
    assert round_.assignments_published
    assert dt.timedelta(weeks=3) < round_.deadline - timezone.now() < dt.timedelta(weeks=5)
    assert round_.reminder_days == [7, 2]
    assert sorted(round_.members.values_list("user__email", "is_president")) == [
        ("juror-1@demo.wip-portal.org", True),
        ("juror-2@demo.wip-portal.org", False),
        ("juror-3@demo.wip-portal.org", False),
    ]
    assert round_.entries.count() == len(DEMO_APPLICATIONS) == 14
    assert not Placement.objects.filter(selection__edition=edition).exists()


@pytest.mark.django_db
def test_load_demo_first_call_closed_two_weeks_ago_with_applications_under_review():
    run_load_demo()
    call = Call.objects.get(edition=current_fip_edition(), title=FIRST_CALL_TITLE)
    now = timezone.now()

    projects = list(call.projects.all())

    assert call.has_closed()
    assert dt.timedelta(weeks=12) < now - call.opens_at < dt.timedelta(weeks=14)
    assert dt.timedelta(weeks=1) < now - call.closes_at < dt.timedelta(weeks=3)
    assert len(projects) == 14
    assert {project.status for project in projects} == {ProjectStatus.UNDER_REVIEW}
    assert {project.owner.email for project in projects} == {
        producer.email for producer in DEMO_PRODUCERS.values()
    }
    assert set(
        RoundProject.objects.filter(round=jury_round()).values_list("project", flat=True)
    ) == {project.pk for project in projects}


@pytest.mark.django_db
def test_load_demo_every_application_is_eligible_and_complete():
    run_load_demo()
    call = Call.objects.get(title=FIRST_CALL_TITLE)
    projects = list(call.projects.all())

    eligible = set(jury_services.eligible_projects(call.edition).values_list("pk", flat=True))

    assert eligible == {project.pk for project in projects}
    for project in projects:
        assert eligibility.failures(eligibility.check_project(project)) == []
        cut = project.current_cut()
        assert cut.screener_url.startswith("https://")
        assert cut.screener_password
        assert sum(company.share for company in project.companies.all()) == 100
        assert all(director.gender for director in project.directors.all())
        assert sorted(project.documents.values_list("kind", flat=True)) == [
            "budget",
            "financing_plan",
        ]
        for document in project.documents.all():
            with document.file.open("rb") as handle:
                assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_load_demo_stills_are_small_and_ready():
    run_load_demo()

    stills = list(Still.objects.filter(project__call__title=FIRST_CALL_TITLE))

    assert len(stills) == 14
    for still in stills:
        assert still.status == ProcessingStatus.READY
        assert (still.width, still.height) == (STILL_MIN_SIDE, STILL_MIN_SIDE * 9 // 16)
        assert still.web and still.thumbnail and still.large
        assert still.original.size < 200_000


@pytest.mark.django_db
def test_load_demo_assigns_two_or_three_jurors_to_each_application():
    run_load_demo()
    round_ = jury_round()

    per_project = {}
    for project_id, member_id in Assignment.objects.filter(round=round_).values_list(
        "project", "member"
    ):
        per_project.setdefault(project_id, set()).add(member_id)

    assert len(per_project) == 14
    assert {len(members) for members in per_project.values()} == {2, 3}
    loads = [Assignment.objects.filter(member=demo_juror(n)).count() for n in (1, 2, 3)]
    assert min(loads) >= 10


@pytest.mark.django_db
def test_load_demo_gives_each_juror_a_different_state_of_reviews():
    run_load_demo()
    president, second, third = demo_juror(1), demo_juror(2), demo_juror(3)
    criteria = current_fip_edition().criteria.count()

    submitted = list(Review.objects.filter(member=second))
    draft = Review.objects.get(member=third)

    assert not Review.objects.filter(member=president).exists()
    assert len(submitted) == 4
    for review in submitted:
        assert review.status == ReviewStatus.SUBMITTED
        assert review.recommendation
        assert review.total is not None
        assert review.scores.count() == criteria
    assert draft.status == ReviewStatus.DRAFT
    assert draft.total is None
    assert 0 < draft.scores.count() < criteria
    assert draft.note
    for user in (president.user, second.user, third.user):
        visible = jury_permissions.visible_assignments(user)
        assert visible.count() == Assignment.objects.filter(member__user=user).count()


@pytest.mark.django_db
def test_load_demo_juror_3_declared_a_conflict_and_cannot_see_the_project():
    run_load_demo()
    third = demo_juror(3)

    conflict = Conflict.objects.get()

    assert conflict.member == third
    assert conflict.status == ConflictStatus.DECLARED
    assert conflict.reason
    assert conflict.created_by == third.user
    assert not Assignment.objects.filter(member=third, project=conflict.project).exists()
    assert Assignment.objects.filter(project=conflict.project).count() == 2
    assert conflict.project not in jury_permissions.reviewable_projects(third.user)


@pytest.mark.django_db
def test_load_demo_applicants_cannot_sign_in():
    output = run_load_demo()

    for producer in DEMO_PRODUCERS.values():
        user = User.objects.get(email=producer.email)
        assert not user.has_usable_password()
        assert ProducerProfile.objects.get(user=user).company == producer.company
        assert producer.email not in output.split("Demo accounts", 1)[1]


@pytest.mark.django_db
def test_load_demo_stays_fast():
    started = time.perf_counter()

    load_demo()

    assert time.perf_counter() - started < 30


# --- The past edition: results, answers, publication ------------------------------------------

PAST_TOULOUSE = ["La piel del agua", "El invierno de los cóndores", "Las manos de Ayacucho"]
PAST_LIMA = ["Los que cantan en el Chaco", "Bajo el puente del Rímac", "Concreto verde"]


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_past_edition_is_the_last_whose_year_is_over_with_ten_applications():
    run_load_demo()
    today = timezone.localdate()
    past = past_fip_edition()
    call = past.calls.get()
    projects = list(call.projects.select_related("owner"))

    year = today.year if dt.date(today.year, 8, 14) < today else today.year - 1
    assert (past.year, past.slug, past.number) == (year, str(year), year - 2001)
    assert past.year < current_fip_edition().year
    assert past.ends_on < today
    assert [
        (s.city, s.country.code, s.places, s.starts_on.month)
        for s in past.sessions.order_by("starts_on")
    ] == [("Toulouse", "FR", 3, 3), ("Lima", "PE", 3, 8)]
    assert call.title == f"Call for works in progress {year}"
    assert call.has_closed()
    assert sorted(p.original_title for p in projects) == sorted(
        application.original_title for application in PAST_APPLICATIONS
    )
    assert len(projects) == 10
    assert not {p.original_title for p in projects} & {a.original_title for a in DEMO_APPLICATIONS}
    assert {p.owner.email for p in projects} <= {p.email for p in DEMO_PRODUCERS.values()}
    for project in projects:
        assert call.opens_at < project.submitted_at < call.closes_at
        assert eligibility.failures(eligibility.check_project(project)) == []
        still = project.stills.get()
        assert still.status == ProcessingStatus.READY
        assert still.web


@pytest.mark.django_db
def test_past_edition_selection_is_locked_with_a_waiting_list_in_toulouse():
    run_load_demo()
    past = past_fip_edition()
    selection = Selection.objects.get(edition=past)

    def placed(city, kind):
        return list(
            Placement.objects.filter(selection=selection, session__city=city, kind=kind)
            .order_by("position")
            .values_list("project__original_title", flat=True)
        )

    assert selection.is_locked
    assert selection.locked_by.email == "staff@demo.wip-portal.org"
    assert placed("Toulouse", PlacementKind.SELECTED) == PAST_TOULOUSE
    assert placed("Toulouse", PlacementKind.WAITLIST) == ["Caracol"]
    assert placed("Lima", PlacementKind.SELECTED) == PAST_LIMA
    assert placed("Lima", PlacementKind.WAITLIST) == []
    # The decision log tells the story in order.
    assert list(selection.decisions.order_by("pk").values_list("action", flat=True)) == [
        *[DecisionAction.PLACED] * 8,
        DecisionAction.LOCKED,
        DecisionAction.DECLINED,
        DecisionAction.PROMOTED,
    ]
    # A locked selection no longer changes.
    with pytest.raises(ValidationError) as error:
        jury_services.place_project(
            edition=past,
            project=Project.objects.get(original_title="La fiesta del Santo"),
            session=past.sessions.get(city="Lima"),
            kind=PlacementKind.WAITLIST,
            by=selection.locked_by,
        )
    assert error.value.code == "locked"


@pytest.mark.django_db
def test_past_edition_every_applicant_was_told_in_their_language():
    run_load_demo()
    past = past_fip_edition()
    notices = past_notices()

    assert len(notices) == Project.objects.filter(call__edition=past).count() == 10
    assert not ResultNotice.objects.drafts().filter(edition=past).exists()
    for title, notice in notices.items():
        project, owner = notice.project, notice.project.owner
        assert notice.is_sent
        assert notice.mail.recipient == owner
        assert notice.mail.language == owner.language
        assert title in notice.mail.body_text
        assert project.result_released_at is not None
        # What the producer's page shows is the decision, nothing held back.
        assert project.status_for_producer == project.status
        assert project.events.filter(to_status=project.status, visible_to_producer=True).exists()
    assert {title: n.project.status_for_producer for title, n in notices.items()} == {
        **dict.fromkeys(PAST_TOULOUSE + PAST_LIMA, ProjectStatus.SELECTED),
        "Caracol": ProjectStatus.WAITLISTED,
        "Cartas para o Chico": ProjectStatus.WITHDRAWN,
        "La fiesta del Santo": ProjectStatus.NOT_SELECTED,
        "Sombras de Tegucigalpa": ProjectStatus.NOT_SELECTED,
    }
    decided = [n for t, n in notices.items() if t != "Cartas para o Chico"]
    assert all(n.project.status_for_producer in DECIDED_STATUSES for n in decided)
    assert sorted(
        Mail.objects.filter(kind__startswith="juries.").values_list("kind", flat=True)
    ) == sorted(
        [jury_mails.SELECTED] * 6
        + [jury_mails.WAITLISTED] * 2
        + [jury_mails.NOT_SELECTED] * 2
        + [jury_mails.PLACE_OFFERED]
    )
    assert all(
        str(past) in subject
        for subject in Mail.objects.filter(kind__startswith="juries.").values_list(
            "subject", flat=True
        )
    )


@pytest.mark.django_db
def test_past_edition_a_declined_place_went_to_the_first_film_on_the_waiting_list():
    run_load_demo()
    past = past_fip_edition()
    notices = past_notices()
    confirmed = notices["La piel del agua"]
    declined = notices["Cartas para o Chico"]
    offered = notices["Las manos de Ayacucho"]

    assert confirmed.answer == Answer.CONFIRMED
    assert confirmed.answered_at is not None
    assert declined.answer == Answer.DECLINED
    assert declined.answer_note.startswith("Obrigado pela seleção.")
    assert declined.project.status == ProjectStatus.WITHDRAWN
    assert not Placement.objects.filter(project=declined.project).exists()
    # The producer declined on their page, in Portuguese.
    assert declined.project.events.get(to_status=ProjectStatus.WITHDRAWN).message == (
        "Vaga recusada na sessão Toulouse."
    )
    # The first film on the waiting list was told it waited, then offered the place.
    assert (offered.outcome, offered.session.city, offered.answer) == (
        ResultOutcome.SELECTED,
        "Toulouse",
        Answer.CONFIRMED,
    )
    assert offered.waitlist_position is None
    assert offered.mail.kind == jury_mails.PLACE_OFFERED
    assert offered.mail.recipient == offered.project.owner
    assert Mail.objects.filter(
        recipient=offered.project.owner,
        kind=jury_mails.WAITLISTED,
        subject__contains="Las manos de Ayacucho",
    ).exists()
    assert notices["Caracol"].project.status == ProjectStatus.WAITLISTED
    assert not notices["Caracol"].awaits_answer
    # The other selected producers have not answered yet.
    waiting = sorted(title for title, notice in notices.items() if notice.awaits_answer)
    assert waiting == sorted(["El invierno de los cóndores", *PAST_LIMA])
    assert all(notices[title].confirm_by > timezone.now() for title in waiting)
    assert results.board(past)["answers"] == {
        "confirmed": 2,
        "declined": 1,
        "lapsed": 0,
        "waiting": 4,
    }


@pytest.mark.django_db
def test_past_edition_sessions_are_public_with_their_films_and_stills(client):
    run_load_demo()
    past = past_fip_edition()
    sessions = {session.city: session for session in past.sessions.all()}

    pages = {}
    for city, session in sessions.items():
        response = client.get(publication.session_url(session))
        assert response.status_code == 200
        pages[city] = response.content.decode()

    for city, shown in [("Toulouse", PAST_TOULOUSE), ("Lima", PAST_LIMA)]:
        assert SessionPublication.objects.get(session=sessions[city]).is_published
        for title in shown:
            assert title in pages[city]
        # Neither the declined, the waiting, the unselected nor the other session's films.
        others = {a.original_title for a in PAST_APPLICATIONS} - set(shown)
        assert not [title for title in others if title in pages[city]]
        for film in publication.session_films(sessions[city]):
            url = publication.still_url(sessions[city], film.still_id)
            assert url in pages[city]
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert streamed(response)[:2] == b"\xff\xd8"
    edition_page = client.get(
        reverse(
            "selections:edition",
            kwargs={"programme": "films-in-progress", "edition": past.slug},
        )
    )
    assert edition_page.status_code == 200
    assert all(title in edition_page.content.decode() for title in PAST_TOULOUSE + PAST_LIMA)
    archive = client.get(reverse("editions:archive")).content.decode()
    assert publication.session_url(sessions["Toulouse"]) in archive
    assert publication.session_url(sessions["Lima"]) in archive
    # The current edition and the 2008 one have published nothing.
    for session in Session.objects.exclude(edition=past):
        assert client.get(publication.session_url(session)).status_code == 404


@pytest.mark.django_db
def test_current_edition_has_no_selection_results_or_publication():
    run_load_demo()
    edition = current_fip_edition()
    first_call = Call.objects.get(edition=edition, title=FIRST_CALL_TITLE)

    assert not Selection.objects.filter(edition=edition).exists()
    assert not ResultNotice.objects.filter(edition=edition).exists()
    assert not SessionPublication.objects.filter(session__edition=edition).exists()
    assert {p.status for p in first_call.projects.all()} == {ProjectStatus.UNDER_REVIEW}
    assert {p.status_for_producer for p in first_call.projects.all()} == {
        ProjectStatus.UNDER_REVIEW
    }
    assert not Project.objects.filter(call__edition=edition, result_released_at__isnull=False)
    assert ResultNotice.objects.count() == 10


@pytest.mark.django_db
def test_load_demo_never_redoes_the_past_results():
    """Staff take a session down from the public pages: a second run leaves it down."""
    run_load_demo()
    past = past_fip_edition()
    lima = past.sessions.get(city="Lima")
    staff = User.objects.get(email="staff@demo.wip-portal.org")
    publication.withdraw_publication(session=lima, by=staff)
    counts = row_counts()

    report = load_demo()

    assert report.created == []
    assert row_counts() == counts
    assert not SessionPublication.objects.filter(session=lima).exists()


@pytest.mark.django_db
def test_load_demo_leaves_alone_an_edition_of_that_year_it_made_current():
    """A year later, the edition an earlier run made current is the one whose year is
    over: it is not archived, so no results are made up for it."""
    load_demo(today=dt.date(2026, 12, 1))
    earlier = Edition.objects.get(programme__slug="films-in-progress", slug="2027")
    assert earlier.state == EditionState.PUBLIC
    assert Selection.objects.get(edition__slug="2026", edition__state=EditionState.ARCHIVED)

    report = load_demo(today=dt.date(2027, 12, 1))

    earlier.refresh_from_db()
    assert earlier.state == EditionState.PUBLIC
    assert not Selection.objects.filter(edition=earlier).exists()
    assert not ResultNotice.objects.filter(edition=earlier).exists()
    assert not [line for line in report.created if line.startswith("results of")]
    assert earlier.sessions.count() == 2
