"""Forms of the dossiers' staff page: which scope to build, and a link for a guest."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dossiers import LINK_DAYS_MAX


class ScopeForm(forms.Form):
    """A session of the edition, or none for the catalogue of the whole edition."""

    session = forms.ModelChoiceField(
        label=pgettext_lazy("screening session", "Session"),
        queryset=None,
        required=False,
        empty_label=_("The whole edition"),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = edition.sessions.all()


class StartDossierForm(ScopeForm):
    language = forms.ChoiceField(
        label=_("Language of the catalogue"), choices=settings.LANGUAGES, required=False
    )


class DossierLinkForm(ScopeForm):
    label = forms.CharField(
        label=_("For"),
        max_length=200,
        help_text=_("Who the link is for, e.g. a sales agent."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=LINK_DAYS_MAX,
        initial=30,
    )
