"""Forms of the producer's pages: the profile and the steps of the application. A draft
saves even when incomplete; only real errors (too long, negative, not a number, not a
date…) are refused, each with a message by its field."""

from decimal import Decimal

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import (
    Director,
    PostProductionItem,
    ProducerProfile,
    Project,
    ProjectCompany,
)

NUMBER_MESSAGES = {
    "invalid": _("Enter a number, using digits only (no letters or currency signs)."),
    "min_value": _("Enter an amount of 0 or more."),
    "max_digits": _("This amount is too large."),
    "max_decimal_places": _("Use at most two decimal places."),
}


class CountedFieldsMixin:
    """Marks every field with a maximum length so portal.js shows "123 / 500" under it as
    the producer types, and says the limit in the length error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.widget.attrs.get("maxlength"):
                field.widget.attrs["data-counter"] = ""
                field.error_messages["max_length"] = _(
                    "This text is too long: %(show_value)s characters; at most %(limit_value)s fit."
                )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# --- Profile ----------------------------------------------------------------------------


class ProducerProfileForm(CountedFieldsMixin, forms.ModelForm):
    website = forms.URLField(
        label=capfirst(_("website")),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = ProducerProfile
        fields = ["company", "country", "address", "phone", "website", "contact_person"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "company": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_person": forms.TextInput(attrs={"autocomplete": "name"}),
        }


# --- Step 1: the project ----------------------------------------------------------------


class ProjectStepForm(CountedFieldsMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
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
            "previous_festivals",
        ]
        widgets = {
            "logline": forms.Textarea(attrs={"rows": 2}),
            "short_synopsis": forms.Textarea(attrs={"rows": 4}),
            "long_synopsis": forms.Textarea(attrs={"rows": 10}),
            "director_statement": forms.Textarea(attrs={"rows": 8}),
            "previous_festivals": forms.Textarea(attrs={"rows": 4}),
            "premiere_status": forms.RadioSelect,
            "expected_runtime": forms.NumberInput(attrs={"min": 1, "max": 600}),
        }
        help_texts = {
            "english_title": _("The title the film will have in English, even if provisional."),
            "languages": _("E.g. Spanish, Quechua; subtitles in English."),
            "logline": _("One or two sentences for the catalogue."),
            "premiere_status": _("A work in progress must not have premiered."),
            "previous_festivals": _(
                "Festivals, markets, work-in-progress sections and awards the project has "
                "been to, with years. Leave empty if none."
            ),
        }
        error_messages = {
            "expected_runtime": {
                "invalid": _("Enter the runtime in whole minutes, e.g. 90."),
                "min_value": _("The runtime must be at least 1 minute."),
                "max_value": _("The runtime can be at most 600 minutes."),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank is a valid draft: no "---------" choice is forced on anyone.
        self.fields["premiere_status"].choices = [
            choice for choice in self.fields["premiere_status"].choices if choice[0]
        ]


# --- Step 2: the team -------------------------------------------------------------------


class CompanyForm(CountedFieldsMixin, forms.ModelForm):
    class Meta:
        model = ProjectCompany
        fields = ["name", "country", "role", "share"]
        widgets = {
            "share": forms.NumberInput(
                attrs={"min": "0.01", "max": "100", "step": "0.01", "data-share": ""}
            ),
        }
        error_messages = {
            "share": {
                "invalid": _("Enter the share as a number, e.g. 60 or 33.34."),
                "min_value": _("A share must be more than 0 %%."),
                "max_value": _("A share can be at most 100 %%."),
                "max_digits": _("Enter a share between 0.01 and 100."),
                "max_decimal_places": _("Use at most two decimal places."),
                "required": _("Enter this company's share of the production."),
            },
            "name": {"required": _("Enter the company's name.")},
            "country": {"required": _("Choose the company's country.")},
        }


class RowsFormSet(BaseInlineFormSet):
    """Rows of a step (companies, directors, needs), each with a "remove" box."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


class BaseCompanyFormSet(RowsFormSet):
    def clean(self):
        super().clean()
        total = Decimal("0")
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            total += form.cleaned_data.get("share") or Decimal("0")
        self.total_share = total


CompanyFormSet = inlineformset_factory(
    Project,
    ProjectCompany,
    form=CompanyForm,
    formset=BaseCompanyFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
    # Django's default (max_num + 1000) builds and renders a thousand rows for a
    # tampered TOTAL_FORMS, tens of seconds of work; beyond max_num it is refused.
    absolute_max=20,
)


class DirectorForm(CountedFieldsMixin, forms.ModelForm):
    class Meta:
        model = Director
        fields = ["name", "nationality", "gender", "previous_features", "biography"]
        widgets = {
            "biography": forms.Textarea(attrs={"rows": 5}),
            "previous_features": forms.NumberInput(attrs={"min": 0, "max": 99}),
        }
        error_messages = {
            "previous_features": {
                "invalid": _("Enter a whole number, e.g. 0 for a first feature."),
                "max_value": _("Enter a number from 0 to 99."),
                "min_value": _("Enter a number from 0 to 99."),
            },
            "name": {"required": _("Enter the director's name.")},
            "nationality": {"required": _("Choose the director's nationality.")},
            "gender": {"required": _("Choose an answer (“Prefers not to say” is one).")},
        }


DirectorFormSet = inlineformset_factory(
    Project,
    Director,
    form=DirectorForm,
    formset=RowsFormSet,
    extra=1,
    can_delete=True,
    max_num=10,
    validate_max=True,
    absolute_max=10,  # see CompanyFormSet
)


# --- Step 3: post-production and financing ----------------------------------------------


class FinancingStepForm(CountedFieldsMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = ["currency", "total_budget", "secured_amount", "expected_completion"]
        widgets = {
            "total_budget": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "secured_amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "expected_completion": DateInput,
        }
        help_texts = {
            "secured_amount": _("Money confirmed in writing (contracts, awarded funds)."),
            "expected_completion": _("When the finished film should be ready."),
        }
        error_messages = {
            "total_budget": NUMBER_MESSAGES,
            "secured_amount": NUMBER_MESSAGES,
            "expected_completion": {
                "invalid": _("Enter a date as year-month-day, e.g. 2027-03-31."),
            },
        }

    def clean(self):
        cleaned = super().clean()
        total, secured = cleaned.get("total_budget"), cleaned.get("secured_amount")
        if total is not None and secured is not None and secured > total:
            self.add_error(
                "secured_amount",
                forms.ValidationError(
                    _("The financing secured cannot be more than the total budget."),
                    code="secured_above_total",
                ),
            )
        return cleaned


class PostProductionForm(CountedFieldsMixin, forms.ModelForm):
    class Meta:
        model = PostProductionItem
        fields = ["need", "amount", "details"]
        widgets = {"amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"})}
        error_messages = {
            "amount": {**NUMBER_MESSAGES, "required": _("Enter the amount this need requires.")},
            "need": {"required": _("Choose the need.")},
        }


class BasePostProductionFormSet(RowsFormSet):
    def clean(self):
        # Our message goes by the repeated need; Django's generic one would go above all.
        if not self._flag_repeated_needs():
            super().clean()

    def _flag_repeated_needs(self):
        repeated = False
        needs = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            need = form.cleaned_data.get("need")
            if need and need in needs:
                form.add_error(
                    "need",
                    forms.ValidationError(
                        _("This need is already listed; give its total on one line."),
                        code="duplicate_need",
                    ),
                )
                repeated = True
            needs.add(need)
        return repeated


PostProductionFormSet = inlineformset_factory(
    Project,
    PostProductionItem,
    form=PostProductionForm,
    formset=BasePostProductionFormSet,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
    absolute_max=20,  # see CompanyFormSet
)


# --- Withdrawing ------------------------------------------------------------------------


class WithdrawForm(CountedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The festival team will read it."),
    )
