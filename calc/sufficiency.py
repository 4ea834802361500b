"""Whether a period's data support an annual value (typed, with the reason in Chinese for the user).

An annual indicator value is written only from data that meet the standard's annual validity rule (air:
GB 3095 Table 4 as applied by HJ 663-2013; water and EI: see ``docs/standards.md``). Otherwise the result is
"数据不足（reason）" and no value is written. A year-over-year comparison needs both years sufficient.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INSUFFICIENT = "数据不足"


@dataclass(frozen=True)
class Sufficiency:
    """``sufficient`` or not, and why not (e.g. ``有效天数 2 天，少于 324 天；1月有效天数 2 天，少于 27 天``)."""

    sufficient: bool
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.sufficient and not self.reason:
            raise ValueError("an insufficient result needs its reason")

    @property
    def label(self) -> str:
        """``""`` when sufficient, else ``数据不足（reason）``."""
        return "" if self.sufficient else f"{INSUFFICIENT}（{self.reason}）"


SUFFICIENT = Sufficiency(True)


def insufficient(reason: str) -> Sufficiency:
    return Sufficiency(False, reason)


def combined(parts: Iterable[tuple[str, Sufficiency]]) -> Sufficiency:
    """All parts sufficient, or the reasons of the insufficient ones, each prefixed by its name (e.g. the year)."""
    reasons = [f"{name}{part.reason}" for name, part in parts if not part.sufficient]
    return insufficient("；".join(reasons)) if reasons else SUFFICIENT


__all__ = ["INSUFFICIENT", "SUFFICIENT", "Sufficiency", "combined", "insufficient"]
