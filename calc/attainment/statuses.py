"""The statuses of attainment (达标判定) and reachability (可达性), shared by ``calc`` and the apps.

They are :class:`enum.StrEnum` members, so each *is* its string value: comparisons with stored or
serialised strings, polars literals, JSON and templates keep reading ``"attained"``, ``"off_track"``, ….
An app that stores one in a model field derives its choices with :func:`choices`.
"""

from __future__ import annotations

import enum

__all__ = [
    "EVALUATION_STATUSES",
    "REACHABILITY_LABELS",
    "REACHABILITY_STATUSES",
    "STATUS_LABELS",
    "EvaluationStatus",
    "ReachabilityStatus",
    "choices",
]


class EvaluationStatus(enum.StrEnum):
    """Attainment of one indicator in one year (docs/attainment.md §2)."""

    ATTAINED = "attained"
    NOT_ATTAINED = "not_attained"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        """The status in Chinese: 达标, 未达标, 无数据, 不适用."""
        return STATUS_LABELS[self]


class ReachabilityStatus(enum.StrEnum):
    """Whether the current pace reaches the target by the deadline (docs/attainment.md §4)."""

    ATTAINED = "attained"
    ON_TRACK = "on_track"
    ACCELERATE = "accelerate"
    OFF_TRACK = "off_track"
    INSUFFICIENT_DATA = "insufficient_data"

    @property
    def label(self) -> str:
        """The status in Chinese: 已达标, 可按期达标, 需加快, 难以按期达标, 数据不足."""
        return REACHABILITY_LABELS[self]


EVALUATION_STATUSES: tuple[EvaluationStatus, ...] = tuple(EvaluationStatus)
STATUS_LABELS: dict[str, str] = {
    EvaluationStatus.ATTAINED: "达标",
    EvaluationStatus.NOT_ATTAINED: "未达标",
    EvaluationStatus.NO_DATA: "无数据",
    EvaluationStatus.NOT_APPLICABLE: "不适用",
}
REACHABILITY_STATUSES: tuple[ReachabilityStatus, ...] = tuple(ReachabilityStatus)
REACHABILITY_LABELS: dict[str, str] = {
    ReachabilityStatus.ATTAINED: "已达标",
    ReachabilityStatus.ON_TRACK: "可按期达标",
    ReachabilityStatus.ACCELERATE: "需加快",
    ReachabilityStatus.OFF_TRACK: "难以按期达标",
    ReachabilityStatus.INSUFFICIENT_DATA: "数据不足",
}


def choices(status: type[EvaluationStatus] | type[ReachabilityStatus]) -> list[tuple[str, str]]:
    """``(value, Chinese label)`` pairs, the shape of a Django field's ``choices``."""
    return [(member.value, member.label) for member in status]
