from django import template

from editions import typed as typed_fields

register = template.Library()


@register.simple_tag(takes_context=True)
def typed(context, name):
    """{% typed "reason" %}: what was typed in that field before a refused action."""
    request = context.get("request")
    return typed_fields.typed(request, name) if request is not None else ""
