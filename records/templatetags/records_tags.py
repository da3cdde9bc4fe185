from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """¥12,345.60, the same in every language."""
    if value in (None, ""):
        return "—"
    return f"¥{Decimal(value):,.2f}"
