"""Reads that need more than one line."""

import functools
import operator
import re
import unicodedata
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone, translation
from django_countries import countries

from editions import selectors as edition_selectors
from editions.models import Call

from . import eligibility
from .models import (
    CompanyRole,
    Cut,
    Director,
    Document,
    EventKind,
    Project,
    ProjectCompany,
    ProjectEvent,
    ProjectStatus,
    Still,
)

# --- Producers --------------------------------------------------------------------------


def producer_projects(user):
    """The producer's projects across calls, newest first, with what the dashboard shows
    (programme, edition, call, selected session) in one query."""
    return (
        Project.objects.owned_by(user)
        .select_related("call__edition__programme", "selected_session")
        .order_by("-updated_at", "-pk")
    )


def open_calls_not_applied(user, *, moment=None):
    """Open public calls the producer has no project in yet."""
    moment = moment or timezone.now()
    return edition_selectors.open_calls(moment=moment).exclude(projects__owner=user)


def producer_events(project):
    """The project's history as its producer sees it: staff-only entries (the screening
    reason…) are left out."""
    return (
        ProjectEvent.objects.filter(project=project, visible_to_producer=True)
        .exclude(kind=EventKind.SCREENING)
        .order_by("created_at", "pk")
    )


# --- Festival staff ---------------------------------------------------------------------
# The staff list, the project page and the CSV export. Lists read a page of projects and
# everything eligibility.check_project needs in a fixed number of queries, so that the
# check runs in memory for each row.

ELIGIBLE = "eligible"
INCOMPLETE = "incomplete"
INELIGIBLE = "ineligible"

# Sort keys offered to staff, each with the ordering it stands for; "-" reverses. RELEVANCE
# (the default) is the best match first when searching on PostgreSQL, then the latest
# submitted; otherwise the latest submitted.
RELEVANCE = "relevance"
DEFAULT_SORT = "-submitted"
STAFF_SORTS = {
    "title": ("title_key", "pk"),
    "submitted": ("submitted_at", "pk"),
    "country": ("producer_country", "title_key", "pk"),
    "budget": ("total_budget", "pk"),
    "missing": ("missing_amount", "pk"),
}


def eligibility_state(items) -> str:
    """Eligible when every item passes; ineligible when a rule fails (the film does not fit
    the call as it stands); incomplete when only something still to fill in is missing."""
    failed = [item for item in items if item.failed]
    if not failed:
        return ELIGIBLE
    if any(item.blocking for item in failed):
        return INELIGIBLE
    return INCOMPLETE


def producer_company():
    """The application's producing company: its first with the producer role (an
    OuterRef subquery on the project)."""
    return ProjectCompany.objects.filter(
        project=OuterRef("pk"), role=CompanyRole.PRODUCER
    ).order_by("position", "pk")


def staff_applications(
    *,
    edition,
    status="",
    include_drafts=False,
    call=None,
    country="",
    any_company=False,
    genre="",
    director_gender="",
    screening="",
    search="",
    sort=DEFAULT_SORT,
):
    """The edition's applications (every call) matching the filters and the search (see
    below), ordered. Drafts are left out unless asked for, or unless the status asked for
    is draft. The country is the producing company's, or any company's with `any_company`.
    Sorted by relevance, the best match to the search comes first on PostgreSQL (the
    latest submitted first among equals); any other sort the person chose is kept."""
    projects = Project.objects.filter(call__edition=edition)
    if status:
        projects = projects.filter(status=status)
    elif not include_drafts:
        projects = projects.submitted()
    if call is not None:
        projects = projects.filter(call=call)
    if country:
        companies = ProjectCompany.objects.filter(project=OuterRef("pk"), country=country)
        if not any_company:
            companies = companies.filter(role=CompanyRole.PRODUCER)
        projects = projects.filter(Exists(companies))
    if genre:
        projects = projects.filter(genre=genre)
    if director_gender:
        projects = projects.filter(
            Exists(Director.objects.filter(project=OuterRef("pk"), gender=director_gender))
        )
    if screening:
        projects = projects.filter(screening=screening)
    terms = search_terms(search)
    ranked = False
    if terms and connection.vendor == "postgresql":
        ranked = sort == RELEVANCE
        projects = _search_postgresql(projects, terms, ranked=ranked)
    elif terms:
        projects = projects.filter(pk__in=_search_in_python(projects, terms))
    projects = projects.annotate(
        title_key=Lower(Coalesce(NullIf("original_title", Value("")), "english_title")),
        producer_country=Subquery(producer_company().values("country")[:1]),
        missing_amount=F("total_budget") - Coalesce("secured_amount", Value(Decimal("0"))),
    )
    if sort.lstrip("-") not in STAFF_SORTS:
        sort = DEFAULT_SORT
    descending = sort.startswith("-")
    ordering = [
        F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
        for name in STAFF_SORTS[sort.lstrip("-")]
    ]
    if ranked:
        ordering[:0] = [F("search_score").desc(), F("search_rank").desc()]
    return projects.order_by(*ordering)


# --- Searching the staff list -------------------------------------------------------------
# A search is cut into words (letters and digits; any other character separates them),
# folded (lower case, accents off: "Ríos" is "rios"). Every word must match (AND), each
# one anywhere: the beginning of a word of the original or English title, of a director's
# name, of a company's name or of the producer's name; part of the producer's email; or a
# country of one of the film's companies (producer or co-producer), by its code ("BO") or
# the beginning of a word of its name in the page's language or in English ("Bolivie",
# "Boliv", "Bolivia").
#
# On PostgreSQL each word is a prefix text-search query ('simple' configuration: no
# stemming, no stop words), answered by the GIN indexes of migration 0003_search_indexes
# on the words of the titles, of the directors' names and of the companies' names, without
# accents through that migration's immutable wip_unaccent(). Sorted by relevance (the
# default), the best match comes first: first by the sum, over the words, of the weight of
# the best place each matches (SEARCH_WEIGHTS: a title weighs most), then by ts_rank of the
# words over the titles, then the latest submitted. (ts_rank over a document of every name
# would aggregate the directors' and companies' names of every matching project: more than
# twice as slow when a word matches most of an edition of 2,000.)
#
# On SQLite (development) the same matching runs in Python over the names of the filtered
# applications (three queries), with no ranking: the latest submitted come first.

_WORD = re.compile(r"[^\W_]+")
# Letters that Unicode does not decompose into a letter and an accent, folded as
# PostgreSQL's unaccent folds them.
_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
    }
)


def fold(text: str) -> str:
    """The text in lower case without accents: "Los Ríos" is "los rios"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_LETTERS)


def search_terms(search: str) -> list[str]:
    """The distinct folded words of a search, in their order. Only letters and digits are
    kept: quotes, operators and control characters separate words and go no further."""
    return list(dict.fromkeys(_WORD.findall(fold(search or ""))))


@functools.lru_cache(maxsize=8)
def _country_words(language: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each country's code with the folded words of its name in `language` and in
    English."""
    names = {}
    for code in ("en", language):
        with translation.override(code):
            for country in countries:
                names.setdefault(country.code, set()).update(_WORD.findall(fold(country.name)))
    return tuple((code, frozenset(words)) for code, words in names.items())


def countries_matching(term: str) -> set[str]:
    """The codes of the countries a folded search word stands for: its code, or the
    beginning of a word of its name in the active language or in English."""
    return {
        code
        for code, words in _country_words(translation.get_language() or "en")
        if term == code.lower() or any(word.startswith(term) for word in words)
    }


class _IndexedWords(Func):
    """to_tsvector('simple', wip_unaccent(the texts joined by spaces)): spelled exactly as
    the expressions of the GIN indexes of migration 0003_search_indexes, so that
    PostgreSQL answers with them."""

    template = "to_tsvector('simple'::regconfig, wip_unaccent(%(expressions)s))"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()


class _Unaccent(Func):
    """The text without accents, for expressions computed row by row: unaccent() itself,
    several times quicker than the SQL function wip_unaccent() that indexes need."""

    template = "unaccent('unaccent'::regdictionary, %(expressions)s)"
    output_field = TextField()


def _query(terms, joiner="&"):
    """A text-search query of folded words (letters and digits only), each matching the
    beginning of a word ('rios':*). A constant: PostgreSQL computes it once a query, not
    once a row as it would through unaccent()."""
    raw = f" {joiner} ".join(f"'{term}':*" for term in terms)
    return SearchQuery(raw, config="simple", search_type="raw")


# How much a word counts in the relevance by where it matches: as ts_rank weighs the
# labels A, B, C and D by default.
SEARCH_WEIGHTS = {"title": 1.0, "director": 0.4, "company": 0.2, "other": 0.1}


def _word_matches(term) -> dict[str, Q]:
    """Where a folded word may match, each place a condition on the projects."""
    query = _query([term])
    name_words = _IndexedWords(F("name"))
    title_words = _IndexedWords(F("original_title"), F("english_title"))
    other = Q(owner__email__icontains=term) | Q(owner_name__iregex=rf"\m{term}")
    codes = countries_matching(term)
    if codes:
        companies = ProjectCompany.objects.filter(country__in=sorted(codes))
        other = Q(pk__in=companies.values("project_id")) | other
    return {
        "title": Q(
            pk__in=Project.objects.alias(words=title_words).filter(words=query).values("pk")
        ),
        "director": Q(
            pk__in=Director.objects.alias(words=name_words).filter(words=query).values("project_id")
        ),
        "company": Q(
            pk__in=ProjectCompany.objects.alias(words=name_words)
            .filter(words=query)
            .values("project_id")
        ),
        "other": other,
    }


def _search_postgresql(projects, terms, *, ranked):
    """The projects matching every word; with `ranked`, annotated with `search_score` (for
    each word, the weight of the best place it matches) and `search_rank` (ts_rank of the
    words over the titles), the keys of the best match first."""
    # The producer's name is matched row by row (it is in the accounts' table), by a
    # regular expression: \m is the beginning of a word, the word is letters and digits.
    projects = projects.alias(owner_name=_Unaccent(F("owner__full_name")))
    scores = []
    for term in terms:
        matches = _word_matches(term)
        projects = projects.filter(functools.reduce(operator.or_, matches.values()))
        scores.append(
            Case(
                *(When(matches[place], then=Value(SEARCH_WEIGHTS[place])) for place in matches),
                output_field=FloatField(),
            )
        )
    if not ranked:
        return projects
    titles = SearchVector(
        _Unaccent(F("original_title")), _Unaccent(F("english_title")), config="simple"
    )
    return projects.annotate(
        search_score=functools.reduce(operator.add, scores),
        search_rank=SearchRank(titles, _query(terms, "|")),
    )


def _search_in_python(projects, terms) -> list[int]:
    """The pks of `projects` that match every word, matched in Python over their names
    (three queries): the SQLite fallback of the search."""
    projects = projects.order_by()
    texts, emails, codes = {}, {}, {}
    for pk, original, english, name, email in projects.values_list(
        "pk", "original_title", "english_title", "owner__full_name", "owner__email"
    ):
        texts[pk] = [original, english, name]
        emails[pk] = email.lower()
        codes[pk] = set()
    in_projects = projects.values("pk")
    for pk, name in (
        Director.objects.filter(project__in=in_projects).order_by().values_list("project", "name")
    ):
        texts[pk].append(name)
    for pk, name, country in (
        ProjectCompany.objects.filter(project__in=in_projects)
        .order_by()
        .values_list("project", "name", "country")
    ):
        texts[pk].append(name)
        codes[pk].add(country)
    term_codes = {term: countries_matching(term) for term in terms}
    matching = []
    for pk, names in texts.items():
        words = set(_WORD.findall(fold(" ".join(names))))
        if all(
            any(word.startswith(term) for word in words)
            or term in emails[pk]
            or codes[pk] & term_codes[term]
            for term in terms
        ):
            matching.append(pk)
    return matching


# The rows eligibility.check_project reads, fetched in bulk for lists.
BULK_RELATIONS = ("companies", "directors", "cuts", "stills", "documents")


class _Rows:
    """A relation fetched in bulk, read as check_project reads it: `.all()`."""

    __slots__ = ("rows",)

    def __init__(self, rows):
        self.rows = rows

    def all(self):
        return self.rows


class BulkProject:
    """A project whose companies, directors, cuts, stills and documents were fetched in
    bulk into lists (`Prefetch(..., to_attr="bulk_<relation>")`), seen as
    eligibility.check_project reads a project. Django's prefetch into related managers
    builds a filtered queryset for every project and relation (about 0.1 ms each): at
    2,000 applications that alone took more than half a second. Every other attribute
    is the project's own."""

    current_cut = Project.current_cut

    def __init__(self, project):
        self.project = project
        for name in BULK_RELATIONS:
            setattr(self, name, _Rows(getattr(project, f"bulk_{name}")))

    def __getattr__(self, name):
        return getattr(self.project, name)


class BulkCall:
    """A call as check_project reads it for many projects: the lists of its rules (the
    eligible countries, the accepted stages and subtitles in words) made once, not once
    per project. Every other attribute is the call's own."""

    def __init__(self, call):
        self.call = call
        self.eligible_countries = list(call.eligible_countries)
        self._stages = call.get_accepted_stages_display()
        self._subtitles = call.get_accepted_subtitles_display()

    def get_accepted_stages_display(self):
        return self._stages

    def get_accepted_subtitles_display(self):
        return self._subtitles

    def __getattr__(self, name):
        return getattr(self.call, name)


class CallCache(dict):
    """One BulkCall per call id, for checking the projects of a list."""

    def __missing__(self, call):
        self[call] = value = BulkCall(call)
        return value


def bulk_view(project):
    """The project as check_project should read it: through its bulk-fetched lists when
    it has them, else itself (its managers, prefetched or not)."""
    return BulkProject(project) if hasattr(project, "bulk_companies") else project


# The columns of each relation that the rows of the list and the export, and
# check_project, read. Ordered by project id, not by the models' default ordering (which
# starts with "project" and so would join the projects again only to sort).
BULK_QUERYSETS = {
    "companies": lambda: ProjectCompany.objects.only(
        "project_id", "name", "country", "role", "share", "position"
    ).order_by("project_id", "position", "pk"),
    "directors": lambda: Director.objects.only(
        "project_id", "name", "nationality", "gender", "photo", "position"
    ).order_by("project_id", "position", "pk"),
    "cuts": lambda: Cut.objects.only(
        "project_id", "number", "runtime", "stage", "subtitles", "screener_url"
    ).order_by("project_id", "-number"),
    "stills": lambda: Still.objects.only("project_id").order_by("project_id", "position", "pk"),
    "documents": lambda: Document.objects.only("project_id", "kind").order_by("project_id", "kind"),
}


def _bulk_prefetches():
    return [
        Prefetch(relation, queryset=queryset(), to_attr=f"bulk_{relation}")
        for relation, queryset in BULK_QUERYSETS.items()
    ]


def with_eligibility_data(projects):
    """What a row of the list or the export (and eligibility.check_project, through
    bulk_view) reads, in a fixed number of queries whatever the number of projects."""
    return projects.select_related("call", "owner", "selected_session").prefetch_related(
        *_bulk_prefetches()
    )


def _lean_eligibility_queryset(projects):
    """The projects with only the columns the eligibility check reads: for computing the
    state of every application of an edition at once."""
    fields = {name for names in eligibility.REQUIRED_FIELDS.values() for name in names}
    fields |= {"call_id", "premiere_status", "total_budget", "secured_amount", "screening"}
    return projects.only(*sorted(fields)).prefetch_related(*_bulk_prefetches())


def pks_with_eligibility(projects, *, state: str, edition) -> list[int]:
    """The pks of `projects`, in their order, whose computed eligibility is `state`. The
    check runs in memory over bulk-fetched rows: a fixed number of queries, time in
    proportion to the number of applications (see bench/bench_submissions.py)."""
    calls = {call.pk: BulkCall(call) for call in edition.calls.all()}
    return [
        project.pk
        for project in _lean_eligibility_queryset(projects)
        if eligibility_state(
            eligibility.check_project(BulkProject(project), call=calls[project.call_id])
        )
        == state
    ]


def edition_countries(*, edition) -> list[str]:
    """The countries of the companies of the edition's applications, sorted by name in
    the active language: the choices of the list's country filter."""
    codes = (
        ProjectCompany.objects.filter(project__call__edition=edition)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(codes, key=lambda code: countries.name(code))


def status_counts(*, edition) -> dict[str, int]:
    """How many applications of the edition are in each status, in one query."""
    counts = dict(
        Project.objects.filter(call__edition=edition)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return {status: counts.get(status, 0) for status in ProjectStatus.values}


def staff_project_events(project):
    """The project's whole history for staff, staff-only entries included."""
    return (
        ProjectEvent.objects.filter(project=project)
        .select_related("by")
        .order_by("created_at", "pk")
    )


def carry_over_calls(project):
    """The other calls of the project's programme a project may be carried over to."""
    return (
        Call.objects.filter(edition__programme_id=project.call.edition.programme_id)
        .exclude(pk=project.call_id)
        .select_related("edition")
        .order_by("-closes_at")
    )
