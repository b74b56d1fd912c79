"""Forms of the staff's jury pages. Each keeps what was typed and puts a clear message by
the field at fault; the services and the models' constraints give the rest."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editions.forms import ID_MAX, LocalDateTimeField

from ..models import Conflict, Criterion, JuryMember, PlacementKind, Round, RoundKind


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The mail and the page it links to are in this language."),
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=None,
        required=False,
        empty_label=_("The whole edition"),
    )
    affiliation = forms.CharField(
        label=_("Company or institution"),
        max_length=200,
        required=False,
        help_text=_("Used to suggest conflicts with the projects' companies."),
    )
    is_president = forms.BooleanField(label=_("Invite as president of the jury"), required=False)
    message = forms.CharField(
        label=_("Personal message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-limit": 2000}),
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["session"].queryset = edition.sessions.all()


class MemberForm(forms.ModelForm):
    class Meta:
        model = JuryMember
        fields = ["session", "affiliation", "max_load", "is_president"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = self.instance.edition.sessions.all()
        self.fields["session"].empty_label = _("The whole edition")


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "description", "weight", "scale_min", "scale_max", "position"]


class RoundForm(forms.ModelForm):
    deadline = LocalDateTimeField(label=_("Deadline for reviews"), required=False)
    reminder_days = forms.CharField(
        label=_("Reminders (days before the deadline)"),
        required=False,
        help_text=_("Numbers separated by commas, e.g. 7, 2, 1."),
    )

    class Meta:
        model = Round
        fields = [
            "name",
            "kind",
            "deadline",
            "reviews_per_project",
            "every_juror_reviews_all",
            "members",
        ]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        edition = self.instance.edition
        self.fields["members"].queryset = edition.jury_members.select_related("user")
        self.fields["members"].label_from_instance = lambda member: str(member.user)
        self.fields["members"].help_text = _(
            "Leave empty in a new final round to have the whole jury."
        )
        self.fields["members"].required = False
        self.fields["deadline"].help_text = _(
            "In the edition's time zone (%(zone)s). Reviews can be edited until then."
        ) % {"zone": edition.time_zone}
        if self.instance.pk:
            self.initial["reminder_days"] = ", ".join(
                str(day) for day in self.instance.reminder_days
            )

    def clean_reminder_days(self):
        text = self.cleaned_data["reminder_days"].replace(";", ",")
        days = []
        for part in filter(None, (part.strip() for part in text.split(","))):
            # isdigit() alone takes "²", which int() refuses: ASCII digits only.
            if not (part.isascii() and part.isdigit()) or not 0 < int(part) <= 90:
                raise forms.ValidationError(
                    _("Write whole numbers of days from 1 to 90, separated by commas.")
                )
            days.append(int(part))
        return days

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and not self.instance.pk and deadline <= timezone.now():
            raise forms.ValidationError(_("Choose a deadline in the future."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == RoundKind.PRESELECTION and cleaned.get("every_juror_reviews_all"):
            self.add_error(
                "every_juror_reviews_all",
                _("A pre-selection shares the applications among its committee."),
            )
        return cleaned


class AutoAssignForm(forms.Form):
    reviews_per_project = forms.IntegerField(
        label=_("Reviews per project"), min_value=1, max_value=50
    )


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Juror"), queryset=JuryMember.objects.none())
    project = forms.IntegerField(min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round_
        self.fields["member"].queryset = round_.members.select_related("user")
        self.fields["member"].label_from_instance = lambda member: str(member.user)

    def clean_project(self):
        project = self.round.entries.filter(project_id=self.cleaned_data["project"]).first()
        if project is None:
            raise forms.ValidationError(_("This project is not reviewed in this round."))
        return project.project


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Round._meta.get_field("phase").choices)


class ConflictForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Juror"), queryset=JuryMember.objects.none())
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, edition, **kwargs):
        from submissions.models import Project

        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = edition.jury_members.select_related("user")
        self.fields["member"].label_from_instance = lambda member: str(member.user)
        self.fields["project"].queryset = (
            Project.objects.submitted().filter(call__edition=edition).order_by("original_title")
        )


class ConflictFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *list(Conflict._meta.get_field("status").choices)],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class RankingFilterForm(forms.Form):
    session = forms.ModelChoiceField(
        label=_("Preferred session"),
        queryset=None,
        required=False,
        empty_label=_("Any"),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    genre = forms.ChoiceField(label=_("Genre"), required=False)
    order = forms.ChoiceField(
        label=_("Order by"),
        required=False,
        choices=[
            ("calibrated", _("Calibrated score")),
            ("mean", _("Mean")),
            ("median", _("Median")),
            ("spread", _("Disagreement")),
            ("n_reviews", _("Number of reviews")),
            ("title", _("Title")),
        ],
    )

    def __init__(self, *args, edition, **kwargs):
        from django_countries import countries

        from submissions.models import Genre
        from submissions.selectors import edition_countries

        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = edition.sessions.all()
        codes = edition_countries(edition=edition)
        self.fields["country"].choices = [("", _("Any"))] + [
            (code, countries.name(code)) for code in codes
        ]
        self.fields["genre"].choices = [("", _("Any")), *Genre.choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "session": data.get("session"),
            "country": data.get("country") or None,
            "genre": data.get("genre") or None,
            "order": data.get("order") or "calibrated",
        }


class ShortlistForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Into the round"), queryset=None)
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects"),
        queryset=None,
        error_messages={"required": _("Tick the projects to shortlist.")},
    )

    def __init__(self, *args, round_, **kwargs):
        from submissions.models import Project

        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Round.objects.filter(
            edition=round_.edition, number__gt=round_.number
        )
        self.fields["projects"].queryset = Project.objects.filter(jury_rounds__round=round_)


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why"), max_length=500, required=False)


class PlaceForm(VersionForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    kind = forms.ChoiceField(label=_("As"), choices=PlacementKind.choices)
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)

    def __init__(self, *args, edition, **kwargs):
        from submissions.models import Project

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(call__edition=edition)
        self.fields["session"].queryset = edition.sessions.all()


class UnplaceForm(VersionForm):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)

    def __init__(self, *args, edition, **kwargs):
        from submissions.models import Project

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(call__edition=edition)
