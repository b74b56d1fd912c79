from django import template

from ..mail_templates import kind_label

register = template.Library()


@register.filter
def mail_kind(code: str) -> str:
    """The name of a kind of mail, e.g. "Result: selected" for juries.result_selected."""
    return kind_label(code)
