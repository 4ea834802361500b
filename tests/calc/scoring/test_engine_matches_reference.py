"""The bulk engine equals a plain per-subject loop, written here independently with Fractions.

The loop reads the rules as docs/scoring.md states them, one subject and one item at a time; the engine computes
the same in polars over all subjects × items × periods at once. On random schemes and data, every item's status
and points, every total, grade and rank must be equal, and every total must be the sum of its trace rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.scoring import scheme as sc
from calc.scoring.engine import score
from tests.calc.scoring.helpers import FACT_SCHEMA
from tests.calc.scoring.strategies import CATEGORIES, KEYS, schemes

PERIODS = ("2024", "2025")


def rnd(value: Fraction, places: int) -> Fraction:
    """Half away from zero to ``places`` decimals."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Fraction(whole if value >= 0 else -whole, 10**places)


class Facts:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.single: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.parts: dict[tuple[str, str, str], dict[str | None, Fraction | None]] = defaultdict(dict)
        for row in rows:
            where = (row["subject"], row["period"], row["key"])
            value = None if row["value"] is None else Fraction(row["value"])
            if row["part"] is None:
                self.single[where] = {**row, "value": value}
            self.parts[where][row["part"]] = value

    def value(self, s: str, p: str, key: str | None) -> Fraction | None:
        return self.single.get((s, p, key or ""), {}).get("value")

    def text(self, s: str, p: str, key: str) -> str | None:
        return self.single.get((s, p, key), {}).get("text")

    def na(self, s: str, p: str, key: str) -> bool:
        return bool(self.single.get((s, p, key), {}).get("na"))

    def count(self, s: str, p: str, key: str) -> Fraction:
        return sum((v for v in self.parts.get((s, p, key), {}).values() if v is not None), Fraction(0))


def holds(condition: sc.Condition, facts: Facts, s: str, p: str) -> bool:
    left = facts.value(s, p, condition.key)
    right = Fraction(condition.value) if condition.value is not None else facts.value(s, p, condition.other_key)
    if left is None or right is None:
        return False
    return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right, "=": left == right,
            "!=": left != right}[condition.op]


def rank_of(mine: Fraction, others: list[Fraction]) -> int:
    return 1 + sum(1 for other in others if other > mine)


class Reference:
    def __init__(self, scheme: sc.Scheme, groups: dict[str, str], facts: Facts, exempt: set[tuple[str, str, str]],
                 manual: dict[tuple[str, str, str], Fraction]) -> None:
        self.scheme, self.groups, self.facts, self.exempt, self.manual = scheme, groups, facts, exempt, manual
        self.places = scheme.places

    def peers(self, s: str, item: sc.Item) -> list[str]:
        return [t for t, g in self.groups.items() if g == self.groups[s] and (not item.groups or g in item.groups)]

    def composite(self, s: str, p: str, item: sc.Item, rule: sc.CompositeIndex) -> Fraction | None:
        weight_sum, weighted = Fraction(0), Fraction(0)
        for indicator in rule.indicators:
            if self.facts.na(s, p, indicator.key):
                continue
            known = [self.facts.value(t, p, indicator.key) for t in self.peers(s, item)
                     if not self.facts.na(t, p, indicator.key)]
            values = [v for v in known if v is not None]
            mine = self.facts.value(s, p, indicator.key)
            if mine is None:
                index = Fraction(60)
            elif max(values) == min(values):
                index = Fraction(100)
            else:
                rise = mine - min(values) if indicator.order == "higher" else max(values) - mine
                index = 60 + rnd(40 * rise / (max(values) - min(values)), 6)
            weight_sum += Fraction(indicator.weight)
            weighted += Fraction(indicator.weight) * index
        return rnd(weighted / weight_sum, 6) if weight_sum else None

    def not_applicable(self, s: str, p: str, item: sc.Item) -> bool:
        if (s, p, item.code) in self.exempt:
            return True
        if isinstance(item.rule, sc.CompositeIndex):
            return self.composite(s, p, item, item.rule) is None
        return not isinstance(item.rule, sc.Manual) and self.facts.na(s, p, item.rule.key)

    def rank_value(self, t: str, p: str, item: sc.Item) -> Fraction | None:
        if self.not_applicable(t, p, item):
            return None
        rule = item.rule
        if isinstance(rule, sc.CompositeIndex):
            return self.composite(t, p, item, rule)
        assert isinstance(rule, sc.RankPoints)
        value = self.facts.value(t, p, rule.key)
        return None if value is None else (value if rule.order == "higher" else -value)

    def stepped(self, s: str, p: str, item: sc.Item, step: Decimal) -> Fraction:
        values = [v for t in self.peers(s, item) if (v := self.rank_value(t, p, item)) is not None]
        mine = self.rank_value(s, p, item)
        assert mine is not None
        return max(Fraction(0), Fraction(item.points) - (rank_of(mine, values) - 1) * Fraction(step))

    def raw(self, s: str, p: str, item: sc.Item) -> tuple[str, Fraction]:  # noqa: C901 - one branch per rule
        rule, f, P, q = item.rule, self.facts, Fraction(item.points), self.places
        if isinstance(rule, sc.GapLinear):
            actual = f.value(s, p, rule.key)
            target = Fraction(rule.target) if rule.target is not None else f.value(s, p, rule.target_key)
            if actual is None or target is None:
                return "missing", Fraction(0)
            gap = max(Fraction(0), actual - target if rule.comparison == "<=" else target - actual)
            per = Fraction(rule.per)
            counted = {"exact": gap, "up": math.ceil(gap / per) * per, "down": math.floor(gap / per) * per}[rule.rounding]
            return "scored", P - rnd(counted * Fraction(rule.deduct) / per, q)
        if isinstance(rule, sc.ThresholdCount):
            short = max(Fraction(0), Fraction(rule.required) - f.count(s, p, rule.key))
            return "scored", P - rnd(short * Fraction(rule.deduct), q)
        if isinstance(rule, sc.PeriodicEvents):
            return "scored", P - rnd(self.periodic(s, p, rule), q)
        if isinstance(rule, sc.RankPoints):
            actual = f.value(s, p, rule.key)
            if actual is None:
                return "missing", Fraction(0)
            if rule.mode == "step":
                return "scored", self.stepped(s, p, item, rule.step)
            ranked = [f.value(t, p, rule.key) for t in self.peers(s, item) if not self.not_applicable(t, p, item)]
            top = max(v for v in ranked if v is not None)
            return "scored", rnd(P * max(actual, Fraction(0)) / top, q) if top > 0 else Fraction(0)
        if isinstance(rule, sc.GradeMap):
            text = f.text(s, p, rule.key)
            if text is None:
                return "missing", Fraction(0)
            table = dict(rule.points)
            return ("scored", Fraction(table[text])) if text in table else ("unmapped", Fraction(0))
        if isinstance(rule, sc.BonusCapped | sc.EventDeduction):
            amount = min(rnd(f.count(s, p, rule.key) * Fraction(rule.per), q), P)
            return "scored", amount if isinstance(rule, sc.BonusCapped) else -amount
        if isinstance(rule, sc.CompositeIndex):
            if rule.mode == "step":
                return "scored", self.stepped(s, p, item, rule.step)
            index = self.composite(s, p, item, rule)
            assert index is not None
            return "scored", rnd(P * index / 100, q)
        if (s, p, item.code) not in self.manual:
            return "missing", Fraction(0)
        return "scored", self.manual[(s, p, item.code)]

    def periodic(self, s: str, p: str, rule: sc.PeriodicEvents) -> Fraction:
        parts: dict[str | None, Fraction] = defaultdict(Fraction)
        waived: set[str | None] = set()
        for key, rate in ((rule.key, rule.deduct), (rule.severe_key, rule.severe_deduct)):
            for part, value in (self.facts.parts.get((s, p, key or ""), {}) if key else {}).items():
                parts[part] += (value or 0) * Fraction(rate)
        if rule.waiver_key:
            waived = {part for part, value in self.facts.parts.get((s, p, rule.waiver_key), {}).items()
                      if value is not None and value != 0}
        return sum((d for part, d in parts.items() if part not in waived), Fraction(0))

    def item(self, s: str, p: str, item: sc.Item) -> tuple[str, Fraction]:
        P = Fraction(item.points)
        full = P if item.kind == "base" else Fraction(0)
        if self.not_applicable(s, p, item):
            return "not_applicable", full
        status, raw = self.raw(s, p, item)
        if status == "missing":
            return status, full if item.missing == "full" else Fraction(0)
        if status == "unmapped":
            return status, Fraction(0)
        if item.zero_if is not None and holds(item.zero_if, self.facts, s, p):
            return "zeroed", Fraction(0)
        if item.kind != "base":
            return status, raw
        bonus = Fraction(0)
        if item.bonus is not None:
            earned = rnd(self.facts.count(s, p, item.bonus.key) * Fraction(item.bonus.per), self.places)
            bonus = min(earned, Fraction(item.bonus.cap))
        if not item.floor:
            return status, raw + bonus
        if self.scheme.bonus_order == "after":
            return status, max(raw, Fraction(0)) + bonus
        return status, max(raw + bonus, Fraction(0))

    def grade(self, s: str, p: str, total: Fraction) -> str:
        names = [g.name for g in self.scheme.grades]
        band = next(i for i, g in enumerate(self.scheme.grades) if g.min is None or total >= g.min)
        if any(a.kind == "veto" and holds(a.when, self.facts, s, p) for a in self.scheme.adjustments):
            return names[-1]
        caps = [names.index(a.grade) for a in self.scheme.adjustments
                if a.kind == "grade_cap" and holds(a.when, self.facts, s, p)]
        return names[max([band, *caps])]


# --------------------------------------------------------------------------------------------------
# random data

# Mostly a small pool, so ties, equal minima and maxima and values on targets are common.
POOL = st.sampled_from([Decimal(x) for x in ("0", "1", "2", "3", "35", "60", "70", "85", "100", "-1.5")])
values = st.one_of(POOL, POOL, POOL, st.decimals(min_value=-5, max_value=120, places=3, allow_nan=False,
                                                 allow_infinity=False))


@st.composite
def data(draw: st.DrawFn) -> tuple[sc.Scheme, pl.DataFrame, list[dict[str, Any]], pl.DataFrame, pl.DataFrame]:
    scheme = draw(schemes())
    names = [f"s{n}" for n in range(draw(st.integers(1, 6)))]
    groups = {name: draw(st.sampled_from(scheme.groups)) for name in names}
    rows: list[dict[str, Any]] = []
    for s in names:
        for p in PERIODS:
            for key in (*KEYS, "k1.target"):
                shape = draw(st.sampled_from(["absent", "value", "value", "value", "null", "na", "parts", "text"]))
                base = {"subject": s, "period": p, "key": key, "part": None, "value": None, "text": None, "na": False,
                        "source_kind": "value_revision", "source_id": len(rows) + 1}
                if shape in ("value", "text", "parts"):
                    base["value"] = draw(values)
                if shape == "text":
                    base["text"] = draw(st.sampled_from([*CATEGORIES, "其他"]))
                base["na"] = shape == "na"
                if shape != "absent":
                    rows.append(base)
                if shape == "parts":
                    for part in ("p1", "p2")[: draw(st.integers(1, 2))]:
                        rows.append({**base, "part": part, "value": draw(values), "source_id": len(rows) + 1})
    items = scheme.items
    exempt = [{"subject": s, "period": p, "item": i.code, "reason": "不涉及"} for s in names for p in PERIODS
              for i in items if draw(st.integers(0, 9)) == 0]
    step = Decimal(1).scaleb(-scheme.places)
    manual = [{"subject": s, "period": p, "item": i.code, "reason": "人工",
               "points": Decimal(draw(st.integers(0, int(i.points / step)))) * step}
              for s in names for p in PERIODS for i in items if isinstance(i.rule, sc.Manual) and draw(st.booleans())]
    subjects = pl.DataFrame({"subject": names, "group": [groups[n] for n in names]})
    exemptions = pl.DataFrame(exempt, schema={"subject": pl.String, "period": pl.String, "item": pl.String,
                                              "reason": pl.String})
    manual_frame = pl.DataFrame(manual, schema={"subject": pl.String, "period": pl.String, "item": pl.String,
                                                "reason": pl.String, "points": pl.Decimal(38, 6)})
    return scheme, subjects, rows, exemptions, manual_frame


@settings(deadline=None)  # max_examples: the Hypothesis profile (tests/conftest.py), 40 here, 150 on CI
@given(data())
def test_engine_equals_the_reference_loop(case):
    scheme, subjects, rows, exemptions, manual = case
    result = score(scheme, subjects, pl.DataFrame(rows, schema=FACT_SCHEMA), periods=PERIODS, exemptions=exemptions,
                   manual=manual)
    groups = dict(zip(subjects["subject"], subjects["group"], strict=True))
    reference = Reference(scheme, groups, Facts(rows), {(r["subject"], r["period"], r["item"]) for r in exemptions.to_dicts()},
                          {(r["subject"], r["period"], r["item"]): Fraction(r["points"]) for r in manual.to_dicts()})
    trace = {(r["subject"], r["period"], r["item"]): r for r in result.trace.to_dicts()}
    totals = {(r["subject"], r["period"]): r for r in result.totals.to_dicts()}
    expected_totals = {}
    for s, group in groups.items():
        for p in PERIODS:
            total = Fraction(0)
            for item in scheme.items_for(group):
                status, points = reference.item(s, p, item)
                got = trace[(s, p, item.code)]
                assert (got["status"], Fraction(got["points"])) == (status, points), (s, p, item)
                total += points
            expected_totals[(s, p)] = total
            assert Fraction(totals[(s, p)]["total"]) == total
            assert totals[(s, p)]["grade"] == reference.grade(s, p, total)
            rows_of = [r for r in result.trace.to_dicts() if (r["subject"], r["period"]) == (s, p)]
            assert sum(Fraction(r["points"]) for r in rows_of) == Fraction(totals[(s, p)]["total"])
    for (s, p), total in expected_totals.items():
        peers = [t for (u, q), t in expected_totals.items() if q == p and groups[u] == groups[s]]
        assert totals[(s, p)]["rank"] == rank_of(total, peers)
    assert len(trace) == sum(len(scheme.items_for(g)) for g in groups.values()) * len(PERIODS) + len(
        scheme.adjustments) * len(groups) * len(PERIODS)
