"""Numbers and dates as Chinese offices write them: 1,234.5; 2025年6月; 万元 and 亿元.

One formatter for every document: the renderer never formats a number itself, the report builders call these.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

WAN_PER_YI = Decimal(10000)


def _decimal(value: Decimal | float | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def cn_number(value: Decimal | float | int | None, places: int | None = None) -> str:
    """Thousands separators, no trailing zeros, no float artefacts: 1234.50 → 1,234.5; None → —.

    ``places`` rounds half up to that many decimals first (trailing zeros still dropped)."""
    if value is None:
        return "—"
    number = _decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number == 0:
        return "0"
    text = format(abs(number).normalize(), "f")
    whole, _, fraction = text.partition(".")
    return ("-" if number < 0 else "") + f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def cn_percent(value: Decimal | float | int | None, places: int = 1) -> str:
    """93.456 → 93.5%."""
    return "—" if value is None else f"{cn_number(value, places)}%"


def wan_to_yi(amount_wan: Decimal | float | int | None) -> Decimal:
    """万元 → 亿元 with two decimals (1 亿元 = 10,000 万元)."""
    return (_decimal(amount_wan or 0) / WAN_PER_YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cn_amount(amount_wan: Decimal | float | int | None) -> str:
    """An amount held in 万元, as offices print it: 亿元 from 1 亿 up (2,221.71亿元), else 万元 (356.5万元)."""
    if amount_wan is None:
        return "—"
    amount = _decimal(amount_wan)
    if abs(amount) >= WAN_PER_YI:
        return f"{cn_number(wan_to_yi(amount))}亿元"
    return f"{cn_number(amount, 2)}万元"


def cn_date(value: dt.date | None) -> str:
    """2026年1月23日."""
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def cn_month(value: dt.date | None) -> str:
    """2025年6月."""
    return "" if value is None else f"{value.year}年{value.month}月"


def cn_change(value: Decimal | None, unit: str = "", places: int = 2) -> str:
    """A change from last year with its sign: +1.2, -0.35, 持平 for zero, — when unknown."""
    if value is None:
        return "—"
    if value == 0:
        return "持平"
    sign = "+" if value > 0 else "-"
    return f"{sign}{cn_number(abs(value), places)}{unit}"
