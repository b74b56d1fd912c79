"""The staff's cockpit of an edition: where it stands, in figures and pictures, and how it
compares with the programme's other editions.

Every figure is an aggregate query, so the page costs the same number of queries for 20
applications or 2,000. An application's country is its producing company's (the first
company with the "producer" role, as on the list of applications). The applications
counted are those that reached the festival (not drafts); directors are counted as
people, once per application they direct. "Selected" is the selection as it stands:
placed as selected, locked or not.

Amounts are never added across currencies: the financing still missing is given per
currency, and by country within each.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from editions.models import Edition
from submissions.models import (
    CompanyRole,
    Director,
    Gender,
    Genre,
    Project,
    ProjectCompany,
    ProjectStatus,
)
from submissions.selectors import producer_company

from .models import Placement, PlacementKind, Round
from .selectors import review_counts

TOP_COUNTRIES = 12


@dataclass
class Bar:
    label: str
    value: int | Decimal
    share: float = 0.0  # of the largest bar, 0–1: the bar's length
    percent: float = 0.0  # of the total, 0–100
    key: str = ""


@dataclass
class Pair:
    """One category with its share among applicants and among the selected."""

    label: str
    applicants: int
    selected: int
    applicants_percent: float = 0.0
    selected_percent: float = 0.0
    key: str = ""


@dataclass
class Milestone:
    label: str
    start: dt.date
    end: dt.date | None = None
    kind: str = "event"  # call, session, jury, edition
    # Positions on the timeline, 0–100.
    left: float = 0.0
    width: float = 0.0


@dataclass
class Timeline:
    start: dt.date
    end: dt.date
    today: dt.date
    today_left: float | None  # None when today is off the timeline
    milestones: list[Milestone] = field(default_factory=list)


def bars(rows: list[tuple[str, int | Decimal, str]], *, sort: bool = True) -> list[Bar]:
    """(label, value, key) rows as bars, largest first (or in their order)."""
    if sort:
        rows = sorted(rows, key=lambda row: (-row[1], row[0]))
    top = max((row[1] for row in rows), default=0) or 1
    total = sum(row[1] for row in rows) or 1
    return [
        Bar(label, value, float(value) / float(top), 100.0 * float(value) / float(total), key)
        for label, value, key in rows
    ]


def pairs(choices, applicants: dict, selected: dict) -> list[Pair]:
    total_applicants = sum(applicants.values()) or 1
    total_selected = sum(selected.values()) or 1
    return [
        Pair(
            str(label),
            applicants.get(value, 0),
            selected.get(value, 0),
            100.0 * applicants.get(value, 0) / total_applicants,
            100.0 * selected.get(value, 0) / total_selected,
            value,
        )
        for value, label in choices
    ]


def _producer_country():
    return Subquery(producer_company().values("country")[:1])


def applications(edition):
    return Project.objects.filter(call__edition=edition).exclude(status=ProjectStatus.DRAFT)


def selected_ids(edition):
    return Placement.objects.filter(selection__edition=edition, kind=PlacementKind.SELECTED).values(
        "project"
    )


def country_name(code: str) -> str:
    return str(dict(countries).get(code, code)) if code else _("Unknown")


def by_status(edition) -> list[Bar]:
    rows = (
        Project.objects.filter(call__edition=edition)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = dict(rows)
    return [
        bar
        for bar in bars(
            [(str(label), counts.get(value, 0), value) for value, label in ProjectStatus.choices]
        )
        if bar.value
    ]


def by_country(edition) -> list[Bar]:
    rows = (
        applications(edition)
        .annotate(country=_producer_country())
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    rows = [(country_name(code), n, code or "") for code, n in rows]
    rows.sort(key=lambda row: (-row[1], row[0]))
    if len(rows) > TOP_COUNTRIES:
        rest = rows[TOP_COUNTRIES - 1 :]
        rows = rows[: TOP_COUNTRIES - 1]
        rows.append(
            (
                ngettext("%(count)s other country", "%(count)s other countries", len(rest))
                % {"count": len(rest)},
                sum(row[1] for row in rest),
                "others",
            )
        )
    # "Others" stays last, whatever its size; the scale is the largest bar's.
    return bars(rows, sort=False)


def by_genre(edition) -> list[Bar]:
    counts = dict(
        applications(edition)
        .order_by()
        .values("genre")
        .annotate(n=Count("pk"))
        .values_list("genre", "n")
    )
    rows = [(str(label), counts.get(value, 0), value) for value, label in Genre.choices]
    if counts.get(""):
        rows.append((_("Not given"), counts[""], ""))
    return [bar for bar in bars(rows) if bar.value]


def _director_counts(edition, field_name: str) -> tuple[dict, dict]:
    rows = (
        Director.objects.filter(project__in=applications(edition))
        .order_by()
        .values(field_name)
        .annotate(
            applicants=Count("pk"),
            selected=Count("pk", filter=Q(project__in=selected_ids(edition))),
        )
    )
    applicants = {row[field_name]: row["applicants"] for row in rows}
    selected = {row[field_name]: row["selected"] for row in rows}
    return applicants, selected


def by_gender(edition) -> list[Pair]:
    applicants, selected = _director_counts(edition, "gender")
    return pairs(Gender.choices, applicants, selected)


FEATURES = (
    ("first", _("First feature")),
    ("second", _("Second feature")),
    ("later", _("Third or later")),
)


def _feature_bucket(previous: int) -> str:
    return "first" if previous == 0 else "second" if previous == 1 else "later"


def by_feature(edition) -> list[Pair]:
    applicants_raw, selected_raw = _director_counts(edition, "previous_features")
    applicants: dict[str, int] = {}
    selected: dict[str, int] = {}
    for previous, count in applicants_raw.items():
        bucket = _feature_bucket(previous or 0)
        applicants[bucket] = applicants.get(bucket, 0) + count
    for previous, count in selected_raw.items():
        bucket = _feature_bucket(previous or 0)
        selected[bucket] = selected.get(bucket, 0) + count
    return pairs([(key, str(label)) for key, label in FEATURES], applicants, selected)


MISSING = ExpressionWrapper(
    F("total_budget") - Coalesce(F("secured_amount"), Decimal("0")),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def money_missing(edition) -> list[dict]:
    """Per currency: the financing still missing in total, over how many applications,
    and by country."""
    rows = (
        applications(edition)
        .filter(total_budget__isnull=False)
        .exclude(currency="")
        .annotate(country=_producer_country(), missing=MISSING)
        .order_by()
        .values("currency", "country")
        .annotate(total=Sum("missing"), n=Count("pk"))
    )
    by_currency: dict[str, dict] = {}
    for row in rows:
        entry = by_currency.setdefault(
            row["currency"], {"currency": row["currency"], "total": Decimal("0"), "count": 0}
        )
        entry["total"] += row["total"] or Decimal("0")
        entry["count"] += row["n"]
        entry.setdefault("rows", []).append(
            (country_name(row["country"] or ""), row["total"] or Decimal("0"), row["country"] or "")
        )
    result = []
    for entry in sorted(by_currency.values(), key=lambda e: (-e["count"], e["currency"])):
        entry["countries"] = bars(entry.pop("rows"))
        result.append(entry)
    return result


def jury_progress(edition) -> list[dict]:
    rounds = list(Round.objects.filter(edition=edition).order_by("number"))
    counts = review_counts(rounds)
    result = []
    for round_ in rounds:
        assigned, submitted = counts.get(round_.pk, (0, 0))
        result.append(
            {
                "round": round_,
                "assigned": assigned,
                "submitted": submitted,
                "percent": 100.0 * submitted / assigned if assigned else 0.0,
            }
        )
    return result


def timeline(edition, *, today: dt.date | None = None) -> Timeline:
    today = today or timezone.localdate(timezone=edition.tz)
    milestones = []
    for call in edition.calls.all():
        milestones.append(
            Milestone(
                _("Call: %(title)s") % {"title": call.title},
                call.local_opens_at.date(),
                timezone.localtime(call.closes_at, edition.tz).date(),
                "call",
            )
        )
    for round_ in Round.objects.filter(edition=edition, deadline__isnull=False).order_by("number"):
        milestones.append(
            Milestone(
                _("Jury deadline: %(round)s") % {"round": round_.name},
                timezone.localtime(round_.deadline, edition.tz).date(),
                kind="jury",
            )
        )
    for session in edition.sessions.all():
        milestones.append(
            Milestone(
                _("Session: %(session)s") % {"session": session.display_name},
                session.starts_on,
                session.ends_on,
                "session",
            )
        )
    days = [m.start for m in milestones] + [m.end for m in milestones if m.end]
    start = min([*days, edition.starts_on])
    end = max([*days, edition.ends_on])
    span = max((end - start).days, 1)

    def position(day):
        return 100.0 * (day - start).days / span

    for milestone in milestones:
        milestone.left = position(milestone.start)
        if milestone.end:
            milestone.width = max(position(milestone.end) - milestone.left, 0.6)
    milestones.sort(key=lambda m: (m.start, m.kind))
    today_left = position(today) if start <= today <= end else None
    return Timeline(start, end, today, today_left, milestones)


def edition_dashboard(edition, *, today: dt.date | None = None) -> dict:
    status = by_status(edition)
    return {
        "timeline": timeline(edition, today=today),
        "status": status,
        "applications": sum(bar.value for bar in status if bar.key != ProjectStatus.DRAFT),
        "drafts": sum(bar.value for bar in status if bar.key == ProjectStatus.DRAFT),
        "countries": by_country(edition),
        "genres": by_genre(edition),
        "gender": by_gender(edition),
        "features": by_feature(edition),
        "money": money_missing(edition),
        "jury": jury_progress(edition),
        "selected": Placement.objects.filter(
            selection__edition=edition, kind=PlacementKind.SELECTED
        ).count(),
    }


# --- Across editions --------------------------------------------------------------------


def comparison(programme) -> list[dict]:
    """Per edition of the programme, oldest first: applications, countries, and the share
    of women among the directors who applied and who were selected."""
    editions = list(
        Edition.objects.filter(programme=programme)
        .select_related("programme")
        .order_by("year", "number")
    )
    apps = (
        Project.objects.filter(call__edition__programme=programme)
        .exclude(status=ProjectStatus.DRAFT)
        .order_by()
        .values("call__edition")
        .annotate(n=Count("pk"))
        .values_list("call__edition", "n")
    )
    applications_by_edition = dict(apps)
    countries_rows = (
        ProjectCompany.objects.filter(
            project__call__edition__programme=programme, role=CompanyRole.PRODUCER
        )
        .exclude(project__status=ProjectStatus.DRAFT)
        .order_by()
        .values("project__call__edition")
        .annotate(n=Count("country", distinct=True))
        .values_list("project__call__edition", "n")
    )
    countries_by_edition = dict(countries_rows)
    placed = Exists(
        Placement.objects.filter(
            project=OuterRef("project"),
            selection__edition=OuterRef("project__call__edition"),
            kind=PlacementKind.SELECTED,
        )
    )
    directors = (
        Director.objects.filter(project__call__edition__programme=programme)
        .exclude(project__status=ProjectStatus.DRAFT)
        .annotate(placed=placed)
        .order_by()
        .values("project__call__edition")
        .annotate(
            total=Count("pk"),
            women=Count("pk", filter=Q(gender=Gender.WOMAN)),
            selected_total=Count("pk", filter=Q(placed=True)),
            selected_women=Count("pk", filter=Q(placed=True, gender=Gender.WOMAN)),
        )
    )
    parity = {row["project__call__edition"]: row for row in directors}
    rows = []
    for edition in editions:
        row = parity.get(edition.pk, {})
        total, women = row.get("total", 0), row.get("women", 0)
        selected_total, selected_women = row.get("selected_total", 0), row.get("selected_women", 0)
        rows.append(
            {
                "edition": edition,
                "applications": applications_by_edition.get(edition.pk, 0),
                "countries": countries_by_edition.get(edition.pk, 0),
                "women_percent": 100.0 * women / total if total else None,
                "selected_women_percent": (
                    100.0 * selected_women / selected_total if selected_total else None
                ),
            }
        )
    top = max((row["applications"] for row in rows), default=0) or 1
    for row in rows:
        row["share"] = row["applications"] / top
    return rows
