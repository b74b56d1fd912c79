"""Forms of the jurors' pages: the account made from an invitation, interest in a round's
projects, a conflict of interest, the review of a project and a word in the discussion.
They check the shape of what is typed; the services decide what is allowed."""

from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from accounts.forms import SignUpForm
from submissions.forms.producer import CountedFieldsMixin

from ..models import Comment, Conflict, InterestLevel, Recommendation, Review


class InvitationSignUpForm(SignUpForm):
    """An account for the person invited, made on the invitation's page: the address is
    the invitation's (the link in the mail proves it is theirs), the name and language are
    taken from it and can be changed."""

    def __init__(self, *args, invitation, **kwargs):
        kwargs["initial"] = {
            "full_name": invitation.full_name,
            "email": invitation.email,
            "language": invitation.language,
            **kwargs.get("initial", {}),
        }
        super().__init__(*args, **kwargs)
        # The page is read before it is filled in: nothing jumps to the form.
        self.fields["full_name"].widget.attrs.pop("autofocus", None)
        email = self.fields["email"]
        email.disabled = True
        email.required = False
        email.help_text = _("The address this invitation was sent to.")


class InterestForm(forms.Form):
    """One choice per project of a page of the round's list: how much the juror would
    like to review it."""

    def __init__(self, *args, projects, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        self.projects = {project.pk: project for project in projects}
        for project in projects:
            self.fields[self.field_name(project)] = forms.ChoiceField(
                label=_("Your interest in %(title)s") % {"title": project.display_title},
                choices=InterestLevel.choices,
                required=False,
                initial=current.get(project.pk),
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(project) -> str:
        return f"interest_{project.pk}"

    def changed_levels(self):
        """(project, level) for every choice that differs from what is stored."""
        for project in self.projects.values():
            level = self.cleaned_data.get(self.field_name(project))
            if level and level != self.current.get(project.pk):
                yield project, level


class ConflictForm(CountedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why you should not review this project"),
        max_length=Conflict._meta.get_field("reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E.g. “I co-produced the director's previous film.” Staff read it; the "
            "producer never does."
        ),
        error_messages={"required": _("Say briefly why, for the festival's records.")},
    )


def score_field_name(criterion) -> str:
    """The review form's field for a criterion: the name save_review's errors use."""
    return f"score_{criterion.pk}"


class ReviewForm(CountedFieldsMixin, forms.Form):
    """A score per criterion (on its own scale), a note for the jury, feedback for the
    producer, a recommendation and a session preference. Everything may stay empty in a
    draft; save_review says what a submitted review needs."""

    note = forms.CharField(
        label=_("Note for the jury"),
        max_length=Review._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Your reading of the film for the other jurors. They see it in the discussion, "
            "once they have submitted their own review."
        ),
    )
    producer_feedback = forms.CharField(
        label=_("Feedback for the producer"),
        max_length=Review._meta.get_field("producer_feedback").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=Review._meta.get_field("producer_feedback").help_text,
    )
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a recommendation.")},
    )
    session_preference = forms.TypedChoiceField(
        label=_("Best suited to the session"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a session of this edition.")},
    )

    def __init__(self, *args, criteria, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.sessions = {session.pk: session for session in sessions}
        self.fields["session_preference"].choices = [
            ("", _("No preference")),
            *[(session.pk, session.display_name) for session in self.sessions.values()],
        ]
        scores = {}
        for criterion in self.criteria:
            scale = _("Give a score from %(low)s to %(high)s.") % {
                "low": criterion.scale_min,
                "high": criterion.scale_max,
            }
            scores[score_field_name(criterion)] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[
                    ("", _("Not scored yet")),
                    *[
                        (value, str(value))
                        for value in range(criterion.scale_min, criterion.scale_max + 1)
                    ],
                ],
                coerce=int,
                empty_value=None,
                required=False,
                # Django renders help texts as HTML: this one is typed by staff.
                help_text=escape(criterion.description),
                error_messages={"invalid_choice": scale},
            )
        # The scores come first, in the criteria's order.
        self.fields = {**scores, **self.fields}

    def service_arguments(self) -> dict:
        """What save_review takes, from the cleaned data."""
        data = self.cleaned_data
        return {
            "scores": {
                criterion.pk: data.get(score_field_name(criterion)) for criterion in self.criteria
            },
            "note": data["note"],
            "producer_feedback": data["producer_feedback"],
            "recommendation": data["recommendation"],
            "session_preference": self.sessions.get(data["session_preference"]),
        }


class CommentForm(CountedFieldsMixin, forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=Comment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment.")},
    )
