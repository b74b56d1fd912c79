"""The staff's cockpit (juries/dashboard.py, charts.py, views/dashboard.py): the figures
against known data, the charts drawn from them, the comparison across editions, who may
see them, and a number of queries that does not grow with the applications."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editions.tests.factories import CallFactory, EditionFactory, SessionFactory
from juries import dashboard, services
from juries.tests.factories import ReviewFactory, RoundFactory, submitted_project
from submissions.models import ProjectStatus
from submissions.tests.factories import DirectorFactory, ProjectCompanyFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def application(call, *, country, genre="fiction", gender="woman", previous=0, **fields):
    """An application with no budget unless given one."""
    fields.setdefault("currency", "")
    fields.setdefault("total_budget", None)
    fields.setdefault("secured_amount", None)
    project = submitted_project(call=call, genre=genre, **fields)
    ProjectCompanyFactory(project=project, country=country, role="producer")
    DirectorFactory(project=project, gender=gender, previous_features=previous)
    return project


@pytest.fixture
def known(edition, call, staff):
    """Six applications and a draft: Bolivia 3, Peru 2, Chile 1; four women and three men
    directing (one film has two directors); two selected (a woman's and a man's)."""
    session = SessionFactory(edition=edition, city="Toulouse")
    films = [
        application(
            call,
            country="BO",
            gender="woman",
            previous=0,
            currency="USD",
            total_budget=Decimal("100000"),
            secured_amount=Decimal("40000"),
        ),
        application(
            call,
            country="BO",
            gender="woman",
            previous=1,
            genre="documentary",
            currency="USD",
            total_budget=Decimal("50000"),
            secured_amount=None,
        ),
        application(call, country="BO", gender="man", previous=3),
        application(
            call,
            country="PE",
            gender="man",
            previous=0,
            currency="EUR",
            total_budget=Decimal("80000"),
            secured_amount=Decimal("80000"),
        ),
        application(call, country="PE", gender="woman", previous=0, genre="animation"),
        application(call, country="CL", gender="non_binary", previous=1),
    ]
    DirectorFactory(project=films[2], gender="woman", previous_features=0)
    draft = ProjectFactory(call=call, status=ProjectStatus.DRAFT)
    ProjectCompanyFactory(project=draft, country="AR", role="producer")
    DirectorFactory(project=draft, gender="man")
    for project in (films[0], films[3]):
        services.place_project(
            edition=edition, project=project, session=session, kind="selected", by=staff
        )
    return films


def test_applications_by_status_and_country(edition, known):
    figures = dashboard.edition_dashboard(edition)

    assert figures["applications"] == 6
    assert figures["drafts"] == 1
    assert {bar.key: bar.value for bar in figures["status"]} == {
        "under_review": 6,
        "draft": 1,
    }
    countries = [(bar.label, bar.value) for bar in figures["countries"]]
    assert countries == [("Bolivia", 3), ("Peru", 2), ("Chile", 1)]  # no draft (Argentina)
    assert figures["countries"][0].share == 1.0
    assert round(figures["countries"][1].percent) == 33
    assert {bar.key: bar.value for bar in figures["genres"]} == {
        "fiction": 4,
        "documentary": 1,
        "animation": 1,
    }


def test_directors_for_applicants_and_the_selection_side_by_side(edition, known):
    gender = {pair.key: pair for pair in dashboard.by_gender(edition)}

    assert (gender["woman"].applicants, gender["woman"].selected) == (4, 1)
    assert (gender["man"].applicants, gender["man"].selected) == (2, 1)
    assert (gender["non_binary"].applicants, gender["non_binary"].selected) == (1, 0)
    assert round(gender["woman"].applicants_percent) == 57  # 4 of 7 directors
    assert gender["woman"].selected_percent == 50.0
    features = {pair.key: pair for pair in dashboard.by_feature(edition)}
    assert (features["first"].applicants, features["first"].selected) == (4, 2)
    assert features["second"].applicants == 2
    assert features["later"].applicants == 1


def test_money_missing_per_currency_never_added_across(edition, known):
    money = {entry["currency"]: entry for entry in dashboard.money_missing(edition)}

    assert money["USD"]["total"] == Decimal("110000")  # 60,000 + 50,000 (nothing secured)
    assert money["USD"]["count"] == 2
    assert [(bar.label, bar.value) for bar in money["USD"]["countries"]] == [
        ("Bolivia", Decimal("110000"))
    ]
    assert money["EUR"]["total"] == Decimal("0")


def test_jury_progress(edition, call):
    round_ = RoundFactory(edition=edition)
    ReviewFactory(assignment__round=round_)
    ReviewFactory(assignment__round=round_, status="draft", submitted_at=None)

    (row,) = dashboard.jury_progress(edition)

    assert (row["assigned"], row["submitted"], row["percent"]) == (2, 1, 50.0)


def test_the_timeline_marks_today_between_the_milestones(edition, call):
    SessionFactory(edition=edition)
    start = dashboard.timeline(edition).start
    today = start + dt.timedelta(days=10)

    timeline = dashboard.timeline(edition, today=today)

    kinds = {milestone.kind for milestone in timeline.milestones}
    assert {"call", "session"} <= kinds
    assert 0 < timeline.today_left < 100
    assert dashboard.timeline(edition, today=start - dt.timedelta(days=400)).today_left is None


def test_many_countries_are_grouped_past_the_top(edition, call):
    for code in ["AR", "BO", "BR", "CL", "CO", "CR", "CU", "EC", "GT", "MX", "PA", "PE", "UY"]:
        application(call, country=code)
    application(call, country="BO")

    bars = dashboard.by_country(edition)

    assert len(bars) == dashboard.TOP_COUNTRIES
    assert bars[0].label == "Bolivia"
    assert bars[-1].key == "others"
    assert bars[-1].value == 2


def test_comparison_across_the_programmes_editions(programme, edition, known):
    older = EditionFactory(programme=programme, year=edition.year - 1, number=edition.number - 1)
    older_call = CallFactory(edition=older)
    application(older_call, country="MX", gender="man")
    application(older_call, country="MX", gender="woman")
    EditionFactory()  # another programme's edition is not compared

    rows = dashboard.comparison(programme)

    assert [row["edition"] for row in rows] == [older, edition]
    assert [row["applications"] for row in rows] == [2, 6]
    assert [row["countries"] for row in rows] == [1, 3]
    assert rows[0]["women_percent"] == 50.0
    assert rows[0]["selected_women_percent"] is None
    assert rows[1]["selected_women_percent"] == 50.0


# --- Pages ------------------------------------------------------------------------------


def dashboard_url(edition):
    return reverse("juries:staff_dashboard", kwargs={"edition_pk": edition.pk})


def comparison_url(programme):
    return reverse("juries:staff_comparison", kwargs={"programme": programme.slug})


def test_staff_see_the_dashboard_drawn(staff_client, edition, known):
    response = staff_client.get(dashboard_url(edition))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="chart') >= 6
    assert "<title>Applications by country</title>" in page
    assert "Bolivia" in page
    assert "USD 110,000 still missing, across 2 applications" in page
    assert "style=" not in page.split("<main", 1)[-1]  # the CSP allows no inline style


def test_the_dashboard_escapes_what_applicants_wrote(staff_client, edition, call):
    round_ = RoundFactory(edition=edition, name="<script>alert(1)</script>")
    ReviewFactory(assignment__round=round_)

    page = staff_client.get(dashboard_url(edition)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_staff_compare_the_editions(staff_client, programme, edition, known):
    response = staff_client.get(comparison_url(programme))

    assert response.status_code == 200
    page = response.content.decode()
    assert edition.display_title in page
    assert "<title>Applications per edition</title>" in page


def test_the_cockpit_is_for_the_programmes_staff(
    client, edition, programme, known, producer, juror, other_staff
):
    for url in (dashboard_url(edition), comparison_url(programme)):
        client.logout()
        assert client.get(url).status_code == 302
        for person in (producer, juror):
            client.force_login(person)
            assert client.get(url).status_code == 403, (url, person)
        client.force_login(other_staff)
        assert client.get(url).status_code == 404, url


def test_the_dashboard_costs_the_same_queries_for_more_applications(
    staff_client, edition, call, staff
):
    session = SessionFactory(edition=edition)
    RoundFactory(edition=edition)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(dashboard_url(edition)).status_code == 200
        return len(queries)

    project = application(call, country="BO", currency="USD", total_budget=Decimal("10"))
    services.place_project(
        edition=edition, project=project, session=session, kind="selected", by=staff
    )
    few = count()
    for index in range(20):
        application(
            call,
            country=["PE", "CL", "MX", "BR"][index % 4],
            currency=["USD", "EUR"][index % 2],
            total_budget=Decimal("1000"),
            gender=["woman", "man"][index % 2],
        )
    assert count() == few


def test_a_chart_draws_its_shapes_and_escapes_its_labels():
    from juries import charts
    from juries.dashboard import Bar

    svg = str(charts.bar_chart([Bar("<b>Ficción</b> & co", 3, 1.0, 75.0, "fiction")], title="G"))
    assert "<rect" in svg and "&lt;rect" not in svg
    assert "&lt;b&gt;Ficción&lt;/b&gt; &amp; co" in svg
    assert "<b>" not in svg
