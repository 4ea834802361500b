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


#: Name endings of indicators that measure a change (PM2.5浓度下降幅度, 单位GDP能耗下降率 …): they turn
#: negative when things get worse, and a worse year must still be reportable.
CHANGE_SUFFIXES = ("幅度", "下降率", "降低率", "增长率", "提高率", "变化率")


def is_change(name: str) -> bool:
    return name.strip().endswith(CHANGE_SUFFIXES)


def plausible_range(unit: str, *, change: bool = False) -> tuple[Decimal | None, Decimal | None]:
    """(minimum, maximum), None meaning open: a percentage lies in 0–100, every other quantity is ≥ 0.

    A change may be negative: a percentage change is at most 100 (a fall cannot exceed everything) and
    has no lower bound (a concentration can more than double); another change is unbounded.
    """
    if change:
        return None, Decimal(100) if unit.strip() in PERCENT_UNITS else None
    if unit.strip() in PERCENT_UNITS:
        return Decimal(0), Decimal(100)
    return Decimal(0), None


def check_number(number: Decimal, *, unit: str, last_approved: Decimal | None = None, change: bool = False) -> Check:
    errors: list[str] = []
    warnings: list[str] = []
    if not number.is_finite():
        return Check(errors=["数值无效。"])
    low, high = plausible_range(unit, change=change)
    if (low is not None and number < low) or (high is not None and number > high):
        if low is None:
            span = f"≤{high}"
        else:
            span = f"{low}–{high}" if high is not None else f"≥{low}"
        errors.append(f"数值 {format(number.normalize(), 'f')} 超出合理范围（{span}{unit}）。")
    if last_approved is not None and last_approved != 0 and not errors:
        jump = abs(number - last_approved) / abs(last_approved)
        if jump > JUMP_LIMIT:
            warnings.append(
                f"与上期审核值 {format(last_approved.normalize(), 'f')} 相比变化 {jump * 100:.0f}%，超过 "
                f"{JUMP_LIMIT * 100:.0f}%，请确认并说明原因。"
            )
    return Check(errors=errors, warnings=warnings)
