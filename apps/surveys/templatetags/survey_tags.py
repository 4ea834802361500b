"""Template filters of the survey pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from calc.surveys import percent_text

register = template.Library()


@register.filter
def percent1(share: Decimal | None) -> str:
    """A share (0.8642) as "86.4%"; "—" for none."""
    return "—" if share is None else percent_text(share)
