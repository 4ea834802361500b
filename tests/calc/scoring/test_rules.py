"""Every rule type at its edges, and the worked cases of issue #13 and wave2.md §2.10, exactly."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest

from calc.scoring import scheme as sc
from calc.scoring.engine import TRACE_COLUMNS, score
from tests.calc.scoring.helpers import D, fact, item, row, run, scheme, total

PM10 = dict(key="pm10", comparison="<=", target=D(70), deduct=D("0.5"), unit="µg/m³")


# --------------------------------------------------------------------------------------------------
# gap_linear


@pytest.mark.parametrize(("rounding", "actual", "counted", "points"), [
    ("exact", "73.4", "3.4", "1.3"),   # T2: the PM10 case, exact
    ("up", "73.4", "4", "1"),          # T2: gap rounded up to whole µg
    ("down", "73.4", "3", "1.5"),      # T2: gap rounded down
    ("exact", "72", "2", "2"),         # exactly at a step: every rounding agrees
    ("up", "72", "2", "2"),
    ("down", "72", "2", "2"),
    ("up", "72.000001", "3", "1.5"),   # the smallest gap past a step counts a whole step up …
    ("down", "72.999999", "2", "2"),   # … and nothing down
    ("exact", "70", "0", "3"),         # on target
    ("exact", "65", "0", "3"),         # better than target: no bonus, no negative gap
    ("exact", "76", "6", "0"),         # deduction 3 = the item's points
    ("exact", "80", "10", "0"),        # deduction 5 > 3: floored at 0 (扣完为止)
])
def test_gap_linear_pm10(rounding, actual, counted, points):
    result = run(scheme(item(sc.GapLinear(**PM10, rounding=rounding), points=3)), [fact("s1", "pm10", actual)])
    trace = row(result)
    assert trace["counted_gap"] == D(counted)
    assert trace["points"] == D(points)
    assert trace["floor_hit"] == (D(actual) - 70 > 6)
    assert total(result)["total"] == D(points)


def test_worked_cases_pm25_and_good_days():
    pm25 = item(sc.GapLinear(key="pm25", comparison="<=", target=D(35), deduct=D("0.5")), points=1, code="P")
    pm25_3 = item(sc.GapLinear(key="pm25", comparison="<=", target=D(35), deduct=D("0.5")), points=3, code="Q")
    good = item(sc.GapLinear(key="good", comparison=">=", target=D(85), deduct=D("0.25"), unit="%"), points=1, code="G")
    result = run(scheme(pm25, pm25_3, good), [fact("s1", "pm25", 37), fact("s1", "good", "82.4"),
                                             fact("s2", "pm25", 38)], subjects=["s1", "s2"])
    assert row(result, "s1", "P")["points"] == 0                   # T1: deduction 1.0, floored
    assert row(result, "s1", "P")["deduction"] == 1
    assert row(result, "s1", "G")["points"] == D("0.35")           # T3
    assert row(result, "s1", "G")["gap"] == D("2.6")
    assert row(result, "s2", "Q")["points"] == D("1.5")            # the sentence: 38 vs ≤35


def test_gap_linear_per_step_and_half_away_rounding():
    per_half = item(sc.GapLinear(key="drop", comparison=">=", target=D(3), per=D("0.5"), deduct=D(1), rounding="up"),
                    points=4, code="B")
    tiny = item(sc.GapLinear(key="x", comparison=">=", target=D(100), deduct=D("0.25")), points=1, code="T")
    result = run(scheme(per_half, tiny), [fact("s1", "drop", "2.3"), fact("s1", "x", "99.9")])
    assert row(result, code="B")["counted_gap"] == 1           # 0.7 → two steps of 0.5
    assert row(result, code="B")["points"] == 2
    assert row(result, code="T")["deduction"] == D("0.03")     # 0.1 × 0.25 = 0.025 → 0.03 (四舍五入)
    assert row(result, code="T")["points"] == D("0.97")


def test_gap_linear_own_target_missing_data_and_floor_off():
    own = item(sc.GapLinear(key="pm25", comparison="<=", target_key="pm25.target", deduct=D("0.5")), points=6, code="A")
    strict = item(sc.GapLinear(key="pm25", comparison="<=", target=D(30), deduct=D(1)), points=2, code="N", floor=False)
    kind = item(sc.GapLinear(key="sat", comparison=">=", target=D(85), deduct=D(1)), points=10, code="F", missing="full")
    result = run(scheme(own, strict, kind), [fact("s1", "pm25", 38), fact("s1", "pm25.target", 36),
                                             fact("s2", "pm25", 38)], subjects=["s1", "s2"])
    assert row(result, "s1", "A")["target"] == 36
    assert row(result, "s1", "A")["points"] == 5
    assert row(result, "s2", "A")["status"] == "missing"       # no target of its own
    assert row(result, "s2", "A")["points"] == 0
    assert row(result, "s1", "N")["points"] == -6              # floor off: 2 − 8
    assert row(result, "s1", "F")["status"] == "missing"
    assert row(result, "s1", "F")["points"] == 10              # missing = "full": 不扣分
    assert total(result, "s1")["total"] == 5 - 6 + 10


# --------------------------------------------------------------------------------------------------
# threshold_count


@pytest.mark.parametrize(("counts", "points", "short"), [
    ([3], 3, 0), ([4], 3, 0), ([2], 2, 1), ([1], 1, 2), ([0], 0, 3), ([], 0, 3), ([1, 1], 2, 1),
])
def test_threshold_count(counts, points, short):
    rule = sc.ThresholdCount(key="towns", required=D(3), deduct=D(1))
    rows = [fact("s1", "towns", n, part=f"p{i}" if len(counts) > 1 else None) for i, n in enumerate(counts)]
    trace = row(run(scheme(item(rule, points=3)), rows))
    assert (trace["points"], trace["gap"]) == (points, short)


# --------------------------------------------------------------------------------------------------
# rank_points


def test_rank_points_zhejiang_steps():
    """T4: top 4, −0.2 per rank: ranks 1, 2, 10, 20 give 4.0, 3.8, 2.2, 0.2; from 21 on 0."""
    subjects = [f"s{n:02d}" for n in range(1, 23)]
    rows = [fact(s, "gdi", 100 - n) for n, s in enumerate(subjects)]
    result = run(scheme(item(sc.RankPoints(key="gdi", step=D("0.2")), points=4)), rows, subjects=subjects)
    got = {r["rank"]: r["points"] for r in result.trace.to_dicts()}
    assert [got[r] for r in (1, 2, 10, 20, 21, 22)] == [D(4), D("3.8"), D("2.2"), D("0.2"), 0, 0]


def test_rank_points_ties_share_the_better_rank():
    rows = [fact("a", "v", 10), fact("b", "v", 10), fact("c", "v", 8), fact("d", "v", None)]
    result = run(scheme(item(sc.RankPoints(key="v", step=D("0.5")), points=4)), rows, subjects="abcd")
    assert [(row(result, s)["rank"], row(result, s)["points"]) for s in "abc"] == [(1, 4), (1, 4), (3, 3)]
    assert row(result, "d")["status"] == "missing"
    assert row(result, "a")["ranked"] == 3


def test_rank_points_lower_is_better_and_share_of_top():
    low = item(sc.RankPoints(key="v", order="lower", step=D(1)), points=5, code="L")
    share = item(sc.RankPoints(key="v", mode="share"), points=6, code="S")
    result = run(scheme(low, share), [fact("a", "v", 80), fact("b", "v", 100), fact("c", "v", "33.3")],
                 subjects="abc")
    assert [row(result, s, "L")["rank"] for s in "abc"] == [2, 3, 1]
    assert [row(result, s, "S")["points"] for s in "abc"] == [D("4.8"), 6, D("2")]  # 6 × 33.3 / 100 = 1.998 → 2.00


# --------------------------------------------------------------------------------------------------
# grade_map


def test_grade_map():
    rule = sc.GradeMap(key="g", points=(("优秀", D(60)), ("良好", D(45)), ("合格", D(30)), ("不合格", D(0))))
    rows = [fact("a", "g", text="良好"), fact("b", "g", text="差"), fact("c", "g", text="不合格")]
    result = run(scheme(item(rule, points=60)), rows, subjects="abcd")
    assert [(row(result, s)["status"], row(result, s)["points"]) for s in "abcd"] == [
        ("scored", 45), ("unmapped", 0), ("scored", 0), ("missing", 0)]


# --------------------------------------------------------------------------------------------------
# periodic_events with the annual waiver, bonus before or after the floor (T5–T7)

WATER = sc.PeriodicEvents(key="missed", deduct=D(5), severe_key="worst", severe_deduct=D(10), waiver_key="met")


def _water(bonus_order="after", floor=True):
    water = item(WATER, points=100, floor=floor, bonus=sc.Bonus(key="upgraded", per=D(5), cap=D(20)))
    return scheme(water, bonus_order=bonus_order)


def test_t5_missed_months_without_waiver():
    rows = [fact("s1", "missed", 3, part="S1"), fact("s1", "worst", 1, part="S2"), fact("s1", "met", 0, part="S1")]
    trace = row(run(_water(), rows))
    assert (trace["points"], trace["count"], trace["severe"], trace["deduction"]) == (75, 3, 1, 25)


def test_t6_waiver_and_bonus_on_top():
    rows = [fact("s1", "missed", 3, part="S1"), fact("s1", "worst", 1, part="S2"), fact("s1", "met", 1, part="S1"),
            fact("s1", "met", 1, part="S2"), fact("s1", "upgraded", 2)]
    trace = row(run(_water(), rows))
    assert (trace["points"], trace["waived"], trace["waived_parts"], trace["bonus"]) == (110, 25, 2, 10)


def test_waiver_is_per_section():
    rows = [fact("s1", "missed", 3, part="S1"), fact("s1", "missed", 2, part="S2"), fact("s1", "met", 1, part="S2")]
    trace = row(run(_water(), rows))
    assert (trace["points"], trace["count"], trace["waived"]) == (85, 3, 10)


@pytest.mark.parametrize(("order", "floor", "points", "floor_hit"), [
    ("after", True, 20, True),    # T7: 0 + 20
    ("before", True, 0, True),    # 100 − 150 + 20 < 0 → 0
    ("after", False, -30, False),  # not floored
])
def test_t7_floor_before_or_after_bonus(order, floor, points, floor_hit):
    rows = [fact("s1", "missed", 10, part=f"S{n}") for n in range(3)] + [fact("s1", "upgraded", 5)]
    trace = row(run(_water(order, floor), rows))
    assert (trace["points"], trace["floor_hit"], trace["bonus"], trace["cap_hit"]) == (points, floor_hit, 20, True)


# --------------------------------------------------------------------------------------------------
# bonus_capped, event_deduction


@pytest.mark.parametrize(("count", "points", "cap_hit"), [(0, 0, False), (1, "1.5", False), (2, 3, False),
                                                          (3, 3, True)])
def test_bonus_capped(count, points, cap_hit):
    result = run(scheme(item(sc.BonusCapped(key="h", per=D("1.5")), points=3)), [fact("s1", "h", count)])
    assert (row(result)["points"], row(result)["cap_hit"]) == (D(points), cap_hit)
    assert total(result)["bonus"] == D(points)


@pytest.mark.parametrize(("count", "points", "cap_hit"), [(0, 0, False), (1, -5, False), (4, -20, False),
                                                          (5, -20, True)])
def test_event_deduction(count, points, cap_hit):
    result = run(scheme(item(sc.EventDeduction(key="e", per=D(5)), points=20)), [fact("s1", "e", count)])
    assert (row(result)["points"], row(result)["cap_hit"]) == (points, cap_hit)
    assert total(result)["deduction"] == points


# --------------------------------------------------------------------------------------------------
# zero_if, veto, grade_cap, grade bands


@pytest.mark.parametrize(("now", "before", "status", "points"), [
    ("38", "38", "zeroed", 0), ("38", "40", "scored", 5), ("41", "40", "zeroed", 0), ("38", None, "scored", 5),
])
def test_zero_if_pm25_did_not_fall(now, before, status, points):
    rule = sc.GapLinear(key="pm25", comparison="<=", target=D(37), deduct=D(1))
    zero = sc.Condition(key="pm25", op=">=", other_key="pm25.last", label="PM2.5年均浓度未下降")
    rows = [fact("s1", "pm25", now)] + ([fact("s1", "pm25.last", before)] if before else [])
    trace = row(run(scheme(item(rule, points=6, zero_if=zero)), rows))
    assert (trace["status"], trace["points"]) == (status, points)


BANDS = [("90", "优秀"), ("89.99", "良好"), ("70", "良好"), ("69.99", "合格"), ("60", "合格"), ("59.99", "不合格"),
         ("100", "优秀"), ("0", "不合格")]


def test_grade_bands_at_their_edges():
    """T9: bands 90/70/60."""
    subjects = [f"s{n}" for n in range(len(BANDS))]
    manual = pl.DataFrame({"subject": subjects, "period": "2025", "item": "X1",
                           "points": [D(p) for p, _ in BANDS], "reason": "测试"},
                          schema={"subject": pl.String, "period": pl.String, "item": pl.String,
                                  "points": pl.Decimal(38, 2), "reason": pl.String})
    result = run(scheme(item(sc.Manual(), points=100)), [], subjects=subjects, manual=manual)
    assert [total(result, s)["grade"] for s in subjects] == [g for _, g in BANDS]


def test_veto_and_grade_cap():
    veto = sc.Adjustment(code="V", name="数据造假", kind="veto", when=sc.Condition(key="fake", op=">=", value=D(1)))
    cap = sc.Adjustment(code="C", name="特别重大事件", kind="grade_cap", grade="良好",
                     when=sc.Condition(key="big", op=">=", value=D(1)))
    the_scheme = scheme(item(sc.ThresholdCount(key="n", required=D(1), deduct=D(100)), points=100),
                        adjustments=[veto, cap])
    rows = [fact(s, "n", 1) for s in "abcd"] + [fact("a", "fake", 1), fact("b", "big", 2), fact("c", "big", 0),
                                                fact("d", "fake", 1), fact("d", "big", 1)]
    result = run(the_scheme, rows, subjects="abcde")
    got = {s: (total(result, s)["total"], total(result, s)["grade"], total(result, s)["vetoed"],
               total(result, s)["capped"]) for s in "abcde"}
    assert got == {"a": (100, "不合格", True, False), "b": (100, "良好", False, True), "c": (100, "优秀", False, False),
                   "d": (100, "不合格", True, False), "e": (0, "不合格", False, False)}
    assert row(result, "a", "V")["hit"] is True
    assert row(result, "a", "V")["points"] == 0
    assert total(result, "a")["band_grade"] == "优秀"


def test_grade_cap_never_raises_a_grade():
    cap = sc.Adjustment(code="C", name="特别重大事件", kind="grade_cap", grade="良好",
                     when=sc.Condition(key="big", op=">=", value=D(1)))
    manual = pl.DataFrame({"subject": ["s1"], "period": ["2025"], "item": ["X1"], "points": [D(65)], "reason": ["x"]})
    result = run(scheme(item(sc.Manual(), points=100), adjustments=[cap]), [fact("s1", "big", 1)], manual=manual)
    assert (total(result)["grade"], total(result)["capped"]) == ("合格", False)


# --------------------------------------------------------------------------------------------------
# composite_index (绿色发展指数)


def _gdi(mode="share"):
    indicators = (sc.IndexIndicator("x", "正向指标", D(3)), sc.IndexIndicator("y", "负向指标", D(1), order="lower"))
    return scheme(item(sc.CompositeIndex(indicators=indicators, mode=mode, step=D(1)), points=10))


def test_composite_index_t8_and_missing_and_weight_spread():
    rows = [fact("a", "x", 60), fact("b", "x", 80), fact("c", "x", 100), fact("d", "x", 80),
            fact("a", "y", 60), fact("b", "y", 80), fact("c", "y", 100), fact("d", "y", None, na=True)]
    result = run(_gdi(), rows + [fact("e", "y", 70)], subjects="abcde")
    inputs = {(r["subject"], r["key"]): r["index"] for r in result.inputs.to_dicts()}
    assert [inputs[(s, "x")] for s in "abc"] == [60, 80, 100]     # T8 positive; x = min → 60
    assert [inputs[(s, "y")] for s in "abc"] == [100, 80, 60]     # T8 negative
    assert inputs[("d", "y")] is None                               # not applicable
    index = {s: row(result, s)["index"] for s in "abcde"}
    assert index["a"] == 70            # (3 × 60 + 1 × 100) / 4
    assert index["d"] == 80            # y does not apply: x alone
    assert index["e"] == D("67.5")     # x missing → 60; y = 70 of [60, 100], lower is better → 90: (180 + 90) / 4
    assert row(result, "e")["missing_inputs"] == 1
    assert row(result, "d")["na_inputs"] == 1
    assert row(result, "a")["points"] == 7


def test_composite_index_equal_values_all_na_and_rank_mode():
    rows = [fact("a", "x", 5), fact("b", "x", 5), fact("c", "x", None, na=True), fact("c", "y", None, na=True)]
    result = run(_gdi("step"), rows, subjects="abc")
    assert row(result, "a")["index"] == 90     # x: all equal → 100; y: missing for all → 60: (300 + 60) / 4
    assert (row(result, "a")["rank"], row(result, "b")["rank"]) == (1, 1)
    assert row(result, "c")["status"] == "not_applicable"
    assert row(result, "c")["points"] == 10


# --------------------------------------------------------------------------------------------------
# manual items, non-applicable items, inputs


def test_manual_item_and_exemption():
    manual = pl.DataFrame({"subject": ["a"], "period": ["2025"], "item": ["M"], "points": [D("3.5")],
                           "reason": ["宣传教育资料齐全，现场检查发现一处不足"]})
    exemptions = pl.DataFrame({"subject": ["b"], "period": ["2025"], "item": ["M"], "reason": ["无此项工作"]})
    result = run(scheme(item(sc.Manual(), points=4, code="M")), [], subjects="abc", manual=manual, exemptions=exemptions)
    assert (row(result, "a", "M")["points"], row(result, "a", "M")["reason"]) == (D("3.5"), "宣传教育资料齐全，现场检查发现一处不足")
    assert (row(result, "b", "M")["status"], row(result, "b", "M")["points"]) == ("not_applicable", 4)
    assert (row(result, "c", "M")["status"], row(result, "c", "M")["points"]) == ("missing", 0)


@pytest.mark.parametrize("points", ["4.5", "-1", "1.005"])
def test_manual_points_out_of_range_are_refused(points):
    manual = pl.DataFrame({"subject": ["a"], "period": ["2025"], "item": ["M"], "points": [D(points)], "reason": ["x"]})
    with pytest.raises(ValueError, match="manual"):
        run(scheme(item(sc.Manual(), points=4, code="M")), [], subjects="a", manual=manual)


def test_manual_points_for_a_computed_item_are_refused():
    manual = pl.DataFrame({"subject": ["a"], "period": ["2025"], "item": ["X1"], "points": [D(1)], "reason": ["x"]})
    with pytest.raises(ValueError, match="not a manual item"):
        run(scheme(item(sc.ThresholdCount(key="n", required=D(1), deduct=D(1)), points=1)), [], subjects="a", manual=manual)


def test_a_na_fact_makes_the_item_not_applicable():
    result = run(scheme(item(sc.GapLinear(**PM10), points=3)), [fact("s1", "pm10", None, na=True)])
    assert (row(result)["status"], row(result)["points"]) == ("not_applicable", 3)


def test_inputs_carry_their_sources():
    rows = [fact("s1", "pm10", "73.4", source=("value_revision", 17)),
            fact("s1", "n", 1, part="notice:5", source=("notice", 5)), fact("s1", "n", 1, part="notice:9", source=("notice", 9))]
    the_scheme = scheme(item(sc.GapLinear(**PM10), points=3), item(sc.EventDeduction(key="n", per=D(1)), points=5, code="E"))
    result = run(the_scheme, rows)
    got = sorted((r["item"], r["key"], r["source_kind"], r["source_id"]) for r in result.inputs.to_dicts())
    assert got == [("E", "n", "notice", 5), ("E", "n", "notice", 9), ("X1", "pm10", "value_revision", 17)]
    assert row(result, code="E")["points"] == -2


# --------------------------------------------------------------------------------------------------
# input checks


def test_inputs_are_checked():
    the_scheme = scheme(item(sc.GapLinear(**PM10), points=3))
    with pytest.raises(TypeError, match="never floats"):
        score(the_scheme, pl.DataFrame({"subject": ["s1"], "group": ["county"]}),
              pl.DataFrame({"subject": ["s1"], "period": ["2025"], "key": ["pm10"], "value": [73.4]}))
    with pytest.raises(ValueError, match="appears twice"):
        run(the_scheme, [fact("s1", "pm10", 1), fact("s1", "pm10", 2)])
    with pytest.raises(ValueError, match="appears twice"):
        run(the_scheme, [fact("s1", "pm10", 1, part="a"), fact("s1", "pm10", 2, part="a")])
    run(the_scheme, [fact("s1", "pm10", 1, part="a"), fact("s1", "pm10", 2, part="b"), fact("s1", "pm10", 73)])
    with pytest.raises(ValueError, match="not year periods"):
        run(the_scheme, [fact("s1", "pm10", 1, period="2025-03")], periods=None)
    with pytest.raises(ValueError, match="groups"):
        run(scheme(item(sc.GapLinear(**PM10)), groups=("department",)), [])


def test_periods_are_scored_separately():
    rows = [fact("s1", "pm10", 73, period="2024"), fact("s1", "pm10", 71, period="2025")]
    result = run(scheme(item(sc.GapLinear(**PM10), points=3)), rows, periods=None)
    assert result.periods == ("2024", "2025")
    assert result.totals.sort("period").get_column("total").to_list() == [D("1.5"), D("2.5")]


def test_decimals_beyond_six_places_are_refused():
    facts = pl.DataFrame({"subject": ["s1"], "period": ["2025"], "key": ["pm10"], "value": [Decimal("1.0000001")]},
                         schema={"subject": pl.String, "period": pl.String, "key": pl.String, "value": pl.Decimal(38, 7)})
    with pytest.raises(ValueError, match="decimals"):
        score(scheme(item(sc.GapLinear(**PM10))), pl.DataFrame({"subject": ["s1"], "group": ["county"]}), facts)


def test_no_subjects_give_empty_results():
    for the_scheme in (_gdi(), scheme(item(sc.PeriodicEvents(key="m", deduct=D(1), waiver_key="w")))):
        result = run(the_scheme, [], subjects=())
        assert (result.totals.height, result.trace.height, result.inputs.height) == (0, 0, 0)
        assert tuple(result.trace.columns) == TRACE_COLUMNS


def test_inputs_are_built_once_when_asked():
    result = run(scheme(item(sc.GapLinear(**PM10), points=3)), [fact("s1", "pm10", 73, source=("value_revision", 5))])
    assert "inputs" not in vars(result)
    assert result.inputs is result.inputs
    assert result.inputs.select("key", "source_kind", "source_id").rows() == [("pm10", "value_revision", 5)]
