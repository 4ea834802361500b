"""``{{ expression|target_words:indicator }}``: a stored target expression in words, with the indicator's unit."""

from __future__ import annotations

from django import template

from apps.indicators.models import Indicator

register = template.Library()


@register.filter
def target_words(expression: str, indicator: Indicator) -> str:
    return indicator.target_words(expression or "")
