"""The staff list searched: the applications of bench_submissions (an edition with `size`
applications, their companies, directors, cuts, stills and documents), given titles,
directors' names and companies' names with accents that repeat across the edition.

Measured: the staff list not searched (to compare with); searched by a word of the titles
typed without its accent, by a director's surname with a country's name (two words, both
required), by a company's name with the status filter and a sort chosen, with the
computed-eligibility filter, and by a word nothing matches. Each page must say how many
applications match, counted here from the data: a search that finds too much or too
little stops the run."""

import re

from django.urls import reverse
from django.utils.http import urlencode

from submissions.models import CompanyRole, Director, Project, ProjectCompany, ProjectStatus

from . import bench_submissions
from .harness import Measurement

SIZES = [200, 2000]

# Ten title beginnings, seven endings, thirteen surnames, seven company names: the words
# searched for below start no other word of the data.
TITLE_HEADS = [
    "Los ríos",
    "La montaña",
    "El silencio",
    "Corazón",
    "Águas",
    "Tierra",
    "La noche",
    "Ceniza",
    "Bruma",
    "El viaje",
]
TITLE_TAILS = ["del sur", "de invierno", "perdidos", "de sal", "sin nombre", "que vuelven", "y yo"]
FIRST_NAMES = ["María", "José", "Inês", "Andrés", "Lucía", "João", "Begoña"]
SURNAMES = [
    "Núñez",
    "Pérez",
    "Gonçalves",
    "Ibáñez",
    "Muñoz",
    "Araújo",
    "Quispe",
    "Mamani",
    "Ñancupil",
    "Díaz",
    "Suárez",
    "Ortúzar",
    "Valdés",
]
COMPANY_WORDS = ["Cóndor", "Colibrí", "Jaguar", "Ceibo", "Quetzal", "Tucán", "Yaguareté"]


def title_of(index):
    head = TITLE_HEADS[index % len(TITLE_HEADS)]
    return f"{head} {TITLE_TAILS[index % len(TITLE_TAILS)]}"


def setup(size: int) -> dict:
    context = bench_submissions.setup(size)
    projects = list(Project.objects.filter(call__edition=context["edition"]).order_by("pk"))
    position = {project.pk: index for index, project in enumerate(projects)}
    for index, project in enumerate(projects):
        project.original_title = title_of(index)
        project.english_title = f"Film {index}"
    Project.objects.bulk_update(projects, ["original_title", "english_title"], batch_size=500)
    directors = list(Director.objects.filter(project__in=projects))
    for director in directors:
        index = position[director.project_id]
        director.name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {SURNAMES[index % len(SURNAMES)]}"
    Director.objects.bulk_update(directors, ["name"], batch_size=500)
    companies = list(ProjectCompany.objects.filter(project__in=projects, role=CompanyRole.PRODUCER))
    for company in companies:
        index = position[company.project_id]
        company.name = f"{COMPANY_WORDS[index % len(COMPANY_WORDS)]} Producciones"
    ProjectCompany.objects.bulk_update(companies, ["name"], batch_size=500)
    context["listed"] = [
        index for index, project in enumerate(projects) if project.status != ProjectStatus.DRAFT
    ]
    context["statuses"] = [project.status for project in projects]
    return context


def producing_country(index):
    return bench_submissions.COUNTRIES[index % len(bench_submissions.COUNTRIES)]


# Each search: its filters, and which listed applications (by index) it must find.
SEARCHES = {
    # The same list not searched, to compare with.
    "search_not_searching": ({}, lambda index: True),
    "search_title": (
        {"search": "rios"},
        lambda index: index % len(TITLE_HEADS) == 0,
    ),
    "search_director_country": (
        # Núñez is the first surname; Chile the producing company's country (or a
        # co-producer's, always France here).
        {"search": "nunez Chile"},
        lambda index: index % len(SURNAMES) == 0 and producing_country(index) == "CL",
    ),
    "search_company_filtered": (
        # bench_submissions puts one application in seven under review, these among them.
        {"search": "CONDOR", "status": ProjectStatus.UNDER_REVIEW, "sort": "title"},
        lambda index: index % len(COMPANY_WORDS) == 0,
    ),
    "search_eligible": (
        {"search": "montaña", "eligibility": "eligible"},
        None,  # computed eligibility: only the page's answer is checked
    ),
    "search_nothing": ({"search": "zzyzx"}, lambda index: False),
}

MATCHES = re.compile(r"(\d[\d,]*) applications? match")


def searched(name, filters, expected):
    def run(context, client):
        url = reverse("submissions:staff_list", kwargs={"edition_pk": context["edition"].pk})
        response = client.get(f"{url}?{urlencode(filters)}")
        if response.status_code != 200:
            raise AssertionError(f"{name}: GET answered {response.status_code}")
        found = MATCHES.search(response.content.decode())
        if found is None:
            raise AssertionError(f"{name}: the page does not say how many applications match")
        count = int(found.group(1).replace(",", ""))
        if expected is not None:
            wanted = sum(
                1
                for index in context["listed"]
                if expected(index)
                and ("status" not in filters or context["statuses"][index] == filters["status"])
            )
            if count != wanted or (wanted == 0 and name != "search_nothing"):
                raise AssertionError(f"{name}: {count} applications match, {wanted} expected")
        elif count == 0:
            raise AssertionError(f"{name}: no application matches")
        return response

    return Measurement(name=name, run=run, user="staff")


MEASUREMENTS = [searched(name, *search) for name, search in SEARCHES.items()]
