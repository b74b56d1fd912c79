"""The staff list of an edition's applications and its CSV export: filters, sorting,
counts, pagination, denials, the CSV's content and query counts at two sizes."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from editions.models import Material
from editions.tests.factories import CallFactory, EditionFactory
from submissions import services
from submissions.models import CompanyRole, Gender, Genre, Project, ProjectStatus, Screening
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    DocumentFactory,
    ProjectCompanyFactory,
    ProjectFactory,
    StillFactory,
)
from submissions.views import staff as staff_views

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def applicant():
    """One producer for every application: hashing a password per project is slow."""
    return User.objects.filter(email="applicant@example.org").first() or UserFactory(
        email="applicant@example.org", full_name="Ana Aplicante"
    )


def applied(
    call,
    title,
    *,
    day,
    companies=(("AR", CompanyRole.PRODUCER, "100"),),
    gender=Gender.WOMAN,
    genre=Genre.FICTION,
    budget="100000",
    secured="90000",
    cut=True,
    status=ProjectStatus.SUBMITTED,
):
    """A submitted application with its companies, a director, a cut, a still and the
    budget PDF (the materials a CallFactory call requires)."""
    project = ProjectFactory(
        call=call,
        owner=applicant(),
        original_title=title,
        english_title=f"{title} (EN)",
        genre=genre,
        total_budget=Decimal(budget),
        secured_amount=Decimal(secured),
    )
    for position, (country, role, share) in enumerate(companies):
        ProjectCompanyFactory(
            project=project,
            name=f"{title} Films {country}",
            country=country,
            role=role,
            share=Decimal(share),
            position=position,
        )
    DirectorFactory(project=project, gender=gender, name=f"Director of {title}")
    if cut:
        CutFactory(project=project, number=1)
    StillFactory(project=project)
    DocumentFactory(project=project, kind=Material.BUDGET)
    if status != ProjectStatus.DRAFT:
        Project.objects.filter(pk=project.pk).update(
            status=status, submitted_at=dt.datetime(2026, 1, day, 12, 0, tzinfo=UTC)
        )
    return project


@pytest.fixture
def applications(call):
    """Known applications: two eligible, one ineligible, one incomplete, one draft."""
    return {
        "alba": applied(call, "Alba", day=1),
        "bruma": applied(
            call,
            "Bruma",
            day=2,
            companies=(("MX", CompanyRole.PRODUCER, "60"), ("FR", CompanyRole.CO_PRODUCER, "40")),
            gender=Gender.MAN,
            genre=Genre.DOCUMENTARY,
            budget="300000",
            secured="100000",
        ),
        "ceniza": applied(
            call,
            "Ceniza",
            day=3,
            companies=(("FR", CompanyRole.PRODUCER, "100"),),
            gender=Gender.NON_BINARY,
            genre=Genre.ANIMATION,
            budget="50000",
            secured="50000",
        ),
        "delta": applied(
            call, "Delta", day=4, gender=Gender.MAN, budget="200000", secured="150000", cut=False
        ),
        "eco": applied(call, "Eco", day=5, status=ProjectStatus.DRAFT),
    }


def list_url(edition, **params):
    from django.utils.http import urlencode

    url = reverse("submissions:staff_list", kwargs={"edition_pk": edition.pk})
    return f"{url}?{urlencode(params)}" if params else url


def export_url(edition, **params):
    from django.utils.http import urlencode

    url = reverse("submissions:staff_export", kwargs={"edition_pk": edition.pk})
    return f"{url}?{urlencode(params)}" if params else url


def titles(response):
    assert response.status_code == 200
    return [row["project"].original_title for row in response.context["rows"]]


# --- Filters, sorting, counts, pages ---------------------------------------------------------


def test_list_default_shows_submitted_latest_first_without_drafts(
    staff_client, edition, applications
):
    response = staff_client.get(list_url(edition))
    assert titles(response) == ["Delta", "Ceniza", "Bruma", "Alba"]
    content = response.content.decode()
    assert "Alba Films AR" in content
    assert "Eco" not in content


def test_list_include_drafts_and_draft_status(staff_client, edition, applications):
    assert titles(staff_client.get(list_url(edition, include_drafts="on"))) == [
        "Delta",
        "Ceniza",
        "Bruma",
        "Alba",
        "Eco",
    ]
    assert titles(staff_client.get(list_url(edition, status="draft"))) == ["Eco"]


def test_list_other_edition_projects_never_listed(staff_client, edition, applications, programme):
    other = CallFactory(edition=EditionFactory(programme=programme))
    applied(other, "Elsewhere", day=6)
    assert "Elsewhere" not in titles(staff_client.get(list_url(edition)))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, ["Delta", "Ceniza", "Bruma", "Alba"]),
        ({"country": "MX"}, ["Bruma"]),
        ({"country": "FR"}, ["Ceniza"]),
        ({"country": "FR", "any_company": "on"}, ["Ceniza", "Bruma"]),
        ({"genre": "documentary"}, ["Bruma"]),
        ({"director_gender": "woman"}, ["Alba"]),
        ({"director_gender": "man"}, ["Delta", "Bruma"]),
        ({"eligibility": "eligible"}, ["Bruma", "Alba"]),
        ({"eligibility": "ineligible"}, ["Ceniza"]),
        ({"eligibility": "incomplete"}, ["Delta"]),
        ({"eligibility": "eligible", "genre": "fiction"}, ["Alba"]),
        ({"search": "brum"}, ["Bruma"]),
    ],
)
def test_list_filters_give_the_right_rows(staff_client, edition, applications, params, expected):
    assert titles(staff_client.get(list_url(edition, **params))) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Alba", "Bruma", "Ceniza", "Delta"]),
        ("-title", ["Delta", "Ceniza", "Bruma", "Alba"]),
        ("submitted", ["Alba", "Bruma", "Ceniza", "Delta"]),
        ("country", ["Alba", "Delta", "Ceniza", "Bruma"]),  # AR, AR, FR, MX
        ("-budget", ["Bruma", "Delta", "Alba", "Ceniza"]),
        ("missing", ["Ceniza", "Alba", "Delta", "Bruma"]),  # 0, 10k, 50k, 200k
        ("-missing", ["Bruma", "Delta", "Alba", "Ceniza"]),
    ],
)
def test_list_sorting(staff_client, edition, applications, sort, expected):
    assert titles(staff_client.get(list_url(edition, sort=sort))) == expected


def test_list_screening_filter(staff_client, staff, edition, applications):
    services.screen_project(
        project=applications["ceniza"],
        by=staff,
        decision=Screening.OVERRULED_ELIGIBLE,
        reason="The French share is a minority co-production in practice.",
    )
    response = staff_client.get(list_url(edition, screening="overruled_eligible"))
    assert titles(response) == ["Ceniza"]
    assert "Declared eligible by staff" in response.content.decode()


def test_list_counts_per_status(staff_client, edition, applications):
    response = staff_client.get(list_url(edition))
    counts = {entry["status"]: entry["count"] for entry in response.context["status_counts"]}
    assert counts["submitted"] == 4
    assert counts["draft"] == 1
    assert counts["selected"] == 0
    assert response.context["total"] == 5


def test_list_bad_filter_value_shown_at_field_and_ignored(staff_client, edition, applications):
    response = staff_client.get(list_url(edition, country="ZZ", genre="documentary"))
    assert titles(response) == ["Bruma"]
    assert response.context["form"].errors["country"]


def test_list_pagination_keeps_filters(staff_client, edition, applications, monkeypatch):
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    first = staff_client.get(list_url(edition, sort="title"))
    assert titles(first) == ["Alba", "Bruma"]
    assert "sort=title&amp;page=2" in first.content.decode()
    assert titles(staff_client.get(list_url(edition, sort="title", page=2))) == [
        "Ceniza",
        "Delta",
    ]
    # With the eligibility filter, pages are cut from the computed list.
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    eligible = staff_client.get(list_url(edition, eligibility="eligible", page=2))
    assert titles(eligible) == ["Alba"]
    assert eligible.context["paginator"].count == 2


def test_list_shows_eligibility_and_links_to_project(staff_client, edition, applications):
    content = staff_client.get(list_url(edition)).content.decode()
    project_url = reverse("submissions:staff_project", kwargs={"pk": applications["alba"].pk})
    assert project_url in content
    assert "Ineligible" in content
    assert "Incomplete" in content


def list_queries(client, edition, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(edition, **params))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params", [{}, {"eligibility": "eligible", "country": "AR"}, {"sort": "country"}]
)
def test_list_query_count_constant(staff_client, call, edition, params):
    for day in (1, 2):
        applied(call, f"Small {day}", day=day)
    small = list_queries(staff_client, edition, **params)
    for day in (3, 4, 5, 6):
        applied(call, f"Large {day}", day=day)
    assert list_queries(staff_client, edition, **params) == small


# --- Denials -----------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["staff_list", "staff_export", "staff_invite"])
def test_edition_pages_denials(client, producer, juror, other_staff, edition, url_name):
    url = reverse(f"submissions:{url_name}", kwargs={"edition_pk": edition.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    for user, status in ((producer, 403), (juror, 403), (other_staff, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


# --- CSV export --------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_export_header_and_rows(staff_client, edition, applications):
    response = staff_client.get(export_url(edition, sort="title"))
    assert "attachment" in response["Content-Disposition"]
    data, rows = read_csv(response)
    header, *lines = rows
    assert header[:4] == ["ID", "Original title", "English title", "Status"]
    assert "Submitted (Europe/Paris time)" in header
    assert [line[1] for line in lines] == ["Alba", "Bruma", "Ceniza", "Delta"]
    bruma = dict(zip(header, lines[1], strict=True))
    assert bruma["ID"] == str(applications["bruma"].pk)
    assert bruma["Producing company"] == "Bruma Films MX"
    assert bruma["Producing company's country"] == "Mexico"
    assert (
        bruma["Companies (country, share %)"]
        == "Bruma Films MX (MX, 60 %); Bruma Films FR (FR, 40 %)"
    )
    assert bruma["Directors (nationality, gender)"] == "Director of Bruma (AR, Man)"
    assert bruma["Genre"] == "Documentary"
    assert bruma["Stage of the current cut"] == "Rough cut"
    assert bruma["Runtime of the current cut (minutes)"] == "92"
    assert bruma["Total budget"] == "300000.00"
    assert bruma["Financing secured"] == "100000.00"
    assert bruma["Financing missing"] == "200000.00"
    assert bruma["Currency"] == "USD"
    # 12:00 UTC on 2 January is 13:00 in Paris.
    assert bruma["Submitted (Europe/Paris time)"] == "2026-01-02 13:00"
    assert bruma["Eligibility"] == "Eligible"
    assert bruma["Screening"] == "Not screened yet"
    ceniza = dict(zip(header, lines[2], strict=True))
    assert ceniza["Eligibility"] == "Ineligible"
    assert "more than half" in ceniza["What is missing or ineligible"]
    assert b"secret-screener-pass" not in data
    assert b"vimeo.com" not in data


def test_export_follows_the_filters(staff_client, edition, applications):
    _data, rows = read_csv(staff_client.get(export_url(edition, eligibility="eligible")))
    assert [line[1] for line in rows[1:]] == ["Bruma", "Alba"]
    _data, rows = read_csv(staff_client.get(export_url(edition, status="draft")))
    assert [line[1] for line in rows[1:]] == ["Eco"]


def test_export_neutralises_formulas(staff_client, call, edition):
    project = applied(call, '=HYPERLINK("http://evil.example","x")', day=1)
    Project.objects.filter(pk=project.pk).update(english_title="+1+1", screening_reason="@SUM(A1)")
    project.companies.update(name="-2+3")
    _data, rows = read_csv(staff_client.get(export_url(edition)))
    header, line = rows
    row = dict(zip(header, line, strict=True))
    assert row["Original title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["English title"] == "'+1+1"
    assert row["Producing company"] == "'-2+3"
    assert row["Screening reason"] == "'@SUM(A1)"


def test_export_keeps_accents(staff_client, call, edition):
    applied(call, "Canción de la montaña", day=1)
    data, rows = read_csv(staff_client.get(export_url(edition)))
    assert rows[1][1] == "Canción de la montaña"
    assert "Canción".encode() in data


def export_queries(client, edition):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(export_url(edition))
        b"".join(response.streaming_content)
    return len(queries)


def test_export_query_count_constant(staff_client, call, edition):
    for day in (1, 2):
        applied(call, f"Small {day}", day=day)
    small = export_queries(staff_client, edition)
    for day in (3, 4, 5, 6):
        applied(call, f"Large {day}", day=day)
    assert export_queries(staff_client, edition) == small


def test_staff_csv_cell_only_changes_formula_starts():
    assert staff_views.csv_cell("=1+1") == "'=1+1"
    assert staff_views.csv_cell("Alba") == "Alba"
    assert staff_views.csv_cell(None) == ""
    assert staff_views.csv_cell(42) == "42"
