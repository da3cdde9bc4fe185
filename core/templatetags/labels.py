from django import template

from core import labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def state_label(state: str) -> str:
    return labels.state_label(state)
