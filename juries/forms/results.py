"""Forms of the results: the staff's sending, filters and a draft's feedback, and the
producer's answer to their place."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Answer, ResultOutcome, Selection


class ResultFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"), required=False, choices=[("", _("Every result")), *ResultOutcome.choices]
    )
    state = forms.ChoiceField(
        label=_("Mail"),
        required=False,
        choices=[("", _("Drafts and sent")), ("draft", _("Drafts")), ("sent", _("Sent"))],
    )
    answer = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[("", _("Any answer")), *[(a, label) for a, label in Answer.choices if a]],
    )
    q = forms.CharField(label=_("Title or producer"), required=False, max_length=100)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}


class SendResultsForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Send"),
        required=False,
        choices=[("", _("Every draft")), *ResultOutcome.choices],
    )


class NoticeForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback for the producer"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Drafted, unsigned, from what the jurors wrote for the producer, if they did. "
            "Edit it as you wish."
        ),
    )
    include_feedback = forms.BooleanField(
        label=_("Send this feedback with the result"), required=False
    )


class ConfirmDaysForm(forms.ModelForm):
    class Meta:
        model = Selection
        fields = ["confirm_days"]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(Answer.CONFIRMED, _("Confirm")), (Answer.DECLINED, _("Decline"))],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label=_("A note for the festival team (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
