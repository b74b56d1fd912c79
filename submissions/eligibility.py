"""Eligibility of a project for its call, computed from the call's rules.

`check_project(project)` returns one item per rule, each saying whether it passes, why
not, and which step of the application fixes it. The producer sees the list at any time;
submission is refused until every item passes.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext
from django.utils.translation import ngettext as django_ngettext

from editions.models import Material, SubtitleLanguage

from .models import CompanyRole, PremiereStatus


class Text:
    """A message translated and formatted only when it is shown. The staff list and the
    export check thousands of projects and show few of their messages."""

    __slots__ = ("_render",)

    def __init__(self, render):
        self._render = render

    def __mod__(self, params):
        render = self._render
        return Text(lambda: render() % params)

    def __str__(self):
        return self._render()

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


def _(message):
    return Text(lambda: gettext(message))


def ngettext(singular, plural, count):
    return Text(lambda: django_ngettext(singular, plural, count))


class Lazy:
    """A value put into a message, worked out only when the message is shown."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def __str__(self):
        return str(self._value())


# The steps of the application form, in order.
STEP_PROJECT = "project"
STEP_TEAM = "team"
STEP_FINANCING = "financing"
STEP_MATERIALS = "materials"
STEP_REVIEW = "review"
STEPS = [
    (STEP_PROJECT, _("The project")),
    (STEP_TEAM, _("The team")),
    (STEP_FINANCING, _("Post-production and financing")),
    (STEP_MATERIALS, _("Materials")),
    (STEP_REVIEW, _("Review and submit")),
]

# Fields every application fills, by step.
REQUIRED_FIELDS = {
    STEP_PROJECT: [
        "original_title",
        "english_title",
        "genre",
        "expected_runtime",
        "languages",
        "logline",
        "short_synopsis",
        "long_synopsis",
        "director_statement",
        "premiere_status",
    ],
    STEP_FINANCING: ["currency", "total_budget", "secured_amount", "expected_completion"],
}

HUNDRED = Decimal("100")


def _percent(value: Decimal) -> Lazy:
    """120 → "120", 50.5 → "50.50" (with the active language's decimal mark)."""
    return Lazy(lambda: floatformat(value, -2))


@dataclass(frozen=True)
class Item:
    code: str
    passed: bool
    text: Text
    step: str
    # An incomplete item can be completed; an ineligible one means the film does not fit
    # the call as it stands (a premiere, a country outside the list…).
    blocking: bool = False

    @property
    def failed(self):
        return not self.passed

    @property
    def message(self) -> str:
        return str(self.text)


def _complete(code, step, passed, text):
    return Item(code=code, passed=passed, text=text, step=step)


def _rule(code, step, passed, text):
    return Item(code=code, passed=passed, text=text, step=step, blocking=True)


def check_project(project, call=None) -> list[Item]:
    """Every rule, pass or fail. Reads the project's companies, directors, cuts, stills,
    documents and post-production items: prefetch them when checking many projects."""
    call = call or project.call
    items = []
    items += _check_fields(project)
    items += _check_companies(project, call)
    items += _check_directors(project)
    items += _check_cut(project, call)
    items += _check_premiere(project)
    items += _check_financing(project)
    items += _check_materials(project, call)
    return items


def _field_names(project, names):
    return Lazy(
        lambda: ", ".join(str(project._meta.get_field(name).verbose_name) for name in names)
    )


def _check_fields(project):
    items = []
    for step, names in REQUIRED_FIELDS.items():
        missing = [name for name in names if getattr(project, name) in (None, "")]
        items.append(
            _complete(
                f"fields_{step}",
                step,
                not missing,
                _("Fill in: %(fields)s.") % {"fields": _field_names(project, missing)}
                if missing
                else _("Every field of this step is filled in."),
            )
        )
    return items


def _check_companies(project, call):
    companies = list(project.companies.all())
    if not companies:
        return [_complete("companies", STEP_TEAM, False, _("Add the producing company."))]
    items = []
    producers = [company for company in companies if company.role == CompanyRole.PRODUCER]
    items.append(
        _complete(
            "producing_company",
            STEP_TEAM,
            bool(producers),
            _("One company is the producing company.")
            if producers
            else _("Say which company is the producing company."),
        )
    )
    total = sum((company.share for company in companies), Decimal("0"))
    items.append(
        _complete(
            "shares_total",
            STEP_TEAM,
            total == HUNDRED,
            _("The companies' shares add up to 100 %.")
            if total == HUNDRED
            else _("The companies' shares add up to %(total)s %%; they must add up to 100 %%.")
            % {"total": _percent(total)},
        )
    )
    eligible = {country.code for country in call.eligible_countries}
    if not eligible:
        return items
    by_country = defaultdict(Decimal)
    for company in companies:
        by_country[company.country.code] += company.share
    eligible_share = sum((s for c, s in by_country.items() if c in eligible), Decimal("0"))
    if call.majority_from_eligible_countries:
        items.append(
            _rule(
                "majority_eligible",
                STEP_TEAM,
                eligible_share > 50,
                _("Companies from eligible countries hold the majority (%(share)s %%).")
                % {"share": _percent(eligible_share)}
                if eligible_share > 50
                else _(
                    "Companies from eligible countries hold %(share)s %% of the film; "
                    "they must hold more than half."
                )
                % {"share": _percent(eligible_share)},
            )
        )
    outside = {code: share for code, share in by_country.items() if code not in eligible}
    largest_outside = max(outside.values(), default=Decimal("0"))
    if call.max_share_outside < 100 and outside:
        items.append(
            _rule(
                "share_outside",
                STEP_TEAM,
                largest_outside <= call.max_share_outside,
                _("No country outside the list holds more than %(limit)s %%.")
                % {"limit": call.max_share_outside}
                if largest_outside <= call.max_share_outside
                else _(
                    "A country outside the list holds %(share)s %%; the call allows at most "
                    "%(limit)s %%."
                )
                % {"share": _percent(largest_outside), "limit": call.max_share_outside},
            )
        )
    if call.min_eligible_countries > 1:
        count = len([code for code in by_country if code in eligible])
        items.append(
            _rule(
                "eligible_countries_count",
                STEP_TEAM,
                count >= call.min_eligible_countries,
                ngettext(
                    "Co-producers come from %(count)s eligible country; the call asks for "
                    "at least %(minimum)s.",
                    "Co-producers come from %(count)s eligible countries; the call asks for "
                    "at least %(minimum)s.",
                    count,
                )
                % {"count": count, "minimum": call.min_eligible_countries},
            )
        )
    return items


def _check_directors(project):
    directors = list(project.directors.all())
    return [
        _complete(
            "directors",
            STEP_TEAM,
            bool(directors),
            _("The director is named.") if directors else _("Add the director (or directors)."),
        )
    ]


def _check_cut(project, call):
    cut = project.current_cut()
    if cut is None:
        return [
            _complete(
                "cut",
                STEP_MATERIALS,
                False,
                _("Add the current cut with its runtime and screener link."),
            )
        ]
    items = [
        _rule(
            "runtime",
            STEP_MATERIALS,
            cut.runtime >= call.minimum_runtime,
            _("The current cut runs %(runtime)s minutes (at least %(minimum)s).")
            % {"runtime": cut.runtime, "minimum": call.minimum_runtime}
            if cut.runtime >= call.minimum_runtime
            else _(
                "The current cut runs %(runtime)s minutes; the call is for films of at least "
                "%(minimum)s minutes."
            )
            % {"runtime": cut.runtime, "minimum": call.minimum_runtime},
        )
    ]
    if call.accepted_stages:
        accepted = Lazy(lambda: ", ".join(map(str, call.get_accepted_stages_display())))
        items.append(
            _rule(
                "stage",
                STEP_MATERIALS,
                cut.stage in call.accepted_stages,
                _("The current cut is at an accepted stage (%(stage)s).")
                % {"stage": Lazy(cut.get_stage_display)}
                if cut.stage in call.accepted_stages
                else _(
                    "The current cut is at the stage “%(stage)s”; the call accepts: %(accepted)s."
                )
                % {"stage": Lazy(cut.get_stage_display), "accepted": accepted},
            )
        )
    if call.accepted_subtitles:
        accepted = Lazy(lambda: ", ".join(map(str, call.get_accepted_subtitles_display())))
        passed = cut.subtitles in call.accepted_subtitles
        items.append(
            _rule(
                "subtitles",
                STEP_MATERIALS,
                passed,
                _("The current cut has accepted subtitles.")
                if passed
                else _(
                    "The current cut has “%(subtitles)s”; the call asks for subtitles in: "
                    "%(accepted)s."
                )
                % {
                    "subtitles": Lazy(lambda: SubtitleLanguage(cut.subtitles).label),
                    "accepted": accepted,
                },
            )
        )
    return items


def _check_premiere(project):
    if not project.premiere_status:
        return []
    premiered = project.premiere_status == PremiereStatus.PREMIERED
    return [
        _rule(
            "premiere",
            STEP_PROJECT,
            not premiered,
            _("The film has not premiered.")
            if not premiered
            else _("A film that has already premiered cannot apply as a work in progress."),
        )
    ]


def _check_financing(project):
    if project.total_budget is None or project.secured_amount is None:
        return []
    within = project.secured_amount <= project.total_budget
    return [
        _complete(
            "secured_within_budget",
            STEP_FINANCING,
            within,
            _("The financing secured is within the total budget.")
            if within
            else _("The financing secured is more than the total budget."),
        )
    ]


def _check_materials(project, call):
    required = set(call.required_materials)
    items = []
    if Material.STILLS in required:
        count = len(project.stills.all())
        items.append(
            _complete(
                "stills",
                STEP_MATERIALS,
                1 <= count <= call.max_stills,
                ngettext(
                    "%(count)s still (the call accepts 1 to %(maximum)s).",
                    "%(count)s stills (the call accepts 1 to %(maximum)s).",
                    count,
                )
                % {"count": count, "maximum": call.max_stills}
                if count
                else _("Add at least one still from the film."),
            )
        )
    if Material.DIRECTOR_PHOTO in required:
        directors = list(project.directors.all())
        passed = bool(directors) and all(director.photo for director in directors)
        items.append(
            _complete(
                "director_photo",
                STEP_TEAM,
                passed,
                _("Every director has a photo.") if passed else _("Add a photo of every director."),
            )
        )
    if Material.SCREENER in required:
        cut = project.current_cut()
        items.append(
            _complete(
                "screener",
                STEP_MATERIALS,
                bool(cut and cut.screener_url),
                _("The current cut has a screener link.")
                if cut and cut.screener_url
                else _("Add the screener link of the current cut."),
            )
        )
    present = {document.kind for document in project.documents.all()}
    for code, label in Material.choices:
        if code in required and code not in {
            Material.STILLS,
            Material.DIRECTOR_PHOTO,
            Material.SCREENER,
        }:
            items.append(
                _complete(
                    f"document_{code}",
                    STEP_MATERIALS,
                    code in present,
                    _("%(document)s: uploaded.") % {"document": label}
                    if code in present
                    else _("%(document)s: still to upload.") % {"document": label},
                )
            )
    return items


def is_complete(items) -> bool:
    return all(item.passed for item in items)


def failures(items) -> list[Item]:
    return [item for item in items if item.failed]


def step_status(items) -> dict[str, bool]:
    """For the progress indicator: whether each step has nothing left to fix."""
    done = {step: True for step, _label in STEPS}
    for item in items:
        if item.failed:
            done[item.step] = False
    done[STEP_REVIEW] = all(done[step] for step, _label in STEPS if step != STEP_REVIEW)
    return done
