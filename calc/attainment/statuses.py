"""The statuses of attainment (达标判定) and reachability (可达性), shared by ``calc`` and the apps.

They are :class:`enum.StrEnum` members, so each *is* its string value: comparisons with stored or
serialised strings, polars literals, JSON and templates keep reading ``"attained"``, ``"off_track"``, ….
An app that stores one in a model field derives its choices with :func:`choices`.
"""

from __future__ import annotations

import enum
from typing import Self

__all__ = [
    "EVALUATION_STATUSES",
    "REACHABILITY_LABELS",
    "REACHABILITY_STATUSES",
    "STATUS_LABELS",
    "EvaluationStatus",
    "ReachabilityStatus",
    "choices",
]


class _Status(enum.StrEnum):
    """A status whose member is its stored string and carries its Chinese word as ``label``."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class EvaluationStatus(_Status):
    """Attainment of one indicator in one year (docs/attainment.md §2)."""

    ATTAINED = "attained", "达标"
    NOT_ATTAINED = "not_attained", "未达标"
    NO_DATA = "no_data", "无数据"
    NOT_APPLICABLE = "not_applicable", "不适用"


class ReachabilityStatus(_Status):
    """Whether the current pace reaches the target by the deadline (docs/attainment.md §4)."""

    ATTAINED = "attained", "已达标"
    ON_TRACK = "on_track", "可按期达标"
    ACCELERATE = "accelerate", "需加快"
    OFF_TRACK = "off_track", "难以按期达标"
    INSUFFICIENT_DATA = "insufficient_data", "数据不足"


EVALUATION_STATUSES: tuple[EvaluationStatus, ...] = tuple(EvaluationStatus)
STATUS_LABELS: dict[str, str] = {status: status.label for status in EvaluationStatus}
REACHABILITY_STATUSES: tuple[ReachabilityStatus, ...] = tuple(ReachabilityStatus)
REACHABILITY_LABELS: dict[str, str] = {status: status.label for status in ReachabilityStatus}


def choices(status: type[_Status]) -> list[tuple[str, str]]:
    """``(value, Chinese label)`` pairs, the shape of a Django field's ``choices``."""
    return [(member.value, member.label) for member in status]
