"""Dates and numbers as Chinese offices write them; links shown only where they can be followed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, gettext, gettext_noop

from apps.core.formats import format_number
from docimport.xlsx import chinese_date

register = template.Library()


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@register.filter
def cn_date(value: dt.date | None) -> str:
    """2023年6月30日 (in English: the active locale's DATE_FORMAT)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if not _chinese():
        return formats.date_format(value, "DATE_FORMAT")
    return chinese_date(value)


@register.filter
def cn_datetime(value: dt.datetime | None, precision: str = "seconds") -> str:
    """2026年1月23日 14:05:09 in local time (``|cn_datetime:"minutes"``: 2026年1月23日 14:05; in English: the
    locale's date, then the time)."""
    if not value:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = f"{local:%H:%M}" if precision == "minutes" else f"{local:%H:%M:%S}"
    return f"{cn_date(local.date())} {clock}"


@register.filter
def cn_month(value: dt.date | None) -> str:
    """2023年6月 (in English: the active locale's YEAR_MONTH_FORMAT)."""
    if not value:
        return ""
    if not _chinese():
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return f"{value.year}年{value.month}月"


@register.filter
def cn_number(value: Decimal | float | int | str | None, places: int | str | None = None) -> str:
    """The one filter for numbers on pages: ``{{ money|cn_number:2 }}`` → 22,217,100.00, ``{{ count|cn_number }}``
    → 1,234, ``{{ value|cn_number }}`` → 93.1 (no trailing zeros). Nothing → "—"; text that is no number stays."""
    if value is None or value == "":
        return "—"
    try:
        return format_number(value, int(places) if places not in (None, "") else None)  # type: ignore[arg-type]
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def plain_number(value: Decimal | float | int | str | None) -> str:
    """A number for an input's ``value``: no separators, no trailing zeros (100.0000 → 100, never 1E+2)."""
    if value is None or value == "":
        return ""
    return format_number(value, grouped=False)


_BINDING_LABELS = {True: gettext_noop("约束性"), False: gettext_noop("参考性"), None: gettext_noop("待确认")}


@register.filter
def binding_label(value: bool | None) -> str:
    return gettext(_BINDING_LABELS.get(value, _BINDING_LABELS[None]))  # type: ignore[arg-type]


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None


@register.simple_tag
def link_to(allowed: object, label: object, url_name: str, *args: object, query: str = "") -> str:
    """``label`` as a link to the page ``url_name`` (reversed with ``args``, then ``?query``) when ``allowed``,
    else as plain text.

    A page shows a link only where its reader may follow it (issue #12): ``allowed`` comes from the view, which
    asks the same ``can_*`` predicate the linked page's access function asks, so no template holds a rule.
    """
    if not allowed:
        return conditional_escape(label)
    href = reverse(url_name, args=args) + (f"?{query}" if query else "")
    return format_html('<a href="{}">{}</a>', href, label)


@register.filter
def in_set(value: object, container: Collection[object] | None) -> bool:
    """``value in container`` (a view's set of ids a reader may open), for ``link_to``'s condition."""
    return bool(container) and value in container  # type: ignore[operator]
