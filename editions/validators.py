import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names():
    return sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def validate_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a known time zone, e.g. Europe/Paris or America/Lima."),
            code="invalid_time_zone",
            params={"value": value},
        )


@deconstructible
class validate_choice_list:  # noqa: N801 - used like a function, as Django's validators are
    """Check that a JSON list holds only codes of the given choices, each once."""

    def __init__(self, choices):
        self.choices = choices

    def __call__(self, value):
        if not isinstance(value, list):
            raise ValidationError(_("Choose from the list."), code="invalid_choice_list")
        known = set(self.choices.values)
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                _("Unknown choice: %(value)s."),
                code="invalid_choice",
                params={"value": ", ".join(map(str, unknown))},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("Each choice may appear only once."), code="duplicate_choice")

    def __eq__(self, other):
        return isinstance(other, validate_choice_list) and self.choices is other.choices
