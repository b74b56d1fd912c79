"""The jury in headless Chromium, as the people who use it.

A juror signs in, states interest in the projects of a round being prepared and declares
a conflict with one; once the festival team has assigned and published the round and
opened the scoring, the juror scores two projects (a draft first, then the submission,
after a submission refused for a missing score). Festival staff then go from the staff
area to a final round's ranking, filter and sort it, open the selection, start from the
proposal, swap a film for one of the waitlist and lock the selection: 6 + 6 films.

Every page is checked for console errors, Content-Security-Policy violations, form
controls without a label and content wider than the window."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, UserFactory
from editions.tests.factories import SessionFactory
from juries import services
from juries.assignment import propose_assignment
from juries.models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Interest,
    InterestLevel,
    JuryMember,
    Phase,
    Review,
    ReviewStatus,
    RoundKind,
)
from juries.tests.factories import (
    AssignmentFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    RoundProjectFactory,
    submitted_project,
)
from submissions.images import process_still
from submissions.models import Project, ProjectStatus
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    DocumentFactory,
    ProjectCompanyFactory,
    StillFactory,
)

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}

# Form controls with no label, no aria-label and no aria-labelledby, in the page's main.
UNLABELLED_CONTROLS = """
() => Array.from(document.querySelectorAll("main input, main select, main textarea"))
  .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length)
    && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map((el) => el.name || el.id || el.outerHTML.slice(0, 80))
"""
# How much wider than the window the page is (0 when nothing overflows).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


class Visit:
    """Checks each page a person reaches and keeps its screenshot."""

    def __init__(self, page, screenshot, prefix):
        self.page, self.screenshot, self.prefix = page, screenshot, prefix
        self.number = 0

    def check(self, name, *, page=None):
        page = page or self.page
        page.wait_for_load_state("load")
        assert page.evaluate(UNLABELLED_CONTROLS) == [], page.url
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} is wider than the window"
        self.number += 1
        self.screenshot(page, f"{self.prefix}-{self.number:02d}-{name}")

    def message(self, text, kind="success"):
        expect(self.page.locator(f".alert-{kind}")).to_contain_text(text)


def sign_in(page, email):
    page.goto("/en/")
    navbar = page.get_by_role("navigation", name="Main navigation")
    navbar.get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    return navbar


def two_sessions(edition):
    """Toulouse in March and Lima in August, 6 places each."""
    return (
        SessionFactory(edition=edition, city="Toulouse", places=6),
        SessionFactory(
            edition=edition,
            city="Lima",
            country="PE",
            venue="Centro Cultural PUCP",
            starts_on=dt.date(edition.year, 8, 6),
            ends_on=dt.date(edition.year, 8, 8),
            places=6,
        ),
    )


def same_account(page, new_page, **viewport):
    """Another page (another viewport) signed in as the person of `page`."""
    other = new_page(**viewport)
    other.context.add_cookies(page.context.cookies())
    return other


# --- Journey 1: a juror -----------------------------------------------------------------

FILMS = [
    # original title, English title, company country, director
    ("Agua de cordillera", "Mountain Water", "CL", "Valentina Rojas"),
    ("El último tranvía", "The Last Tram", "AR", "Martín Quiroga"),
    ("Hija del río", "Daughter of the River", "CO", "Paula Andrade"),
    ("Los años de barro", "The Mud Years", "PE", "Rosa Huamán"),
    ("Sal y ceniza", "Salt and Ash", "BO", "Diego Mamani"),
]
CONFLICT_TITLE = "Los años de barro"
CONFLICT_REASON = "I co-produced Rosa Huamán's previous film."
INTERESTED = ["Agua de cordillera", "Hija del río"]
NOT_INTERESTED = ["Sal y ceniza"]
CRITERIA = [("Artistic quality", 3), ("Originality", 2), ("Need for support", 1)]


@pytest.fixture
def preparation(edition, call, juror, staff):
    """A pre-selection round being prepared: five submitted projects with their current
    cut, a still and the budget; three criteria; the juror and two others sit on it."""
    toulouse, lima = two_sessions(edition)
    criteria = [
        CriterionFactory(edition=edition, name=name, weight=weight, position=number)
        for number, (name, weight) in enumerate(CRITERIA)
    ]
    member = JuryMember.objects.get(user=juror, edition=edition)
    others = [
        JuryMemberFactory(edition=edition, user=UserFactory(full_name=name))
        for name in ("Olga Ortiz", "Pedro Paz")
    ]
    round_ = RoundFactory(
        edition=edition,
        name="Pre-selection",
        kind=RoundKind.PRESELECTION,
        phase=Phase.SETUP,
        assignments_published_at=None,
        reviews_per_project=2,
        deadline=timezone.now() + dt.timedelta(days=14),
        members=[member, *others],
    )
    projects = {}
    for number, (title, english, country, director) in enumerate(FILMS):
        project = submitted_project(
            call=call,
            status=ProjectStatus.SUBMITTED,
            original_title=title,
            english_title=english,
        )
        ProjectCompanyFactory(project=project, name=f"{english} Films", country=country)
        DirectorFactory(project=project, name=director, nationality=country)
        CutFactory(
            project=project,
            number=1,
            screener_url=f"https://vimeo.com/90000{number}",
            screener_password=f"screener-{number}",
        )
        process_still(StillFactory(project=project))
        DocumentFactory(project=project)
        RoundProjectFactory(round=round_, project=project)
        projects[title] = project
    return {
        "round": round_,
        "member": member,
        "criteria": criteria,
        "sessions": (toulouse, lima),
        "projects": projects,
        "staff": staff,
    }


def score_project(page, criteria, values, *, note, recommendation, session):
    for criterion, value in zip(criteria, values, strict=False):
        page.locator(f"#id_score_{criterion.pk}").select_option(str(value))
    page.locator("#id_note").fill(note)
    page.locator(f'input[name="recommendation"][value="{recommendation}"]').check()
    page.locator("#id_session_preference").select_option(label=session)


def save(page, button, message):
    page.get_by_role("button", name=button).click()
    expect(page.locator(".alert-success")).to_contain_text(message)


@pytest.mark.browser
def test_juror_declares_a_conflict_and_scores_two_projects(
    new_page, page_errors, screenshot, preparation
):
    round_, member, criteria = preparation["round"], preparation["member"], preparation["criteria"]
    projects = preparation["projects"]
    page = new_page()
    visit = Visit(page, screenshot, "jury-juror")

    # --- Sign in through the form; "My reviews" is in the navigation -------------------
    navbar = sign_in(page, "juror@example.org")
    navbar.get_by_role("link", name="My reviews").click()
    expect(page.locator("h1")).to_have_text("My reviews")
    expect(page.locator(".jury-round")).to_contain_text("Pre-selection")
    visit.check("home-setup")
    page.get_by_role("link", name="The round's projects: conflicts and interest").click()

    # --- The round's projects: interest ------------------------------------------------
    expect(page.locator("h1")).to_have_text("Pre-selection: the projects")
    expect(page.locator(".round-projects > li")).to_have_count(len(FILMS))
    visit.check("round-projects")
    for title in INTERESTED:
        page.locator(f'#project-{projects[title].pk} input[value="interested"]').check()
    for title in NOT_INTERESTED:
        page.locator(f'#project-{projects[title].pk} input[value="not_interested"]').check()
    page.get_by_role("button", name="Save my interest").click()
    visit.message("Your interest in 3 projects is saved.")
    expect(
        page.locator(f'#project-{projects[INTERESTED[0]].pk} input[value="interested"]')
    ).to_be_checked()
    assert dict(
        Interest.objects.filter(member=member).values_list("project__original_title", "level")
    ) == {
        **dict.fromkeys(INTERESTED, InterestLevel.INTERESTED),
        **dict.fromkeys(NOT_INTERESTED, InterestLevel.NOT_INTERESTED),
    }

    # --- A conflict: refused without a reason, then declared ---------------------------
    conflicted = projects[CONFLICT_TITLE]
    card = page.locator(f"#project-{conflicted.pk}")
    card.get_by_text("Declare a conflict").click()
    card.get_by_role("button", name="Declare the conflict").click()
    visit.message("The conflict was not recorded: please say why.", kind="danger")
    card = page.locator(f"#project-{conflicted.pk}")
    expect(card.locator(".invalid-feedback")).to_contain_text(
        "Say briefly why, for the festival's records."
    )
    assert not Conflict.objects.exists()
    card.get_by_label("Why you should not review this project").fill(CONFLICT_REASON)
    card.get_by_role("button", name="Declare the conflict").click()
    visit.message(f"Conflict declared: you will not be asked to review “{CONFLICT_TITLE}”.")
    card = page.locator(f"#project-{conflicted.pk}")
    expect(card.locator(".badge")).to_have_text("Conflict declared")
    expect(card).to_contain_text(CONFLICT_REASON)
    expect(card.locator("input, textarea")).to_have_count(0)
    visit.check("round-projects-conflict")
    conflict = Conflict.objects.get()
    assert (conflict.member, conflict.project, conflict.status, conflict.reason) == (
        member,
        conflicted,
        ConflictStatus.DECLARED,
        CONFLICT_REASON,
    )

    # --- Staff assign, publish and open the scoring (services, not the browser) --------
    staff = preparation["staff"]
    summary = propose_assignment(round_=round_, by=staff)
    assert summary["created"] == len(FILMS) * 2
    services.publish_assignments(round_=round_, by=staff)
    services.set_phase(round_=round_, phase=Phase.SCORING, by=staff)
    mine = list(
        Assignment.objects.filter(round=round_, member=member).order_by("project__original_title")
    )
    assigned_titles = [assignment.project.original_title for assignment in mine]
    assert len(mine) >= 2
    assert CONFLICT_TITLE not in assigned_titles
    assert set(INTERESTED) <= set(assigned_titles)  # the assignment follows the interest

    # --- My reviews: the assigned projects, never the conflicted one -------------------
    page.reload()  # the round's list is closed now: back to My reviews, with a word
    expect(page).to_have_url(re.compile(r"/en/jury/$"))
    visit.message("The list of the round's projects is open only before the assignment.", "info")
    navbar.get_by_role("link", name="My reviews").click()
    items = page.locator(".jury-round .list-group-item")
    expect(items).to_have_count(len(mine))
    for item, title in zip(items.all(), assigned_titles, strict=True):
        expect(item).to_contain_text(title)
        expect(item.locator(".badge")).to_have_text("Not started")
    expect(page.locator(".jury-round")).to_contain_text(f"0 of {len(mine)} reviews submitted")
    expect(page.locator("main")).not_to_contain_text(CONFLICT_TITLE)
    visit.check("home-scoring")

    # --- The first project: the screener, then a submission refused ---------------------
    first, second = mine[0], mine[1]
    cut = first.project.current_cut()
    page.get_by_role("link", name=first.project.original_title).click()
    expect(page).to_have_url(re.compile(rf"/en/jury/assignments/{first.pk}/$"))
    expect(page.locator("h1")).to_contain_text(first.project.original_title)
    screener = page.locator("#cut-heading + dl a")
    expect(screener).to_have_text(cut.screener_url)
    expect(screener).to_have_attribute("href", cut.screener_url)
    password = page.locator(".screener-password code")
    expect(password).to_be_hidden()
    page.get_by_text("Show the password").click()
    expect(password).to_have_text(cut.screener_password)
    still = page.locator('img[src*="/stills/"]').first
    still.scroll_into_view_if_needed()
    expect(still).to_have_js_property("complete", True)
    assert still.evaluate("(img) => img.naturalWidth") > 0

    note = "The river sequences are strong; the last act still drags."
    score_project(
        page, criteria[:-1], [8, 7], note=note, recommendation="select", session="Toulouse"
    )
    page.get_by_role("button", name="Submit review").click()
    visit.message(
        "Nothing was saved: please correct the fields marked below. What you typed is kept.",
        kind="danger",
    )
    missing = page.locator(f"#id_score_{criteria[-1].pk}")
    expect(missing).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(f"#id_score_{criteria[-1].pk} ~ .invalid-feedback")).to_have_text(
        "Score this criterion to submit your review."
    )
    expect(page.locator("#id_note")).to_have_value(note)
    expect(page.locator(f"#id_score_{criteria[0].pk}")).to_have_value("8")
    expect(page.locator('input[name="recommendation"][value="select"]')).to_be_checked()
    visit.check("review-refused")
    assert not Review.objects.exists()

    # --- ... scored in full: a draft, then submitted -------------------------------------
    missing.select_option("6")
    save(page, "Save draft", "Draft saved. Submit your review when it is complete.")
    expect(page.locator("#id_note")).to_have_value(note)
    review = Review.objects.get(assignment=first)
    assert review.status == ReviewStatus.DRAFT
    # Each score on a 0–10 scale, weighted 3, 2, 1: (3·7 + 2·6 + 1·5) / 9 × 10 / 6 = 7.037…
    assert review.total == Decimal("7.037")
    save(page, "Submit review", "Your review is submitted.")
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()
    visit.check("review-submitted")

    # --- The review page on a phone -----------------------------------------------------
    phone = same_account(page, new_page, **PHONE)
    phone.goto(f"/en/jury/assignments/{first.pk}/")
    expect(phone.locator("h1")).to_contain_text(first.project.original_title)
    expect(phone.locator(".navbar-toggler")).to_be_visible()
    expect(phone.get_by_role("button", name="Save changes")).to_be_visible()
    visit.check("review-phone", page=phone)
    phone.context.close()

    # --- The second project ---------------------------------------------------------------
    navbar.get_by_role("link", name="My reviews").click()
    expect(page.locator(".jury-round")).to_contain_text(f"1 of {len(mine)} reviews submitted")
    page.get_by_role("link", name=second.project.original_title).click()
    expect(page.locator("h1")).to_contain_text(second.project.original_title)
    expect(page.locator("#cut-heading + dl a")).to_have_text(
        second.project.current_cut().screener_url
    )
    score_project(
        page,
        criteria,
        [5, 9, 4],
        note="A bold premise; the sound mix needs work.",
        recommendation="discuss",
        session="Lima",
    )
    save(page, "Save draft", "Draft saved.")
    save(page, "Submit review", "Your review is submitted.")

    navbar.get_by_role("link", name="My reviews").click()
    expect(page.locator(".jury-round")).to_contain_text(f"2 of {len(mine)} reviews submitted")
    expect(page.locator(".jury-round .badge.text-bg-success")).to_have_count(2)
    visit.check("home-two-submitted")

    reviews = {
        review.project.original_title: review
        for review in Review.objects.filter(member=member).select_related("session_preference")
    }
    assert set(reviews) == {first.project.original_title, second.project.original_title}
    assert all(review.status == ReviewStatus.SUBMITTED for review in reviews.values())
    later = reviews[second.project.original_title]
    assert (later.recommendation, later.session_preference.city) == ("discuss", "Lima")
    assert reviews[first.project.original_title].note == note
    assert not Review.objects.filter(project=conflicted).exists()
    assert page_errors == []


# --- Journey 2: staff ---------------------------------------------------------------------

TITLES = [
    "Aurora austral",
    "Bajo el volcán",
    "Camino de tierra",
    "Donde nace el viento",
    "El silencio del cóndor",
    "Flores de invierno",
    "Grito en la selva",
    "Hermanas del desierto",
    "Isla de nadie",
    "Jaguar de papel",
    "La casa amarilla",
    "Mar de fondo",
    "Noche de San Juan",
    "Ojos de piedra",
    "Puerto Esperanza",
    "Quebrada honda",
    "Río de sangre",
    "Selva adentro",
    "Tierra quemada",
    "Un verano en Cusco",
]
COUNTRIES = ["AR", "BO", "CL", "MX", "PE"]
# Each juror's totals for a project: a lenient, a fair and a harsh one.
JUROR_OFFSETS = [Decimal("0.6"), Decimal("0"), Decimal("-1.2")]
ZERO, TEN = Decimal(0), Decimal(10)


@pytest.fixture
def final_round(edition, call, staff):
    """A final round of 20 projects, each with three submitted reviews (varied totals,
    recommendations and session preferences); two sessions of 6 places."""
    toulouse, lima = two_sessions(edition)
    for number, (name, weight) in enumerate(CRITERIA):
        CriterionFactory(edition=edition, name=name, weight=weight, position=number)
    jurors = [
        JuryMemberFactory(edition=edition, user=UserFactory(full_name=name))
        for name in ("Ana Aguirre", "Bruno Barros", "Carla Castro")
    ]
    round_ = RoundFactory(
        edition=edition,
        name="Final round",
        kind=RoundKind.FINAL,
        phase=Phase.DISCUSSION,
        members=jurors,
    )
    projects = []
    for number, title in enumerate(TITLES):
        project = submitted_project(call=call, original_title=title, english_title="")
        ProjectCompanyFactory(project=project, country=COUNTRIES[number % len(COUNTRIES)])
        base = Decimal("9.5") - Decimal("0.37") * number
        for position, (juror, offset) in enumerate(zip(jurors, JUROR_OFFSETS, strict=True)):
            total = min(max(base + offset + Decimal(position * number % 3) / 4, ZERO), TEN)
            session = (toulouse, lima)[(number + (position == 2)) % 2]
            recommendation = "select" if total >= 7 else "discuss" if total >= 4 else "decline"
            ReviewFactory(
                assignment=AssignmentFactory(round=round_, member=juror, project=project),
                total=total.quantize(Decimal("0.001")),
                recommendation=recommendation,
                session_preference=session,
            )
        projects.append(project)
    return {"round": round_, "sessions": (toulouse, lima), "projects": projects}


def ranking_titles(page):
    return [
        text.strip()
        for text in page.locator(".ranking-table tbody tr td:nth-child(2) a").all_inner_texts()
    ]


def session_card(page, session):
    return page.locator(f'section[aria-labelledby="session-{session.pk}"]')


def expect_room(card, *, places, free):
    """The session's places and how many are free, as its card says them."""
    expect(card.locator("h2 + p")).to_have_text(
        re.compile(rf"{places} places, {free} free$|Places: {places} · free: {free}$")
    )


@pytest.mark.browser
def test_staff_rank_and_place_six_and_six_films(
    page, page_errors, screenshot, edition, final_round
):
    round_ = final_round["round"]
    toulouse, lima = final_round["sessions"]
    visit = Visit(page, screenshot, "jury-staff")

    # --- Staff area → the edition → Jury → the round → Ranking ----------------------------
    navbar = sign_in(page, "staff@example.org")
    navbar.get_by_role("link", name="Staff").click()
    expect(page.locator("h1")).to_have_text("Staff area")
    page.get_by_role("link", name=edition.display_title).click()
    page.locator("main").get_by_role("link", name="Jury", exact=True).click()
    expect(page.locator("h1")).to_have_text("Jury")
    visit.check("jury")
    page.locator('section[aria-labelledby="rounds"]').get_by_role(
        "link", name="Final round", exact=True
    ).click()
    expect(page.locator("h1")).to_contain_text("Final round")
    round_nav = page.get_by_role("navigation", name="Round pages")
    round_nav.get_by_role("link", name="Ranking").click()
    expect(page.locator("h1")).to_have_text("Ranking")
    expect(page).to_have_url(re.compile(rf"/en/jury/staff/rounds/{round_.pk}/ranking/$"))
    expect(page.locator(".ranking-table tbody tr")).to_have_count(len(TITLES))
    visit.check("ranking")

    # --- Filter by a country, and back ---------------------------------------------------
    page.get_by_label("Country").select_option(label="Bolivia")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"country=BO"))
    bolivian = [title for number, title in enumerate(TITLES) if COUNTRIES[number % 5] == "BO"]
    expect(page.locator(".ranking-table tbody tr")).to_have_count(len(bolivian))
    assert sorted(ranking_titles(page)) == bolivian
    visit.check("ranking-bolivia")
    page.get_by_role("link", name="Reset").click()
    expect(page.locator(".ranking-table tbody tr")).to_have_count(len(TITLES))

    # --- Sort by the raw mean ------------------------------------------------------------
    page.get_by_label("Order by").select_option(label="Mean")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"order=mean"))
    means = [
        float(text)
        for text in page.locator(".ranking-table tbody tr td:nth-child(4)").all_inner_texts()
    ]
    assert len(means) == len(TITLES)
    assert means == sorted(means, reverse=True)
    visit.check("ranking-by-mean")

    # --- The selection: the proposal fills both sessions ----------------------------------
    page.get_by_role("navigation", name="Round pages").get_by_role("link", name="Selection").click()
    expect(page.locator("h1")).to_have_text("Selection")
    visit.check("selection-empty")
    page.get_by_role("button", name="Propose a placement from the ranking").click()
    visit.message("18 projects placed from the ranking.")
    for session in (toulouse, lima):
        card = session_card(page, session)
        expect_room(card, places=6, free=0)
        expect(card.locator(".placement-list").first.locator("li")).to_have_count(6)
        expect(card.locator(".placement-list").last.locator("li")).to_have_count(3)
    visit.check("selection-proposed")

    # --- Swap the last film of Toulouse for the first of its waitlist ------------------------
    card = session_card(page, toulouse)
    removed = card.locator(".placement-list").first.locator("li > div > div > a").last.inner_text()
    promoted = card.locator(".placement-list").last.locator("li > div > div > a").first.inner_text()
    card.get_by_role("button", name=f"Remove · {removed}").click()
    visit.message(f"“{removed}” is no longer placed.")
    expect_room(session_card(page, toulouse), places=6, free=1)
    session_card(page, toulouse).get_by_role(
        "button", name=f"Select for Toulouse · {promoted}"
    ).click()
    visit.message(f"“{promoted}”: Selected, Toulouse.")
    card = session_card(page, toulouse)
    expect_room(card, places=6, free=0)
    expect(card.locator(".placement-list").first).to_contain_text(promoted)
    expect(card.locator(".placement-list").last.locator("li")).to_have_count(2)
    expect(page.locator('section[aria-labelledby="candidates"]')).to_contain_text(removed)
    visit.check("selection-swapped")

    # A full session offers no "Select for" button: Lima has no place left.
    leader = session_card(page, toulouse).locator(".placement-list").first.locator("a").first
    leader_title = leader.inner_text()
    expect(
        session_card(page, toulouse).get_by_role("button", name=f"Select for Lima · {leader_title}")
    ).to_have_count(0)
    expect_room(session_card(page, lima), places=6, free=0)

    # --- Lock --------------------------------------------------------------------------------
    page.get_by_label("Note for the record (optional)").fill("Jury deliberation, Toulouse.")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Lock the selection").click()
    visit.message("The selection is locked; every application's status now follows it.")
    expect(page.locator("h1 + p .badge")).to_have_text("Locked")
    assert dialogs == [
        "Once locked, the selection no longer changes and every application takes its "
        "status. Lock it now?"
    ]
    expect(page.locator("main")).to_contain_text("Locked on")
    expect(page.get_by_role("button", name="Lock the selection")).to_have_count(0)
    expect(page.locator(".placement-list button")).to_have_count(0)
    visit.check("selection-locked")

    # --- What the database holds -------------------------------------------------------------
    statuses = dict(
        Project.objects.filter(call__edition=edition).values_list("original_title", "status")
    )
    selected = Project.objects.filter(status=ProjectStatus.SELECTED).select_related(
        "selected_session"
    )
    by_session = {
        session: sorted(p.original_title for p in selected if p.selected_session == session)
        for session in (toulouse, lima)
    }
    assert [len(titles) for titles in by_session.values()] == [6, 6]
    assert promoted in by_session[toulouse]
    assert statuses[removed] == ProjectStatus.NOT_SELECTED
    waitlisted = [title for title, status in statuses.items() if status == ProjectStatus.WAITLISTED]
    assert len(waitlisted) == 5
    others = set(TITLES) - set(by_session[toulouse]) - set(by_session[lima]) - set(waitlisted)
    assert {statuses[title] for title in others} == {ProjectStatus.NOT_SELECTED}
    assert len(others) == 3
    assert page_errors == []
