"""生态环境信息公开率: items that must be disclosed, matched to publication dates, and the rate.

The office keeps a list of items that must be disclosed (a name, a kind of publication, a year and a due date).
Each item is matched to a publication of its kind and year; the items of one (kind, year) are matched to that
group's publications in order (the earliest due item to the earliest publication), so four quarterly news items
need four news publications.

Statuses as of a date:

- 按时公开 (on time): published on or before the due date;
- 逾期公开 (late): published after the due date (by the as-of date);
- 未公开 (missing): not published and the due date has passed;
- 未到期 (not due): not published and the due date is still ahead (left out of the rate).

The rate follows the practice of "及时在政府门户网站发布" (reference wave2 §5): it counts what was published on time,
over the items due — every item except those not due: 公开率 = 按时公开 ÷ (按时公开 + 逾期公开 + 未公开) × 100, to
one decimal (half up). An item published early, before its due date, counts as due and on time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class DisclosureStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"


STATUS_LABELS: dict[DisclosureStatus, str] = {
    DisclosureStatus.ON_TIME: "按时公开",
    DisclosureStatus.LATE: "逾期公开",
    DisclosureStatus.MISSING: "未公开",
    DisclosureStatus.NOT_DUE: "未到期",
}


@dataclass(frozen=True)
class DueItem:
    """An item that must be disclosed: its group (kind and year) and due date."""

    group: Hashable
    due: dt.date


@dataclass(frozen=True)
class ItemStatus:
    due: dt.date
    published: dt.date | None
    status: DisclosureStatus

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class DisclosureRate:
    as_of: dt.date
    items: tuple[ItemStatus, ...]
    on_time: int
    late: int
    missing: int
    not_due: int
    rate: Decimal | None  # percent, one decimal; None when nothing is due yet

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.missing

    def sentence(self) -> str:
        """The explanation that goes with the value (dates as 2026年1月23日)."""
        when = f"{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"
        if self.rate is None:
            return f"截至{when}，公开清单中尚无到期事项。"
        return (f"截至{when}，公开清单应公开{self.due}项：按时公开{self.on_time}项，逾期公开{self.late}项，"
                f"未公开{self.missing}项；公开率 = 按时公开 ÷ 应公开 = {self.on_time} ÷ {self.due} = {self.rate}%。"
                + (f"另有{self.not_due}项未到期，不计入。" if self.not_due else ""))


def item_status(due: dt.date, published: dt.date | None, as_of: dt.date) -> DisclosureStatus:
    """The status of one item as of ``as_of`` (a publication after ``as_of`` is not yet known then)."""
    if published is not None and published <= as_of:
        return DisclosureStatus.ON_TIME if published <= due else DisclosureStatus.LATE
    return DisclosureStatus.MISSING if as_of > due else DisclosureStatus.NOT_DUE


def match(items: Sequence[DueItem], published: Mapping[Hashable, Sequence[dt.date]]) -> list[dt.date | None]:
    """The publication date matched to each item (None if none): within a group, in order of due date and of
    publication date."""
    result: list[dt.date | None] = [None] * len(items)
    by_group: dict[Hashable, list[int]] = {}
    for index, item in enumerate(items):
        by_group.setdefault(item.group, []).append(index)
    for group, indexes in by_group.items():
        dates = sorted(published.get(group, ()))
        for position, index in enumerate(sorted(indexes, key=lambda i: (items[i].due, i))):
            if position < len(dates):
                result[index] = dates[position]
    return result


def disclosure_rate(items: Sequence[DueItem], published: Mapping[Hashable, Sequence[dt.date]],
                    as_of: dt.date) -> DisclosureRate:
    """Each item's status and the rate, as of ``as_of``."""
    dates = match(items, {group: [d for d in days if d <= as_of] for group, days in published.items()})
    statuses = tuple(ItemStatus(due=item.due, published=date, status=item_status(item.due, date, as_of))
                     for item, date in zip(items, dates, strict=True))
    count = {status: sum(1 for s in statuses if s.status == status) for status in DisclosureStatus}
    due = count[DisclosureStatus.ON_TIME] + count[DisclosureStatus.LATE] + count[DisclosureStatus.MISSING]
    rate = None if due == 0 else (Decimal(100 * count[DisclosureStatus.ON_TIME]) / Decimal(due)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP)
    return DisclosureRate(as_of=as_of, items=statuses, on_time=count[DisclosureStatus.ON_TIME],
                          late=count[DisclosureStatus.LATE], missing=count[DisclosureStatus.MISSING],
                          not_due=count[DisclosureStatus.NOT_DUE], rate=rate)
