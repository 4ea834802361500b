"""Scheme files: the demo schemes, the writer's round trip, and problems named by item and field."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings

from calc.scoring.scheme import GROUPS, BonusCapped, EventDeduction, GapLinear
from calc.scoring.schemefile import SchemeError, dumps, load, loads
from calc.scoring.toml_writer import dumps as toml_dumps
from tests.calc.scoring.strategies import schemes

SCHEMES = sorted((Path(__file__).resolve().parents[3] / "calc" / "scoring" / "schemes").glob("*.toml"))
COUNTY = SCHEMES[0].parent / "demo-county-2025.toml"


def test_there_are_demo_schemes_for_counties_and_departments():
    groups = {group for path in SCHEMES for group in load(path).groups}
    assert groups == set(GROUPS)


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.name)
def test_demo_scheme_is_realistic_and_round_trips(path):
    scheme = load(path)
    assert loads(dumps(scheme)) == scheme
    for group in scheme.groups:
        assert scheme.base_points(group) == scheme.total == 100
    assert 15 <= len(scheme.items) <= 30
    assert len({type(i.rule) for i in scheme.items}) >= 5
    assert [a.kind for a in scheme.adjustments].count("veto") == 1
    assert any(isinstance(i.rule, BonusCapped) for i in scheme.items)
    assert any(isinstance(i.rule, EventDeduction) for i in scheme.items)


@settings(deadline=None)  # max_examples: the Hypothesis profile (tests/conftest.py), 40 here, 150 on CI
@given(schemes())
def test_dump_then_load_is_identity(scheme):
    text = dumps(scheme)
    assert loads(text) == scheme
    assert dumps(loads(text)) == text


def test_numbers_are_read_as_exact_decimals():
    scheme = load(COUNTY)
    rule = scheme.item("A3").rule
    assert isinstance(rule, GapLinear)
    assert rule.deduct == Decimal("0.25")
    assert type(rule.deduct) is Decimal


def test_writer_escapes_and_reads_back():
    data = {"t": {"a": 'q"uote\\n\nnew\x7f', "中文键": Decimal("0.10"), "n": 3, "ok": True, "l": ["x", "y"]},
            "arr": [{"x": 1}, {"x": 2, "sub": {"y": Decimal("-1.5")}}]}
    back = tomllib.loads(toml_dumps(data), parse_float=Decimal)
    assert back == {"t": {"a": 'q"uote\\n\nnew\x7f', "中文键": Decimal("0.1"), "n": 3, "ok": True, "l": ["x", "y"]},
                    "arr": [{"x": 1}, {"x": 2, "sub": {"y": Decimal("-1.5")}}]}


def _broken(old: str, new: str) -> str:
    text = COUNTY.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


PROBLEMS = [
    # (replace this, by this) → (where, field, message)
    ('code = "A2"\nname = "PM10年均浓度"\npoints = 3\n', 'code = "A2"\nname = "PM10年均浓度"\n',
     "评分项「A2 PM10年均浓度」", "points", "不能为空"),
    ('type = "grade_map"', 'type = "grade_mapping"', "评分项「A5 跨界断面水质考核等级」", "rule.type", "应为"),
    ('key = "air.pm10"\n', 'key = "air.pm10"\ncolour = "red"\n', "评分项「A2 PM10年均浓度」", "rule.colour", "未知字段"),
    ("deduct = 0.25", 'deduct = "一分"', "评分项「A3 空气质量优良天数比率」", "rule.deduct", "应为数字"),
    ("deduct = 0.25", "deduct = 0", "评分项「A3 空气质量优良天数比率」", "rule.deduct", "应大于0"),
    ("target = 93\n", "target = 93\ntarget_key = \"soil.target\"\n", "评分项「A7 受污染耕地安全利用率」", "rule.target",
     "二者之一"),
    ("points = 3\nsource = \"市农业农村局", "points = 3.005\nsource = \"市农业农村局", "评分项「A7 受污染耕地安全利用率」",
     "points", "最多2位小数"),
    ('"良好" = 4.5', '"良好" = 7', "评分项「A5 跨界断面水质考核等级」", "rule.points.良好", "不能超过本项分值"),
    ('grade = "良好"', 'grade = "很好"', "等次调整第2条", "grade", "应为等次之一"),
    ("min = 70", "min = 95", "评分细则", "grade", "从高到低"),
    ('code = "A7"', 'code = "A6"', "评分细则", "section", "代码有重复：A6"),
    ("points = 10\nsource = \"本系统任务台账", "points = 11\nsource = \"本系统任务台账", "评分细则", "scheme.total",
     "基本分合计为101"),
    ('period = "year"', 'period = "quarter"', "评分细则", "scheme.period", "应为 year、half、month 之一"),
    ("mode = \"step\"\nstep = 0.4", "mode = \"step\"", "评分项「B3 绿色发展指数排名」", "rule.step", "每名递减"),
    ('order = "higher"\nmode = "share"', 'order = "lower"\nmode = "share"', "评分项「C3 指标数据报送及时率」", "rule.order",
     "越高越好"),
]


@pytest.mark.parametrize(("old", "new", "where", "field", "message"), PROBLEMS)
def test_problems_name_the_item_and_the_field(old, new, where, field, message):
    with pytest.raises(SchemeError) as caught:
        loads(_broken(old, new))
    assert any(p.where == where and p.field == field and message in p.message for p in caught.value.problems), \
        caught.value.problems
    assert f"{where}的「{field}」" in str(caught.value)


def test_every_problem_is_reported_at_once():
    text = _broken("deduct = 0.25", "deduct = 0").replace('period = "year"', 'period = "week"')
    with pytest.raises(SchemeError) as caught:
        loads(text)
    assert {p.field for p in caught.value.problems} >= {"rule.deduct", "scheme.period"}


def test_not_toml_at_all():
    with pytest.raises(SchemeError, match="不是有效的 TOML"):
        loads("[scheme\n")
