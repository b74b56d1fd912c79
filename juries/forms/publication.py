"""The staff's form to publish a session's selection now or at an announced moment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from editions.forms import LocalDateTimeField

NOW = "now"
SCHEDULE = "schedule"


class PublishForm(forms.Form):
    """Typed and shown in the edition's time zone (see EditionTimeZoneMixin). `when`
    says whether to publish now (the moment is then not needed) or at the moment typed."""

    publish_at = LocalDateTimeField(label=_("Public from"), required=False)
    when = forms.ChoiceField(
        choices=[(NOW, _("Publish now")), (SCHEDULE, _("Schedule"))],
        error_messages={"required": _("Choose to publish now or at a moment.")},
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault("prefix", f"session-{session.pk}")
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["publish_at"].help_text = _(
            "Day and time in %(zone)s, the edition's time zone. The selection is shown to "
            "nobody but staff before then; a moment already past publishes it now."
        ) % {"zone": session.edition.time_zone}

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("publish_at") and "publish_at" not in self.errors
        if cleaned.get("when") == SCHEDULE and missing:
            self.add_error(
                "publish_at",
                forms.ValidationError(
                    _("Choose the day and time it becomes public, or publish it now."),
                    code="required",
                ),
            )
        return cleaned

    def moment(self):
        """When to publish: None for now."""
        if self.cleaned_data["when"] == NOW:
            return None
        return self.cleaned_data["publish_at"]
