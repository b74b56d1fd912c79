"""The staff's dashboard and the editions compared, drawn in headless Chromium.

An edition of twenty applications (and two drafts) from seven countries, of four genres,
directed by women, men, non-binary directors and one who prefers not to say, first,
second and later features, budgets in US dollars and euros; five selected in two
sessions and one on a waiting list; a jury round with two reviews of three submitted.
Two past editions of the programme (8 and 12 applications) are compared with it.

Festival staff open the dashboard from the edition's page, then the comparison, on a
desktop and on a phone: every chart is drawn, each bar as long as its count (the largest
the longest), the timeline marks today, and no page has console errors, Content-Security-
Policy violations or content wider than the window. Staff of another programme and a
producer are refused."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from editions.tests.factories import CallFactory, EditionFactory
from juries import services
from juries.models import PlacementKind
from juries.tests.factories import (
    AssignmentFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    submitted_project,
)
from submissions.models import Gender, Genre, ProjectStatus
from submissions.tests.factories import DirectorFactory, ProjectCompanyFactory, ProjectFactory

from .test_jury_journey import PHONE, Visit, same_account, sign_in, two_sessions

# Twenty applications; the genres, genders and features are spread over the countries by
# a stride prime to twenty, so that no column follows another.
COUNTRIES = ["AR"] * 6 + ["CL"] * 4 + ["CO"] * 3 + ["PE"] * 3 + ["MX"] * 2 + ["UY", "BO"]
COUNTRY_NAMES = {
    "AR": "Argentina",
    "CL": "Chile",
    "CO": "Colombia",
    "PE": "Peru",
    "MX": "Mexico",
    "UY": "Uruguay",
    "BO": "Bolivia",
}
GENRES = [Genre.FICTION] * 9 + [Genre.DOCUMENTARY] * 6 + [Genre.ANIMATION] * 3 + [Genre.HYBRID] * 2
GENDERS = [Gender.WOMAN] * 10 + [Gender.MAN] * 7 + [Gender.NON_BINARY] * 2 + [Gender.UNDISCLOSED]
PREVIOUS = [0] * 9 + [1] * 6 + [2, 3, 2, 5, 4]
FILMS = [
    {
        "country": country,
        "genre": GENRES[(index * 7) % 20],
        "gender": GENDERS[(index * 3) % 20],
        "previous": PREVIOUS[(index * 9) % 20],
        "currency": "USD" if index % 3 else "EUR",
    }
    for index, country in enumerate(COUNTRIES)
]
FILMS[4]["currency"] = FILMS[11]["currency"] = ""  # no budget given
SELECTED = {0: "Toulouse", 5: "Toulouse", 9: "Toulouse", 12: "Lima", 17: "Lima"}
WAITLISTED = {3: "Toulouse"}
PAST = {2: 8, 1: 12}  # years ago: applications
GENDER_LABELS = {
    Gender.WOMAN: "Woman",
    Gender.MAN: "Man",
    Gender.NON_BINARY: "Non-binary",
    Gender.UNDISCLOSED: "Prefers not to say",
}

# The bars of a chart: each rect with a title ("label: value"), its width and height as
# drawn (attributes) and as shown (the box on the screen).
BARS = """
(svg) => Array.from(svg.querySelectorAll("rect"))
  .filter((rect) => rect.querySelector("title"))
  .map((rect) => {
    const box = rect.getBoundingClientRect();
    const title = rect.querySelector("title").textContent;
    const cut = title.lastIndexOf(": ");
    return {
      label: title.slice(0, cut),
      value: title.slice(cut + 2),
      second: rect.classList.contains("chart-bar-second"),
      width: parseFloat(rect.getAttribute("width")),
      height: parseFloat(rect.getAttribute("height")),
      shownWidth: box.width,
      shownHeight: box.height,
    };
  })
"""


def application(call, film, *, number, status=ProjectStatus.SUBMITTED):
    budget = Decimal(200_000 + 10_000 * number) if film["currency"] else None
    fields = {
        "call": call,
        "original_title": f"Película {number:02d}",
        "english_title": f"Film {number:02d}",
        "genre": film["genre"],
        "currency": film["currency"],
        "total_budget": budget,
        "secured_amount": budget / 2 if budget else None,
    }
    if status == ProjectStatus.DRAFT:
        project = ProjectFactory(status=status, **fields)
    else:
        project = submitted_project(status=status, **fields)
    ProjectCompanyFactory(project=project, name=f"Producciones {number}", country=film["country"])
    DirectorFactory(
        project=project,
        name=f"Director {number}",
        nationality=film["country"],
        gender=film["gender"],
        previous_features=film["previous"],
    )
    return project


@pytest.fixture
def seeded(programme, edition, call, staff):
    """This year's edition as described above, and two past editions."""
    sessions = dict(zip(("Toulouse", "Lima"), two_sessions(edition), strict=True))
    projects = [
        application(
            call,
            film,
            number=index,
            status=ProjectStatus.UNDER_REVIEW if index % 2 else ProjectStatus.SUBMITTED,
        )
        for index, film in enumerate(FILMS)
    ]
    # Two drafts from Brazil: never counted among the applications.
    for number in (20, 21):
        application(
            call,
            {**FILMS[1], "country": "BR", "gender": Gender.MAN},
            number=number,
            status=ProjectStatus.DRAFT,
        )
    for placed, kind in ((SELECTED, PlacementKind.SELECTED), (WAITLISTED, PlacementKind.WAITLIST)):
        for index, city in placed.items():
            services.place_project(
                edition=edition,
                project=projects[index],
                session=sessions[city],
                kind=kind,
                by=staff,
            )
    round_ = RoundFactory(
        edition=edition, name="Pre-selection", deadline=timezone.now() + dt.timedelta(days=10)
    )
    assignments = [
        AssignmentFactory(
            round=round_, project=projects[index], member=JuryMemberFactory(edition=edition)
        )
        for index in range(3)
    ]
    for assignment in assignments[:2]:
        ReviewFactory(assignment=assignment)

    past = {}
    for years_ago, count in PAST.items():
        year = edition.year - years_ago
        old = EditionFactory(programme=programme, year=year)
        old_call = CallFactory(
            edition=old,
            opens_at=dt.datetime(year, 1, 10, tzinfo=dt.UTC),
            closes_at=dt.datetime(year, 2, 10, tzinfo=dt.UTC),
        )
        for number in range(count):
            application(old_call, FILMS[number], number=100 * years_ago + number)
        past[year] = old
    return {"projects": projects, "round": round_, "past": past}


def bars_of(page, heading_id, *, nth=0):
    chart = page.locator(f'section[aria-labelledby="{heading_id}"] .chart-wide svg.chart').nth(nth)
    return chart.evaluate(BARS)


def assert_proportional(bars, counts, *, attribute="width"):
    """Each bar as long as its count against the largest's, as drawn and as shown."""
    assert {bar["label"]: counts[bar["label"]] for bar in bars} == counts
    longest = max(bars, key=lambda bar: bar[attribute])
    assert counts[longest["label"]] == max(counts.values()), bars
    shown = "shownWidth" if attribute == "width" else "shownHeight"
    for bar in bars:
        expected = counts[bar["label"]] / counts[longest["label"]]
        assert bar[attribute] == pytest.approx(expected * longest[attribute], abs=0.15), bar
        assert bar[shown] == pytest.approx(expected * longest[shown], abs=0.5), bar


def assert_charts_drawn(page, count, *, size="wide"):
    """Each chart is drawn twice, for wide screens and for phones; `size` says which one
    the viewport shows."""
    charts = page.locator(f"main .chart-{size} svg.chart")
    expect(charts).to_have_count(count)
    for index in range(count):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 0 and box["height"] > 0, chart.get_attribute("class")


@pytest.mark.browser
def test_staff_read_the_dashboard_and_compare_the_editions(
    new_page, page_errors, screenshot, edition, seeded
):
    page = new_page()
    visit = Visit(page, screenshot, "dashboard-desktop")
    sign_in(page, "staff@example.org")

    # --- From the edition's page to its dashboard -----------------------------------------
    page.goto(reverse("editions:staff_edition", kwargs={"pk": edition.pk}))
    page.locator("main").get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("h1 + p")).to_have_text(
        "20 applications reached the festival; 5 selected so far. 2 drafts not submitted."
    )
    # Timeline, status, genre, country, gender, features, and one per currency (2).
    assert_charts_drawn(page, 8)

    # Countries: Argentina's 6 the longest bar, the drafts' Brazil not there.
    countries = bars_of(page, "country-heading")
    assert [bar["label"] for bar in countries] == [
        COUNTRY_NAMES[code] for code in ("AR", "CL", "CO", "PE", "MX", "BO", "UY")
    ]
    assert_proportional(
        countries, {COUNTRY_NAMES[code]: n for code, n in Counter(COUNTRIES).items()}
    )
    assert {bar["value"] for bar in countries} == {"6", "4", "3", "2", "1"}
    expect(page.locator(".dashboard-countries")).not_to_contain_text("Brazil")

    genres = bars_of(page, "genre-heading")
    assert_proportional(genres, {"Fiction": 9, "Documentary": 6, "Animation": 3, "Hybrid": 2})

    status = bars_of(page, "status-heading")
    assert_proportional(status, {"Submitted": 10, "Under review": 10, "Draft": 2})

    # Gender: among the applicants (out of 20) and among the five selected.
    gender = bars_of(page, "gender-heading")
    applicants = Counter(GENDER_LABELS[film["gender"]] for film in FILMS)
    selected = Counter(GENDER_LABELS[FILMS[index]["gender"]] for index in SELECTED)
    assert_proportional([bar for bar in gender if not bar["second"]], dict(applicants))
    assert_proportional(
        [bar for bar in gender if bar["second"]],
        {label: selected.get(label, 0) for label in GENDER_LABELS.values()},
    )
    assert {bar["label"]: bar["value"] for bar in gender if not bar["second"]}["Woman"] == (
        "50 % (10)"
    )
    features = bars_of(page, "feature-heading")
    assert_proportional(
        [bar for bar in features if not bar["second"]],
        {"First feature": 9, "Second feature": 6, "Third or later": 5},
    )

    # The financing still missing, dollars first (more applications), then euros.
    money = page.locator('section[aria-labelledby="money-heading"]')
    expect(money.locator("h3")).to_have_count(2)
    expect(money.locator("h3").first).to_contain_text("USD")
    expect(money.locator("h3").last).to_contain_text("EUR")
    usd = Counter(COUNTRY_NAMES[film["country"]] for film in FILMS if film["currency"] == "USD")
    assert {bar["label"] for bar in bars_of(page, "money-heading", nth=0)} == set(usd)

    # The timeline: the call, both sessions, the jury's deadline and today.
    timeline = page.locator(
        'section[aria-labelledby="timeline-heading"] .chart-wide svg.chart-timeline'
    )
    milestones = timeline.locator("text.chart-label")
    expect(milestones).to_have_count(4)
    assert sorted(milestones.all_text_contents()) == [
        f"Call: Call for works in progress {edition.year}",
        "Jury deadline: Pre-selection",
        "Session: Lima",
        "Session: Toulouse",
    ]
    expect(timeline.locator("line.timeline-today")).to_have_count(1)
    expect(timeline.locator("text.timeline-today-label")).to_have_text("Today")
    expect(timeline.locator("text.timeline-today-label")).to_be_visible()
    jury = page.locator(".dashboard-jury tbody tr")
    expect(jury).to_have_count(1)
    expect(jury.locator("th")).to_have_text("Pre-selection")
    expect(jury.locator("td").first).to_have_text("2 / 3")
    visit.check("edition")
    assert page_errors == []

    # --- The editions compared ------------------------------------------------------------
    page.get_by_role("link", name="Compare the editions").click()
    expect(page.locator("h1")).to_have_text("The editions compared")
    assert_charts_drawn(page, 1)
    years = {edition.year: 20, **{year: PAST[edition.year - year] for year in seeded["past"]}}
    columns = page.locator(".chart-wide svg.chart-columns").evaluate(BARS)
    assert [bar["label"] for bar in columns] == [
        f"Films in Progress {year}" for year in sorted(years)
    ]
    assert_proportional(
        columns,
        {f"Films in Progress {year}": n for year, n in years.items()},
        attribute="height",
    )
    expect(page.locator(".chart-wide svg.chart-columns text.chart-label")).to_have_text(
        [str(year) for year in sorted(years)]
    )
    rows = page.locator(".comparison-table tbody tr")
    expect(rows).to_have_count(3)
    women = 100 * applicants["Woman"] // len(FILMS)
    selected_women = round(100 * selected["Woman"] / len(SELECTED))
    expect(rows.last.locator("th, td")).to_have_text(
        [f"Films in Progress {edition.year}", "20", "7", f"{women} %", f"{selected_women} %"]
    )
    visit.check("comparison")
    assert page_errors == []

    # --- On a phone ---------------------------------------------------------------------------
    phone = same_account(page, new_page, **PHONE)
    mobile = Visit(phone, screenshot, "dashboard-phone")
    phone.goto(reverse("juries:staff_dashboard", kwargs={"edition_pk": edition.pk}))
    expect(phone.locator("h1")).to_have_text("Dashboard")
    assert_charts_drawn(phone, 8, size="narrow")
    assert_proportional(
        bars_of(phone, "country-heading"),
        {COUNTRY_NAMES[code]: n for code, n in Counter(COUNTRIES).items()},
    )
    mobile.check("edition")
    phone.get_by_role("link", name="Compare the editions").click()
    expect(phone.locator("h1")).to_have_text("The editions compared")
    assert_charts_drawn(phone, 1, size="narrow")
    mobile.check("comparison")
    # Back to last year's dashboard from its row.
    phone.get_by_role("link", name=f"Films in Progress {edition.year - 1}").click()
    expect(phone.locator("h1 + p")).to_have_text(
        "12 applications reached the festival; 0 selected so far. 0 drafts not submitted."
    )
    mobile.check("past-edition")
    assert page_errors == []


@pytest.mark.browser
def test_the_timeline_spans_its_card(new_page, page_errors, edition, seeded):
    page = new_page()
    sign_in(page, "staff@example.org")
    page.goto(reverse("juries:staff_dashboard", kwargs={"edition_pk": edition.pk}))
    card = page.locator('section[aria-labelledby="timeline-heading"] .card-body')
    timeline = card.locator(".chart-wide svg.chart-timeline")
    card_box, box = card.bounding_box(), timeline.bounding_box()
    assert box["width"] > 0.8 * card_box["width"], (box, card_box)
    # The Today label is inside the chart, not cut off beyond its edge.
    label = timeline.locator("text.timeline-today-label").bounding_box()
    assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"]
    assert page_errors == []


@pytest.mark.browser
def test_the_dashboard_is_for_the_programme_staff_only(
    new_page, edition, other_staff, producer, seeded
):
    dashboard = reverse("juries:staff_dashboard", kwargs={"edition_pk": edition.pk})
    comparison = reverse("juries:staff_comparison", kwargs={"programme": edition.programme.slug})
    for email, status in (("other-staff@example.org", 404), ("producer@example.org", 403)):
        page = new_page()
        sign_in(page, email)
        for url in (dashboard, comparison):
            response = page.goto(url)
            assert response.status == status, (email, url)
            expect(page.locator("svg.chart")).to_have_count(0)
