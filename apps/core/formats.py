"""Numbers as offices print them, for pages and for text that code writes (headlines, sentences)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_number(value: Decimal | float | int | str, places: int | None = None, *, grouped: bool = True) -> str:
    """A number as offices print it: thousands separators, no float artefacts, and either exactly ``places``
    decimals (one per column: 1,200.00 and 85.50 in the same column) or no trailing zeros (93.10 → 93.1)."""
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif number == number.to_integral():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return format(number, ",f" if grouped else "f")
