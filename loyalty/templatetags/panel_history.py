"""`{% object_history obj as changes %}`: the History section of edit and detail pages."""

from django import template

from loyalty.selectors.audit import object_history as read_history

register = template.Library()


@register.simple_tag
def object_history(instance, limit=20):
    if instance is None:
        return []
    return read_history(instance, limit=limit)
