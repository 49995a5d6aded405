"""Small helpers for panel templates."""

from django import template
from django.forms import CheckboxInput, CheckboxSelectMultiple, FileInput, RadioSelect

register = template.Library()


@register.filter
def widget_kind(bound_field):
    """How _field.html lays a field out: `checkbox`, `multi`, `file` or `input`."""
    widget = bound_field.field.widget
    if isinstance(widget, CheckboxInput):
        return "checkbox"
    if isinstance(widget, CheckboxSelectMultiple | RadioSelect):
        return "multi"
    if isinstance(widget, FileInput):
        return "file"
    return "input"


@register.simple_tag(takes_context=True)
def nav_active(context, *prefixes):
    """`is-active` when the current URL name starts with one of `prefixes`."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    return "is-active" if any(name.startswith(p) for p in prefixes) else ""


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current URL with `page` replaced (search terms kept)."""
    query = context["request"].GET.copy()
    query["page"] = page_number
    return "?" + query.urlencode()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
