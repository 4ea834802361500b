"""Money as offices print it: stored in 万元, shown in 亿元 where totals are large."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yi(value: Decimal | None) -> str:
    """万元 → 亿元 with two decimals: 22217100 → 2221.71."""
    if value is None or value == "":
        return "—"
    return str((Decimal(value) / Decimal(10000)).quantize(Decimal("0.01")))


@register.filter
def wan(value: Decimal | None) -> str:
    """万元 without trailing zeros: 1200.00 → 1200, 85.50 → 85.5."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    return format(number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize(), "f")
