"""Hypothesis strategies for targets, observations and whole bulk inputs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from calc.attainment import Observation
from calc.targets import OPS, TREND_RULES, AllOf, AnyOf, Assigned, Qualitative, Target, Threshold, Trend

YEARS = range(2015, 2027)

# A small pool makes values land exactly on thresholds, base values and assigned numbers often.
POOL = [
    Decimal(x) for x in ("0", "-1", "25", "60", "59.4", "89.9", "90", "90.1", "94.9", "95", "95.0", "100")
]
numbers = st.one_of(
    st.sampled_from(POOL),
    st.integers(min_value=-2000, max_value=2000).map(lambda i: Decimal(i) / 20),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
)

leaves: st.SearchStrategy[Target] = st.one_of(
    st.builds(Threshold, st.sampled_from(OPS), numbers),
    st.builds(Trend, st.sampled_from(list(TREND_RULES))),
    st.sampled_from([Assigned(), Assigned("完成上级管控目标")]),
    st.builds(Qualitative, st.sampled_from(["建立", "全面实施", "有效开展"])),
)
targets: st.SearchStrategy[Target] = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=3).map(lambda parts: AllOf(tuple(parts))),
        st.lists(children, min_size=2, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
    ),
    max_leaves=6,
)


def _by_year(values: st.SearchStrategy) -> st.SearchStrategy:
    """A value for most years, none for about a quarter of them."""
    maybe = st.one_of(values, values, values, st.none())
    return st.lists(maybe, min_size=len(YEARS), max_size=len(YEARS)).map(
        lambda items: {year: item for year, item in zip(YEARS, items, strict=True) if item is not None}
    )


@st.composite
def _trending(draw: st.DrawFn) -> dict[int, Decimal]:
    """A roughly linear series with gaps, so that every pace (on track, too slow, backwards) occurs."""
    start = draw(st.sampled_from(POOL))
    step = draw(st.sampled_from([Decimal(x) for x in ("-2", "-0.5", "0", "0.3", "1", "1.5", "4")]))
    jitter = st.sampled_from([Decimal(x) for x in ("0", "0", "0.1", "-0.2", "0.05")])
    values = {}
    for year in YEARS:
        if draw(st.integers(min_value=0, max_value=4)):
            values[year] = start + step * (year - YEARS[0]) + draw(jitter)
    return values


@dataclass(frozen=True)
class Series:
    """One region × indicator: its target and what is known of it."""

    target: Target
    direction: str
    observation: Observation
    deadline_year: int | None
    applicable: bool


series: st.SearchStrategy[Series] = st.builds(
    Series,
    target=targets,
    direction=st.sampled_from(["higher", "lower"]),
    observation=st.builds(
        Observation,
        values=st.one_of(_by_year(numbers), _trending()),
        statuses=_by_year(st.sampled_from(["achieved", "in_progress", "not_started"])),
        assigned=_by_year(numbers),
        base_year=st.one_of(st.none(), st.sampled_from(YEARS)),
    ),
    deadline_year=st.one_of(st.none(), st.integers(min_value=2014, max_value=2032)),
    applicable=st.booleans() | st.just(True),
)


_numeric_leaves: st.SearchStrategy[Target] = st.one_of(
    st.builds(Threshold, st.sampled_from(OPS), st.sampled_from(POOL)),
    st.builds(Trend, st.sampled_from(list(TREND_RULES))),
    st.just(Assigned()),
)

#: Numeric targets on trending series with deadlines ahead: every reachability status occurs.
numeric_series: st.SearchStrategy[Series] = st.builds(
    Series,
    target=st.one_of(
        _numeric_leaves,
        st.lists(_numeric_leaves, min_size=2, max_size=3).map(lambda parts: AllOf(tuple(parts))),
        st.lists(_numeric_leaves, min_size=2, max_size=3).map(lambda parts: AnyOf(tuple(parts))),
    ),
    direction=st.sampled_from(["higher", "lower"]),
    observation=st.builds(
        Observation,
        values=_trending(),
        statuses=st.just({}),
        assigned=_by_year(st.sampled_from(POOL)),
        base_year=st.sampled_from(YEARS),
    ),
    deadline_year=st.integers(min_value=2020, max_value=2035),
    applicable=st.just(True),
)
