"""The search of the staff list: titles, directors, companies, countries and the producer,
accents and case folded, every word required, ranked on PostgreSQL; with the list's
filters, pages and export; hostile input; denials; query counts. Run on SQLite and on
PostgreSQL (DATABASE_URL)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from accounts.tests.factories import UserFactory
from editions.tests.factories import CallFactory, EditionFactory
from submissions import selectors
from submissions.models import CompanyRole, Genre, Project, ProjectStatus
from submissions.tests.factories import (
    DirectorFactory,
    ProjectCompanyFactory,
    ProjectFactory,
)
from submissions.views import staff as staff_views

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def owner(name, email):
    return UserFactory(email=email, full_name=name)


def film(call, title, english, *, day, director, companies, producer, status=None, genre=None):
    """An application with one director and one or two companies ((name, country, role),
    the first with 100 % or 70 %), submitted on the given day of January 2026 unless `status` says
    otherwise."""
    project = ProjectFactory(
        call=call,
        owner=producer,
        original_title=title,
        english_title=english,
        genre=genre or Genre.FICTION,
    )
    DirectorFactory(project=project, name=director)
    shares = [Decimal(100)] if len(companies) == 1 else [Decimal(70), Decimal(30)]
    for position, ((name, country, role), share) in enumerate(zip(companies, shares, strict=True)):
        ProjectCompanyFactory(
            project=project, name=name, country=country, role=role, share=share, position=position
        )
    status = status or ProjectStatus.SUBMITTED
    submitted = None if status == ProjectStatus.DRAFT else dt.datetime(2026, 1, day, tzinfo=dt.UTC)
    Project.objects.filter(pk=project.pk).update(status=status, submitted_at=submitted)
    return project


PRODUCER, CO_PRODUCER = CompanyRole.PRODUCER, CompanyRole.CO_PRODUCER


@pytest.fixture
def films(call, programme):
    paula = owner("Paula Productora", "paula@example.org")
    films = {
        "rios": film(
            call,
            "Los ríos",
            "The Rivers",
            day=1,
            director="Ana Quispe",
            companies=[("Cóndor Films", "BO", PRODUCER)],
            producer=paula,
        ),
        "montana": film(
            call,
            "Montaña roja",
            "Red Mountain",
            day=2,
            director="José Núñez",
            companies=[("Sur Cine", "AR", PRODUCER), ("Ríos Producciones", "FR", CO_PRODUCER)],
            producer=paula,
            genre=Genre.DOCUMENTARY,
        ),
        "silencio": film(
            call,
            "El silencio",
            "Silence",
            day=3,
            director="Inés Ríos",
            companies=[("Lumière Films", "FR", PRODUCER)],
            producer=paula,
        ),
        "agua": film(
            call,
            "Água viva",
            "Living Water",
            day=4,
            director="Marta Díaz",
            companies=[("Quetzal Cine", "MX", PRODUCER)],
            producer=owner("Zoé Martínez", "zoe@quetzal.example"),
        ),
        "draft": film(
            call,
            "Los ríos secretos",
            "Secret Rivers",
            day=5,
            director="Ana Quispe",
            companies=[("Cóndor Films", "BO", PRODUCER)],
            producer=paula,
            status=ProjectStatus.DRAFT,
        ),
    }
    # The same words in another edition of the programme: never listed.
    film(
        CallFactory(edition=EditionFactory(programme=programme)),
        "Ríos lejanos",
        "Distant Rivers",
        day=6,
        director="Ana Quispe",
        companies=[("Cóndor Films", "BO", PRODUCER)],
        producer=paula,
    )
    return films


def list_url(edition, **params):
    url = reverse("submissions:staff_list", kwargs={"edition_pk": edition.pk})
    return f"{url}?{urlencode(params)}" if params else url


def titles(response):
    assert response.status_code == 200
    return [row["project"].original_title for row in response.context["rows"]]


def found(client, edition, search, **params):
    """The titles the list shows for a search, as a set (their order is tested apart)."""
    return set(titles(client.get(list_url(edition, search=search, **params))))


# --- What a word matches --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("silencio", {"El silencio"}),  # original title
        ("rivers", {"Los ríos"}),  # English title
        ("monta", {"Montaña roja"}),  # the beginning of a word
        ("quispe", {"Los ríos"}),  # a director
        ("ines", {"El silencio"}),
        ("condor", {"Los ríos"}),  # a company
        ("quetzal", {"Água viva"}),
        ("lumiere", {"El silencio"}),
        ("martinez", {"Água viva"}),  # the producer's name
        ("zoe@quetzal", {"Água viva"}),  # …and email
    ],
)
def test_a_word_matches_titles_directors_companies_and_producer(
    staff_client, edition, films, search, expected
):
    assert found(staff_client, edition, search) == expected


def test_a_word_inside_another_word_does_not_match(staff_client, edition, films):
    # "ilencio" is in "silencio" but begins no word.
    assert found(staff_client, edition, "ilencio") == set()


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("Bolivia", {"Los ríos"}),
        ("boliv", {"Los ríos"}),
        ("BO", {"Los ríos"}),
        ("mexico", {"Água viva"}),
        # A co-producer's country counts as much as the producing company's.
        ("France", {"Montaña roja", "El silencio"}),
        ("fr", {"Montaña roja", "El silencio"}),
        ("Argentina", {"Montaña roja"}),
        ("Bolivie", set()),  # French, on an English page
    ],
)
def test_a_country_matches_by_name_or_code(staff_client, edition, films, search, expected):
    assert found(staff_client, edition, search) == expected


@pytest.mark.parametrize(
    ("language", "search", "expected"),
    [
        ("fr", "Bolivie", {"Los ríos"}),
        ("fr", "Mexique", {"Água viva"}),
        ("fr", "Bolivia", {"Los ríos"}),  # English names are understood on every page
        ("es", "Francia", {"Montaña roja", "El silencio"}),
        ("es", "méxico", {"Água viva"}),
        ("pt", "Bolívia", {"Los ríos"}),
    ],
)
def test_a_country_matches_in_the_pages_language(
    staff_client, edition, films, language, search, expected
):
    with translation.override(language):
        url = list_url(edition, search=search)
    assert f"/{language}/" in url
    assert set(titles(staff_client.get(url))) == expected


@pytest.mark.parametrize("search", ["rios", "RIOS", "ríos", "RÍOS", "Rios", "rÍoS", "  ríos  "])
def test_accents_and_case_do_not_matter(staff_client, edition, films, search):
    # "Los ríos" by its title, "El silencio" by its director Inés Ríos, "Montaña roja" by
    # its co-producer Ríos Producciones; never the draft nor the other edition's film.
    assert found(staff_client, edition, search) == {"Los ríos", "El silencio", "Montaña roja"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [("agua", {"Água viva"}), ("ÁGUA", {"Água viva"}), ("núñez", {"Montaña roja"})],
)
def test_accents_in_the_data_or_the_search(staff_client, edition, films, search, expected):
    assert found(staff_client, edition, search) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("rios silencio", {"El silencio"}),  # a director's name and a title
        ("ríos bolivia", {"Los ríos"}),  # a title and a country
        ("rios roja", {"Montaña roja"}),  # a co-producer's name and a title
        ("rios argentina france", {"Montaña roja"}),
        ("rios mexico", set()),
        ("quispe nunez", set()),
        ("los rios", {"Los ríos"}),
        ("rios | montana", {"Montaña roja"}),  # no operators: every word is required
        ("rios & !silencio", {"El silencio"}),
    ],
)
def test_every_word_is_required(staff_client, edition, films, search, expected):
    assert found(staff_client, edition, search) == expected


# --- Order --------------------------------------------------------------------------------


@pytest.mark.skipif(not POSTGRESQL, reason="ranking needs PostgreSQL")
@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # A title beats a director's name, which beats a company's name, whatever the
        # dates (the latest submitted is El silencio, then Montaña roja).
        ("rios", ["Los ríos", "El silencio", "Montaña roja"]),
        # A director and a country beat a company and a country.
        ("rios france", ["El silencio", "Montaña roja"]),
        # Among equals (two companies' names), the latest submitted first.
        ("films", ["El silencio", "Los ríos"]),
    ],
)
def test_best_match_first_on_postgresql(staff_client, edition, films, search, expected):
    assert titles(staff_client.get(list_url(edition, search=search))) == expected
    explicit = staff_client.get(list_url(edition, search=search, sort=selectors.RELEVANCE))
    assert titles(explicit) == expected


@pytest.mark.skipif(POSTGRESQL, reason="SQLite has no ranking")
def test_latest_submitted_first_on_sqlite(staff_client, edition, films):
    assert titles(staff_client.get(list_url(edition, search="rios"))) == [
        "El silencio",
        "Montaña roja",
        "Los ríos",
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["El silencio", "Los ríos", "Montaña roja"]),
        ("-title", ["Montaña roja", "Los ríos", "El silencio"]),
        ("submitted", ["Los ríos", "Montaña roja", "El silencio"]),
        ("-submitted", ["El silencio", "Montaña roja", "Los ríos"]),
    ],
)
def test_a_chosen_sort_is_kept_when_searching(staff_client, edition, films, sort, expected):
    assert titles(staff_client.get(list_url(edition, search="rios", sort=sort))) == expected


def test_relevance_is_the_default_sort_and_offered_first(staff_client, edition, films):
    response = staff_client.get(list_url(edition))
    form = response.context["form"]
    assert form.fields["sort"].choices[0][0] == selectors.RELEVANCE
    assert form.filters()["sort"] == selectors.RELEVANCE
    # Not searching, relevance is the latest submitted first.
    assert titles(response) == ["Água viva", "El silencio", "Montaña roja", "Los ríos"]


# --- With the filters, the pages and the export ---------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "FR"}, {"El silencio"}),  # the producing company's country
        ({"country": "FR", "any_company": "on"}, {"El silencio", "Montaña roja"}),
        ({"genre": Genre.DOCUMENTARY}, {"Montaña roja"}),
        ({"status": ProjectStatus.DRAFT}, {"Los ríos secretos"}),
        (
            {"include_drafts": "on"},
            {"Los ríos", "El silencio", "Montaña roja", "Los ríos secretos"},
        ),
        # No cut, no materials: none is eligible; a French production is not.
        ({"eligibility": "eligible"}, set()),
        ({"eligibility": "incomplete"}, {"Los ríos", "Montaña roja"}),
        ({"eligibility": "ineligible"}, {"El silencio"}),
    ],
)
def test_the_search_keeps_the_filters(staff_client, edition, films, params, expected):
    assert found(staff_client, edition, "rios", **params) == expected


def test_the_search_keeps_the_pages(staff_client, edition, films, monkeypatch):
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 2)
    first = staff_client.get(list_url(edition, search="rios", sort="title"))
    assert titles(first) == ["El silencio", "Los ríos"]
    assert first.context["paginator"].count == 3
    content = first.content.decode()
    assert "search=rios&amp;sort=title&amp;page=2" in content
    assert "3 applications match." in content
    second = staff_client.get(list_url(edition, search="rios", sort="title", page=2))
    assert titles(second) == ["Montaña roja"]
    # With the computed-eligibility filter too.
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 1)
    page = staff_client.get(
        list_url(edition, search="rios", eligibility="incomplete", sort="title", page=2)
    )
    assert titles(page) == ["Montaña roja"]
    assert page.context["paginator"].count == 2


def test_the_search_is_kept_in_the_form(staff_client, edition, films):
    content = staff_client.get(list_url(edition, search="Ríos")).content.decode()
    assert 'type="search" name="search" value="Ríos"' in content


def test_the_export_has_the_searched_applications(staff_client, edition, films):
    url = reverse("submissions:staff_export", kwargs={"edition_pk": edition.pk})
    response = staff_client.get(f"{url}?{urlencode({'search': 'rios france'})}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(data))
    assert sorted(row[header.index("Original title")] for row in rows) == [
        "El silencio",
        "Montaña roja",
    ]


def test_no_match_shows_an_empty_list_and_says_so(staff_client, edition, films):
    response = staff_client.get(list_url(edition, search="zzyzx"))
    assert titles(response) == []
    content = response.content.decode()
    assert "0 applications match." in content
    assert "No application matches these filters." in content
    assert "<table" not in content


# --- Hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "search",
    [
        "' OR 1=1 --",
        '"; DROP TABLE submissions_project; --',
        "rios') OR ('1'='1",
        "rios:* | !x & (y <-> z)",
        "\\",
        "%",
        "_",
        "%%rios%%",
        "'''",
        "rios\x07\x1b[31m\x7f",
        "ríos\u200b\u202e",
        "😀 ríos",
        "Los\tríos\r\n",
    ],
)
def test_hostile_searches_answer_and_change_nothing(staff_client, edition, films, search):
    response = staff_client.get(list_url(edition, search=search))
    assert response.status_code == 200
    assert Project.objects.count() == 6
    # Quotes, operators, wildcards and control characters only separate words.
    listed = set(titles(response))
    if "rios" in selectors.search_terms(search):
        assert listed <= {"Los ríos", "El silencio", "Montaña roja"}


def test_wildcards_are_not_wildcards(staff_client, edition, films):
    assert found(staff_client, edition, "%%rios%%") == found(staff_client, edition, "rios")
    # Nothing but punctuation is no search at all.
    assert len(found(staff_client, edition, "%_%")) == 4


def test_a_search_is_shown_escaped(staff_client, edition, films):
    response = staff_client.get(list_url(edition, search='<script>alert("x")</script>'))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content


def test_a_very_long_search_is_refused_at_the_field(staff_client, edition, films):
    response = staff_client.get(list_url(edition, search="ríos " * 2000))
    assert response.status_code == 200
    assert "at most 100 characters" in response.context["form"].errors["search"][0]
    # As for any refused filter, the list goes on without it.
    assert len(titles(response)) == 4


def test_a_null_character_is_refused_at_the_field(staff_client, edition, films):
    response = staff_client.get(list_url(edition, search="ríos\x00"))
    assert response.status_code == 200
    assert response.context["form"].errors["search"]
    assert len(titles(response)) == 4


def test_the_words_of_a_search():
    assert selectors.search_terms("Los RÍOS, los ríos; ' OR 1=1 --") == ["los", "rios", "or", "1"]
    assert selectors.search_terms("l'été_2026 Œuvre straße") == [
        "l",
        "ete",
        "2026",
        "oeuvre",
        "strasse",
    ]
    assert selectors.search_terms("\x00\x1b%_'\"") == []
    assert selectors.fold("Água Núñez Łódź") == "agua nunez lodz"


def test_countries_a_word_stands_for():
    with translation.override("fr"):
        assert "BO" in selectors.countries_matching("bolivie")
        assert "BO" in selectors.countries_matching("bolivia")
        assert selectors.countries_matching("bo") >= {"BO", "BA", "BW"}
        assert selectors.countries_matching("zzyzx") == set()
    with translation.override("en"):
        assert "BO" not in selectors.countries_matching("bolivie")


# --- Who may search -----------------------------------------------------------------------


def test_search_denials(client, producer, juror, other_staff, edition, films):
    url = list_url(edition, search="rios")
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    for user, status in ((producer, 403), (juror, 403), (other_staff, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        assert "Los ríos" not in response.content.decode()


# --- Queries ------------------------------------------------------------------------------


def list_queries(client, edition, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(list_url(edition, **params))
    assert response.status_code == 200
    return len(queries), response.context["paginator"].count


@pytest.mark.parametrize(
    "params",
    [
        {"search": "rios"},
        {"search": "ríos bolivia", "sort": "title"},
        {"search": "rios", "eligibility": "incomplete", "country": "BO"},
    ],
)
def test_search_query_count_constant(staff_client, call, params):
    producer = owner("Paula Productora", "paula@example.org")

    def add(count, start):
        for index in range(start, start + count):
            film(
                call,
                f"Los ríos {index}",
                f"Rivers {index}",
                day=index,
                director=f"Ana Quispe {index}",
                companies=[("Cóndor Films", "BO", PRODUCER), ("Ríos SA", "FR", CO_PRODUCER)],
                producer=producer,
            )

    add(2, 1)
    small, small_count = list_queries(staff_client, call.edition, **params)
    add(5, 3)
    large, large_count = list_queries(staff_client, call.edition, **params)
    assert (small_count, large_count) == (2, 7)
    assert large == small
