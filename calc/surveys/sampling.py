"""Sample sizes, allocation over strata and quotas of a survey (pure).

The sample size of a proportion: n₀ = z²·p(1−p)/e², rounded up (385 for ±5 % at p = 0.5 and z = 1.96,
1,068 for ±3 %), with the finite-population correction n = n₀ / (1 + (n₀ − 1)/N) when a population is given.
A total is allocated over strata (county × 城乡) and then over quota cells (sex × age band) in proportion to
population, by the largest-remainder method, so the parts always add up to the whole.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TypeVar

__all__ = ["Z95", "QuotaFill", "SampleSize", "allocate", "quota_fill", "sample_size"]

#: z of a two-sided 95 % interval.
Z95 = Decimal("1.96")

K = TypeVar("K", bound=Hashable)


def _decimal(value: Decimal | int | str, name: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal, an int or a decimal string, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{name} must be finite")
    return number


@dataclass(frozen=True)
class SampleSize:
    """n for a margin ``margin`` (a share, 0.05 = ±5 %) at ``p`` and ``z``; ``n0`` before the correction."""

    n: int
    n0: int
    margin: Decimal
    p: Decimal
    z: Decimal
    population: int | None

    def explain(self) -> str:
        text = (f"按允许误差±{self.margin * 100:.1f}%、预期比例{self.p * 100:.0f}%、置信度95%（z={self.z}），"
                f"样本量 n = z²p(1−p)/e² = {self.n0:,}")
        if self.population is not None:
            text += f"；有限总体（N={self.population:,}）校正后为{self.n:,}"
        return text + "。"


def sample_size(margin: Decimal | str, *, p: Decimal | str = "0.5", z: Decimal | str = Z95,
                population: int | None = None) -> SampleSize:
    """The sample size n = z²p(1−p)/e² (rounded up), with the finite-population correction if ``population``."""
    e, share, zz = _decimal(margin, "margin"), _decimal(p, "p"), _decimal(z, "z")
    if not (0 < e < 1):
        raise ValueError("margin must lie strictly between 0 and 1")
    if not (0 < share < 1):
        raise ValueError("p must lie strictly between 0 and 1")
    if zz <= 0:
        raise ValueError("z must be positive")
    raw = zz * zz * share * (1 - share) / (e * e)
    n0 = int(raw.to_integral_value(rounding=ROUND_CEILING))
    n = n0
    if population is not None:
        if population <= 0:
            raise ValueError("population must be positive")
        corrected = Decimal(n0) / (1 + Decimal(n0 - 1) / Decimal(population))
        n = int(corrected.to_integral_value(rounding=ROUND_CEILING))
    return SampleSize(n=n, n0=n0, margin=e, p=share, z=zz, population=population)


def allocate(total: int, weights: Mapping[K, int]) -> dict[K, int]:
    """``total`` split over the keys in proportion to ``weights`` (populations), by the largest remainder.

    The parts add up to ``total``; ties in the remainder go to the larger weight, then to the key's order.
    A key of weight 0 gets 0. All weights 0 (or none) with a positive total is an error.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    whole = sum(weights.values())
    if whole == 0:
        if total:
            raise ValueError("cannot allocate over weights that are all zero")
        return dict.fromkeys(weights, 0)
    parts = {key: total * w // whole for key, w in weights.items()}
    left = total - sum(parts.values())
    order = sorted(enumerate(weights.items()),
                   key=lambda item: (-((total * item[1][1]) % whole), -item[1][1], item[0]))
    for _index, (key, _w) in order[:left]:
        parts[key] += 1
    return parts


@dataclass(frozen=True)
class QuotaFill:
    """One quota cell: its target, the responses received and the share filled (``None`` for a 0 target)."""

    key: Hashable
    target: int
    received: int

    @property
    def percent(self) -> Decimal | None:
        if self.target == 0:
            return None
        return (Decimal(self.received) * 100 / Decimal(self.target)).quantize(Decimal("0.1"))

    @property
    def missing(self) -> int:
        return max(self.target - self.received, 0)

    @property
    def met(self) -> bool:
        return self.received >= self.target


def quota_fill(targets: Mapping[K, int], received: Mapping[K, int]) -> tuple[QuotaFill, ...]:
    """Target, received and share filled per cell, in the targets' order (cells received outside the targets,
    such as a respondent whose cell has no population, are added after them with a target of 0)."""
    cells = list(targets) + [key for key in received if key not in targets]
    return tuple(QuotaFill(key=key, target=targets.get(key, 0), received=received.get(key, 0)) for key in cells)
