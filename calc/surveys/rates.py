"""Rates of a survey item: the share of positive answers among valid ones, weighted, with a Wilson interval.

* **Rate** = positive answers / valid answers, where the valid answers exclude the ``excluded`` options
  (满意度: (满意 + 比较满意) / answers other than 不清楚; 参与度: 参与过 / answers other than 说不清). The exclusion
  is the caller's choice (the questionnaire states it), so an office that counts 不清楚 as not satisfied passes
  an empty set.
* **Post-stratification weights**: a respondent of cell *c* weighs population share(c) / sample share(c), the
  shares taken over the cells that have respondents (a cell with population but no respondent cannot be
  represented; its share is spread over the others, and the result names it).
* **Weighted rate** = Σ wᵢyᵢ / Σ wᵢ over the valid answers; its **effective sample size** (Kish) is
  n_eff = (Σ wᵢ)² / Σ wᵢ², which is n when every weight is equal and smaller the more the weights vary.
* **Wilson score interval** (95 %, z = 1.96) of the rate with n = n_eff:
  (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).

Reference: Wilson, E. B. (1927), JASA 22(158); Kish, L. (1965), *Survey Sampling*, §11.7.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .sampling import Z95

__all__ = ["Estimate", "Interval", "cell_weights", "estimate", "kish_n_eff", "percent_text", "wilson"]

ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Interval:
    low: Decimal
    high: Decimal


def wilson(p: Decimal, n: Decimal | int, *, z: Decimal = Z95) -> Interval:
    """The Wilson score interval of a proportion ``p`` observed on ``n`` (possibly effective, fractional) cases."""
    size = Decimal(n)
    if size <= 0:
        raise ValueError("n must be positive")
    if not (0 <= p <= 1):
        raise ValueError("p must lie between 0 and 1")
    with localcontext() as ctx:
        ctx.prec = 28
        z2 = z * z
        denominator = 1 + z2 / size
        centre = p + z2 / (2 * size)
        spread = z * (p * (1 - p) / size + z2 / (4 * size * size)).sqrt()
        low = max((centre - spread) / denominator, Decimal(0))
        high = min((centre + spread) / denominator, Decimal(1))
    return Interval(low=low, high=high)


def kish_n_eff(weights: Iterable[Decimal]) -> Decimal:
    """Kish's effective sample size (Σw)²/Σw² (0 for no weights)."""
    values = list(weights)
    total = sum(values, Decimal(0))
    squares = sum((w * w for w in values), Decimal(0))
    return total * total / squares if squares else Decimal(0)


def cell_weights(population: Mapping[Hashable, int], sample: Mapping[Hashable, int]) -> dict[Hashable, Decimal]:
    """The post-stratification weight of each cell with respondents: population share / sample share.

    Shares are taken over the cells that have both population and respondents; a cell with respondents but no
    population figure gets weight 1 (it cannot be corrected); cells without respondents get no weight.
    """
    covered = [key for key, count in sample.items() if count > 0 and population.get(key, 0) > 0]
    pop_total = sum(Decimal(population[key]) for key in covered)
    sample_total = sum(Decimal(sample[key]) for key in covered)
    weights: dict[Hashable, Decimal] = {}
    for key, count in sample.items():
        if count <= 0:
            continue
        if key in covered:
            weights[key] = (Decimal(population[key]) / pop_total) / (Decimal(count) / sample_total)
        else:
            weights[key] = Decimal(1)
    return weights


def percent_text(share: Decimal) -> str:
    """A share as a percentage with one decimal (0.8642 → "86.4%"), rounded half up."""
    return f"{(share * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class Estimate:
    """The rate of one item in one domain (a county, the city): counts, raw and weighted rate, n_eff, interval."""

    answered: int  # every answer to the item, the excluded ones included
    valid: int  # answers not excluded (the denominator)
    positive: int
    rate: Decimal | None  # unweighted positive / valid
    weighted_rate: Decimal | None
    n_eff: Decimal
    interval: Interval | None  # Wilson 95 % on the weighted rate with n = n_eff
    uncovered: tuple[Hashable, ...] = ()  # cells with population but no respondent in this domain

    @property
    def excluded(self) -> int:
        return self.answered - self.valid

    def sentence(self, *, what: str = "满意率") -> str:
        """"有效样本1,206份，加权满意率86.4%，95%置信区间84.5%–88.2%" (or why there is no rate)."""
        if self.weighted_rate is None or self.interval is None:
            return f"有效样本{self.valid:,}份，无法计算{what}"
        return (f"有效样本{self.valid:,}份，加权{what}{percent_text(self.weighted_rate)}，"
                f"95%置信区间{percent_text(self.interval.low)}–{percent_text(self.interval.high)}")


def estimate(answers: Iterable[tuple[Hashable, str]], *, positive: Collection[str], excluded: Collection[str],
             population: Mapping[Hashable, int] | None = None, z: Decimal = Z95) -> Estimate:
    """The rate of an item from ``(cell, answer)`` pairs of one domain.

    ``population`` (cell → people) weights the answers by post-stratification over the respondents' cells;
    without it every weight is 1. The weights are computed on every respondent of the item (excluded answers
    included: they are respondents of the cell), and the rate and n_eff on the valid answers. The pairs are
    tallied first, so the arithmetic runs once per cell, not once per respondent.
    """
    tally = Counter(answers)
    sample: Counter[Hashable] = Counter()
    valid: Counter[Hashable] = Counter()
    hits: Counter[Hashable] = Counter()
    for (cell, answer), count in tally.items():
        sample[cell] += count
        if answer not in excluded:
            valid[cell] += count
            if answer in positive:
                hits[cell] += count
    weights = cell_weights(population, sample) if population else dict.fromkeys(sample, Decimal(1))
    answered, n_valid, n_hits = sum(sample.values()), sum(valid.values()), sum(hits.values())
    uncovered = tuple(key for key, people in (population or {}).items() if people > 0 and not sample.get(key))
    if not n_valid:
        return Estimate(answered=answered, valid=0, positive=0, rate=None, weighted_rate=None, n_eff=Decimal(0),
                        interval=None, uncovered=uncovered)
    total = sum((weights[cell] * n for cell, n in valid.items()), Decimal(0))
    squares = sum((weights[cell] * weights[cell] * n for cell, n in valid.items()), Decimal(0))
    weighted = sum((weights[cell] * n for cell, n in hits.items()), Decimal(0)) / total
    n_eff = total * total / squares
    return Estimate(answered=answered, valid=n_valid, positive=n_hits, rate=Decimal(n_hits) / Decimal(n_valid),
                    weighted_rate=weighted, n_eff=n_eff, interval=wilson(weighted, n_eff, z=z), uncovered=uncovered)
