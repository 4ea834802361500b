"""Plausibility rules for a reported number: pure functions, no Django.

An *error* blocks the value (it cannot be right); a *warning* asks the reporter to confirm it with a note
(it may be right, e.g. a new sewage plant doubling a treatment rate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: A relative change against the last approved period above this needs confirming.
JUMP_LIMIT = Decimal("0.5")
PERCENT_UNITS = {"%", "％"}


@dataclass(frozen=True)
class Check:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def plausible_range(unit: str) -> tuple[Decimal, Decimal | None]:
    """(minimum, maximum or None): a percentage lies in 0–100, every other quantity is ≥ 0."""
    if unit.strip() in PERCENT_UNITS:
        return Decimal(0), Decimal(100)
    return Decimal(0), None


def check_number(number: Decimal, *, unit: str, last_approved: Decimal | None = None) -> Check:
    errors: list[str] = []
    warnings: list[str] = []
    if not number.is_finite():
        return Check(errors=["数值无效。"])
    low, high = plausible_range(unit)
    if number < low or (high is not None and number > high):
        span = f"{low}–{high}" if high is not None else f"≥{low}"
        errors.append(f"数值 {format(number.normalize(), 'f')} 超出合理范围（{span}{unit}）。")
    if last_approved is not None and last_approved != 0 and not errors:
        change = abs(number - last_approved) / abs(last_approved)
        if change > JUMP_LIMIT:
            warnings.append(
                f"与上期审核值 {format(last_approved.normalize(), 'f')} 相比变化 {change * 100:.0f}%，超过 "
                f"{JUMP_LIMIT * 100:.0f}%，请确认并说明原因。"
            )
    return Check(errors=errors, warnings=warnings)
