from django import template
from django_countries import countries

from juries.publication import published_summaries

register = template.Library()


@register.filter
def country_names(codes) -> str:
    """Country codes as names in the current language: "BO", "PE" → "Bolivia, Peru"."""
    return ", ".join(str(countries.name(code) or code) for code in codes)


@register.simple_tag
def published_selections(items):
    """The published selections of editions or sessions, in two queries however many:
    `{% published_selections editions as summaries %}`, then
    `{% published_selection session summaries %}` for each session."""
    return published_summaries(items or [])


@register.inclusion_tag("juries/publication/_session_summary.html")
def published_selection(session, summaries=None):
    """A session's selection in a few lines — its films' titles and a link to its page —
    once it is published; nothing before. Pass the summaries read for the whole page
    (see published_selections) to save a query per session."""
    if summaries is None:
        summaries = published_summaries([session])
    return {"summary": summaries.get(session.pk)}
