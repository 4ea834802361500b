"""The sentence of each trace row: built from the row's own numbers, one builder for every rule."""

from __future__ import annotations

import polars as pl
import pytest

from calc.scoring import scheme as sc
from calc.scoring.text import explain, number
from tests.calc.scoring.helpers import D, fact, item, row, run, scheme

PM25 = sc.GapLinear(key="pm25", comparison="<=", target=D(35), deduct=D("0.5"), unit="µg/m³")


def _sentence(the_scheme, rows, subject="s1", code="X1", **kwargs):
    result = run(the_scheme, rows, subjects=kwargs.pop("subjects", [subject]), **kwargs)
    return explain(row(result, subject, code), the_scheme)


def test_the_issue_sentence():
    text = _sentence(scheme(item(PM25, points=3, name="PM2.5年均浓度")), [fact("s1", "pm25", 38)])
    assert text == "PM2.5年均浓度38µg/m³，目标≤35µg/m³，差3µg/m³，按每差1µg/m³扣0.5分扣1.5分，本项得1.5分"


def test_the_sentence_reads_the_row_and_computes_nothing():
    the_scheme = scheme(item(PM25, points=3, name="PM2.5年均浓度"))
    trace = row(run(the_scheme, [fact("s1", "pm25", 38)]))
    altered = {**trace, "gap": D(7), "deduction": D("9.25"), "points": D("42")}
    assert explain(altered, the_scheme) == ("PM2.5年均浓度38µg/m³，目标≤35µg/m³，差7µg/m³，按每差1µg/m³扣0.5分扣9.25分，"
                                            "本项得42分")


CASES = [
    (sc.GapLinear(key="g", comparison=">=", target=D(85), deduct=D("0.25"), unit="%", label="优良天数比率"), 1,
     [fact("s1", "g", "82.4")], "优良天数比率82.4%，目标≥85%，差2.6个百分点，按每差1个百分点扣0.25分扣0.65分，本项得0.35分"),
    (sc.GapLinear(key="g", comparison="<=", target=D(70), deduct=D("0.5"), rounding="up", unit="µg/m³"), 3,
     [fact("s1", "g", "73.4")], "测试项73.4µg/m³，目标≤70µg/m³，差3.4µg/m³（不足1个单位按1个单位计，计4µg/m³），"
     "按每差1µg/m³扣0.5分扣2分，本项得1分"),
    (sc.GapLinear(key="g", comparison="<=", target=D(35), deduct=D("0.5")), 1, [fact("s1", "g", 40)],
     "测试项40，目标≤35，差5，按每差1扣0.5分扣2.5分，扣完为止，本项得0分"),
    (sc.GapLinear(key="g", comparison="<=", target=D(35), deduct=D("0.5")), 1, [fact("s1", "g", 30)],
     "测试项30，目标≤35，已达到目标，本项得1分"),
    (sc.ThresholdCount(key="n", required=D(3), deduct=D(1), label="示范乡镇"), 3, [fact("s1", "n", 1)],
     "示范乡镇1个，要求3个，少2个，每少1个扣1分扣2分，本项得1分"),
    (sc.GradeMap(key="c", points=(("良好", D("4.5")),), label="跨界断面考核等级"), 6, [fact("s1", "c", text="良好")],
     "跨界断面考核等级为「良好」，本项得4.5分"),
    (sc.BonusCapped(key="h", per=D("1.5"), label="获得国家级荣誉"), 3, [fact("s1", "h", 3)],
     "获得国家级荣誉3项，每项加1.5分，计4.5分，加分以3分为限，本项得3分"),
    (sc.EventDeduction(key="e", per=D(5), label="发生重大环境事件"), 20, [fact("s1", "e", 1)],
     "发生重大环境事件1起，每起扣5分，计5分，本项扣5分"),
    (sc.EventDeduction(key="e", per=D(5), label="发生重大环境事件"), 20, [], "发生重大环境事件0起，每起扣5分，计0分，本项不扣分"),
    (sc.Manual(), 4, [], "测试项缺数据，按规定不得分，本项得0分"),
    (sc.PeriodicEvents(key="m", deduct=D(5), severe_key="w", severe_deduct=D(10), waiver_key="ok", label="考核断面"), 100,
     [fact("s1", "m", 3, part="A"), fact("s1", "w", 1, part="B"), fact("s1", "m", 2, part="C"),
      fact("s1", "ok", 1, part="C")],
     "考核断面未达标3断面月，每断面月扣5分；水质为劣Ⅴ类1断面月，每断面月扣10分；1个断面年均值达到目标，免扣10分；共扣25分，本项得75分"),
]


@pytest.mark.parametrize(("rule", "points", "rows", "expected"), CASES)
def test_sentences(rule, points, rows, expected):
    assert _sentence(scheme(item(rule, points=points)), rows) == expected


def test_rank_composite_bonus_zero_if_and_adjustment_sentences():
    rank = item(sc.RankPoints(key="v", step=D("0.2"), label="绿色发展指数"), points=4, code="R")
    index = item(sc.CompositeIndex(indicators=(sc.IndexIndicator("x", "甲", D(3)), sc.IndexIndicator("y", "乙", D(1))),
                                label="绿色发展指数"), points=10, code="C")
    water = item(sc.PeriodicEvents(key="m", deduct=D(5), label="考核断面"), points=10, code="W",
                 bonus=sc.Bonus(key="u", per=D(5), cap=D(10), label="水质提升断面"))
    zero = item(PM25, points=6, code="Z", name="PM2.5年均浓度",
                zero_if=sc.Condition(key="pm25", op=">=", other_key="pm25.last", label="PM2.5年均浓度未比上年下降"))
    veto = sc.Adjustment(code="V", name="数据造假", kind="veto",
                      when=sc.Condition(key="fake", op=">=", value=D(1), label="经核实存在数据造假"))
    the_scheme = scheme(rank, index, water, zero, adjustments=[veto])
    rows = [fact("a", "v", 90), fact("b", "v", 80), fact("a", "x", 1), fact("b", "x", 2), fact("a", "y", None, na=True),
            fact("a", "m", 3), fact("a", "u", 3), fact("a", "pm25", 38), fact("a", "pm25.last", 37), fact("a", "fake", 1)]
    result = run(the_scheme, rows, subjects="ab")
    sentences = {r["item"]: r["sentence"] for r in result.sheet("a", "2025")}
    assert sentences == {
        "R": "绿色发展指数90，在2个县（市、区）政府中排第1名，第1名得4分，每低1名减0.2分，本项得4分",
        "C": "绿色发展指数60（2项指标，1项不适用、其权重分摊到其余指标），按指数÷100×10分得分，本项得6分",
        "W": "考核断面未达标3断面月，每断面月扣5分；共扣15分；水质提升断面3个，每个加5分，加10分（以10分为限），"
             "先扣完为止再加分，本项得10分",
        "Z": "PM2.5年均浓度38µg/m³，目标≤35µg/m³，差3µg/m³，按每差1µg/m³扣0.5分扣1.5分；"
             "但PM2.5年均浓度未比上年下降（38≥37），本项得0分",
        "V": "数据造假：经核实存在数据造假（1≥1），一票否决，等次定为不合格",
    }
    assert explain(row(result, "b", "V"), the_scheme) == "数据造假：未触发"
    explained = result.explained().filter(pl.col("subject") == "a")
    assert dict(zip(explained.get_column("item").cast(pl.String), explained.get_column("sentence"), strict=True)) == sentences


def test_not_applicable_sentence_names_the_reason():
    exemptions = pl.DataFrame({"subject": ["s1"], "period": ["2025"], "item": ["X1"], "reason": ["本县无国控断面"]})
    text = _sentence(scheme(item(PM25, points=3)), [], exemptions=exemptions)
    assert text == "本项不适用（本县无国控断面），按满分计，本项得3分"


def test_numbers_print_plainly_with_thousands_separators():
    assert [number(D(x)) for x in ("1234567.50", "1E+2", "-0.0", "0.35")] == ["1,234,567.5", "100", "0", "0.35"]
