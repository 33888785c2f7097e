"""How the overview writes amounts and shares: two decimals with thousands separators, shares as percentages."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()
NONE = "\u2013"  # an en dash: no figure


@register.filter
def money(value: Decimal | None) -> str:
    """`1234.5` → `1,234.50`; no amount → an en dash."""
    return NONE if value is None else floatformat(value, "2g")


@register.filter
def percent(value: Decimal | None) -> str:
    """A share (0..1) as a percentage with one decimal; no share (a zero total) → an en dash."""
    return NONE if value is None else f"{floatformat(value * 100, 1)} %"
