from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_names(codes) -> str:
    """Country codes as names in the current language: "BO", "PE" → "Bolivia, Peru"."""
    return ", ".join(str(countries.name(code) or code) for code in codes)
