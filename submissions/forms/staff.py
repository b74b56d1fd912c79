"""Forms of the festival staff's pages: the filters of the list of applications, the
actions on a project (screening, reopening, messages, a new cut, carrying over) and the
invitation of a project entered on a producer's behalf."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from editions.models import Call

from .. import selectors
from ..models import LIMITS, Gender, Genre, ProjectStatus, Screening

ELIGIBILITY_CHOICES = [
    (selectors.ELIGIBLE, _("Eligible: everything passes")),
    (selectors.INCOMPLETE, _("Incomplete: something is missing")),
    (selectors.INELIGIBLE, _("Ineligible: a rule of the call fails")),
]

SORT_CHOICES = [
    (selectors.RELEVANCE, _("Best match first when searching, else latest submitted")),
    ("-submitted", _("Submitted, latest first")),
    ("submitted", _("Submitted, earliest first")),
    ("title", _("Title, A to Z")),
    ("-title", _("Title, Z to A")),
    ("country", _("Producing company's country, A to Z")),
    ("-budget", _("Budget, largest first")),
    ("budget", _("Budget, smallest first")),
    ("-missing", _("Financing missing, most first")),
    ("missing", _("Financing missing, least first")),
]


def _any(label):
    return [("", label)]


class ApplicationFilterForm(forms.Form):
    """The filters of the staff list, read from the query string. Unknown values are
    refused at the field and the list falls back to no filter for it."""

    search = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        strip=True,
        widget=forms.SearchInput,
        help_text=_(
            "Titles, directors, companies, their countries or the producer; every word must match."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    include_drafts = forms.BooleanField(label=_("Include drafts"), required=False)
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=Call.objects.none(), required=False, empty_label=_("All calls")
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("The producing company's country, among those of this edition's companies."),
    )
    any_company = forms.BooleanField(
        label=_("Any company of the film (co-producers too)"), required=False
    )
    genre = forms.ChoiceField(label=_("Genre"), required=False)
    eligibility = forms.ChoiceField(label=_("Computed eligibility"), required=False)
    screening = forms.ChoiceField(label=_("Staff screening"), required=False)
    director_gender = forms.ChoiceField(label=_("A director who is"), required=False)
    sort = forms.ChoiceField(
        label=pgettext_lazy("order of a list", "Sort by"), required=False, choices=SORT_CHOICES
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _any(_("All but drafts")) + list(ProjectStatus.choices)
        self.fields["call"].queryset = edition.calls.order_by("closes_at")
        self.fields["country"].choices = _any(_("Any country")) + [
            (code, countries.name(code)) for code in selectors.edition_countries(edition=edition)
        ]
        self.fields["genre"].choices = _any(_("Any genre")) + list(Genre.choices)
        self.fields["eligibility"].choices = _any(_("Any")) + ELIGIBILITY_CHOICES
        self.fields["screening"].choices = _any(_("Any")) + list(Screening.choices)
        self.fields["director_gender"].choices = _any(_("Anyone")) + list(Gender.choices)

    def filters(self) -> dict:
        """The valid filters, as keyword arguments of selectors.staff_applications (and
        `eligibility`, applied over the result)."""
        self.is_valid()  # a field with a bad value is left out of cleaned_data
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("search") or "",
            "status": data.get("status") or "",
            "include_drafts": bool(data.get("include_drafts")),
            "call": data.get("call"),
            "country": data.get("country") or "",
            "any_company": bool(data.get("any_company")),
            "genre": data.get("genre") or "",
            "director_gender": data.get("director_gender") or "",
            "screening": data.get("screening") or "",
            "sort": data.get("sort") or selectors.RELEVANCE,
            "eligibility": data.get("eligibility") or "",
        }


class ScreeningForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Screening.CONFIRMED, _("Confirm the computed eligibility")),
            (Screening.OVERRULED_ELIGIBLE, _("Overrule: declare it eligible")),
            (Screening.OVERRULED_INELIGIBLE, _("Overrule: declare it ineligible")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to overrule. Kept on the project; the producer does not see it."),
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        overruling = decision in (Screening.OVERRULED_ELIGIBLE, Screening.OVERRULED_INELIGIBLE)
        if overruling and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Write why you overrule the computed eligibility."))
        return cleaned


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the producer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mailed to the producer in their language and kept on the project's page."),
    )


class ReopenForm(forms.Form):
    message = forms.CharField(
        label=_("What should the producer correct?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The application goes back to draft; the producer gets this message by mail and "
            "must submit again."
        ),
    )


class RequestCutForm(forms.Form):
    message = forms.CharField(
        label=_("What should the new cut include?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CarryOverForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("Carry over to the call"),
        queryset=Call.objects.none(),
        help_text=_(
            "A copy of the application, with its cuts and materials, starts as a draft in "
            "that call; its history stays with it."
        ),
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls
        self.fields["call"].label_from_instance = lambda call: f"{call.edition} · {call.title}"


class InviteForm(forms.Form):
    """A project entered by staff for a producer invited to the programme."""

    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.none())
    original_title = forms.CharField(label=_("Original title"), max_length=LIMITS["original_title"])
    english_title = forms.CharField(
        label=_("English title"), max_length=LIMITS["english_title"], required=False
    )
    full_name = forms.CharField(label=_("Producer's full name"), max_length=150)
    email = forms.EmailField(label=_("Producer's email address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The producer's account and mails use it; they can change it later."),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        calls = edition.calls.order_by("closes_at")
        self.fields["call"].queryset = calls
        self.fields["call"].empty_label = None

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
