"""Dates and numbers as Chinese offices write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def cn_date(value: dt.date | None) -> str:
    """2023年6月30日"""
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_month(value: dt.date | None) -> str:
    """2023年6月"""
    if not value:
        return ""
    return f"{value.year}年{value.month}月"


@register.filter
def cn_number(value: Decimal | float | int | None) -> str:
    """No trailing zeros, no float artefacts: 93.10 → 93.1; 100.0000 → 100."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    text = format(number.normalize(), "f") if number == number.to_integral() else format(number.normalize(), "f")
    return text


@register.filter
def binding_label(value: bool | None) -> str:
    return {True: "约束性", False: "参考性"}.get(value, "待确认")  # type: ignore[arg-type]


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
