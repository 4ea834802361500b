"""Charts that tell the truth: the value axis rule, the target of each year, sparklines' latest values, and one
state per cell (never 无数据 next to 已达标)."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D

import pytest

from apps.assessment.charts import AxisBounds, axis_bounds, chart_json
from apps.assessment.dashboards import cell_state
from calc.attainment import EvaluationStatus as S
from calc.attainment import ReachabilityStatus as R

from .conftest import approve, assign


def bounds(*numbers: str, ceiling: str | None = None) -> tuple[str, str, bool]:
    axis = axis_bounds([D(n) for n in numbers], ceiling=None if ceiling is None else D(ceiling))
    return (f"{axis.min.normalize():f}", f"{axis.max.normalize():f}", axis.from_zero)


@pytest.mark.parametrize(("numbers", "ceiling", "expected"), [
    # close to the target and far from zero: the axis may start higher, and says so (from_zero False);
    # the range is a quarter of the magnitude at least, so 85 → 87 does not fill the chart
    (("85.2", "86.1", "87", "90"), "100", ("70", "100", False)),
    # a rate never goes past 100: the range is shifted down instead
    (("96", "97", "98", "95"), "100", ("70", "100", False)),
    # values spread from near zero: start at zero
    (("10", "11.5", "20"), "100", ("0", "25", True)),
    # the hidden part would be smaller than the part shown: start at zero
    (("2", "18", "19", "20"), None, ("0", "25", True)),
    # 15 → 20 is a third of the value: it may fill a good part of the chart, from 14, said so
    (("15", "18", "19", "20"), None, ("14", "22", False)),
    # a concentration falling towards its ceiling-less target
    (("32", "30", "28", "25"), None, ("22", "34", False)),
    # both signs (下降幅度 can be negative): zero is on the axis
    (("-3", "2", "5"), None, ("-4", "6", True)),
    # all negative: the mirror image
    (("-85", "-90"), None, ("-110", "-70", False)),
    # all zero, or nothing drawn
    (("0", "0"), None, ("0", "1", True)),
    ((), "100", ("0", "100", True)),
])
def test_axis_bounds(numbers, ceiling, expected):
    assert bounds(*numbers, ceiling=ceiling) == expected


@pytest.mark.parametrize("numbers", [("85.2", "86.1", "87", "90"), ("0.47", "0.5", "0.49"), ("280", "300"),
                                     ("15", "18", "19", "20"), ("-3", "2", "5"), ("99.1", "99.2")])
def test_axis_always_shows_every_value_and_never_exaggerates(numbers):
    values = [D(n) for n in numbers]
    axis = axis_bounds(values, ceiling=D(100))
    assert axis.min <= min(values) and axis.max >= max(values)
    if min(values) >= 0:  # a 1 % change never fills more than 4 % of the height (plus padding)
        assert (axis.max - axis.min) >= D("0.25") * max(values)
        assert axis.from_zero == (axis.min == 0)


def test_chart_json_prints_decimals_as_plain_text():
    assert chart_json(AxisBounds(D("70.00"), D("1E+2"), False)) == {"min": "70", "max": "100", "from_zero": False}


@pytest.mark.parametrize(("status", "reach", "shown"), [
    (S.NOT_ATTAINED, R.OFF_TRACK, R.OFF_TRACK),
    (S.NOT_ATTAINED, R.ACCELERATE, R.ACCELERATE),
    (S.NOT_ATTAINED, R.INSUFFICIENT_DATA, R.INSUFFICIENT_DATA),
    (S.NO_DATA, R.ATTAINED, None),  # the bug: "无数据 · 已达标" for a year without data
    (S.NO_DATA, R.OFF_TRACK, None),
    (S.ATTAINED, R.ATTAINED, None),
    (S.NOT_APPLICABLE, None, None),
    (S.NOT_ATTAINED, None, None),
])
def test_cell_state_is_single_valued(status, reach, shown):
    state = cell_state(status, reach)
    assert state.status == status and state.reach == shown
    assert state.reach_label == ("" if shown is None else shown.label)


def test_a_year_without_data_never_reads_attained(assess, client_for):
    """丘陵县 attained 城镇污水处理率 in 2024 and has no 2025 value: in 2025 it is 无数据, nowhere 已达标."""
    p, hill, sewage = assess.program.id, assess.world.counties["hill"], assess.code["2019-29"]
    approve(assess.program, assess.world.city, sewage, 2025, 94, author=assess.world.users.office)
    office = client_for(assess.world.users.office)
    detail = office.get(f"/api/programs/{p}/assessment/indicators/{sewage.id}?region={hill.id}&year=2025").json()
    assert detail["status"] == "no_data" and detail["reach"] is None
    row = next(r for r in detail["per_region"] if r["region_id"] == hill.id)
    assert row["status"] == "no_data" and row["reach_status"] is None
    matrix = office.get(f"/api/programs/{p}/assessment/matrix?year=2025").json()
    cell = next(c for c in matrix["cells"] if c["region_id"] == hill.id and c["indicator_id"] == sewage.id)
    assert cell["status"] == "no_data" and cell["reach_status"] is None
    page = office.get(f"/programs/{p}/assessment/indicators/{sewage.id}/?region={hill.id}&year=2025").content.decode()
    assert "已达标" not in page
    table = office.get(f"/programs/{p}/assessment/matrix/?year=2025").content.decode()
    assert not re.search(r"丘陵县 · [^\"]*城镇污水处理率[^\"]*：无数据[^\"]*已达标", table)


def chart_of(page: str, element: str) -> dict:
    return json.loads(re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', page, re.S)[1])


def test_the_indicator_chart_draws_the_target_of_each_year_and_states_its_axis(assess, client_for):
    p, city, share = assess.program.id, assess.world.city, assess.code["2019-07a"]  # assigned & stable_or_improving
    office = assess.world.users.office
    assign(assess.program, city, share, 2023, 80, author=office)  # 2024: 81 (the fixture's later entry)
    page = client_for(office).get(f"/programs/{p}/assessment/indicators/{share.id}/?region={city.id}&year=2024")
    chart = chart_of(page.content.decode(), "indicator-data")
    target = next(s for s in chart["series"] if s["kind"] == "target")
    by_year = dict(zip(chart["years"], target["values"], strict=True))
    assert by_year[2023] == "80" and by_year[2024] == "81"  # a step per year, from the assigned numbers
    assert by_year[2020] is None  # no number entered for 2020: no target drawn, none invented
    drawn = [D(v) for s in chart["series"] for v in s["values"] if v is not None]
    assert D(chart["axis"]["min"]) <= min(drawn) and D(chart["axis"]["max"]) >= max(drawn)
    if chart["axis"]["from_zero"]:
        assert chart["axis_note"] == ""
    else:
        assert chart["axis_note"] in page.content.decode() and chart["axis"]["min"] in chart["axis_note"]


def test_a_constant_target_is_one_level_line_and_the_numbers_are_sentences(assess, client_for):
    p, city, share = assess.program.id, assess.world.city, assess.code["2019-03"]  # >=20, 15 → 18 → 19
    page = client_for(assess.world.users.office).get(
        f"/programs/{p}/assessment/indicators/{share.id}/?region={city.id}&year=2024").content.decode()
    chart = chart_of(page, "indicator-data")
    target = next(s for s in chart["series"] if s["kind"] == "target")
    assert set(target["values"]) == {"20"} and chart["years"][-1] == 2025
    for raw in ("比值", "年均变化（实际）", "所需年均变化", "666667"):
        assert raw not in page
    assert 'id="reach-details"' in page and "按3年经审核数据，年均上升" in page and "实际进度" in page


def test_sparklines_carry_their_latest_value_and_bars_start_at_zero(assess, client_for):
    page = client_for(assess.world.users.office).get(
        f"/programs/{assess.program.id}/assessment/?year=2024").content.decode()
    chart = chart_of(page, "cockpit-data")
    assert chart["bar_axis"]["min"] == "0"
    spark = next(s for s in chart["sparklines"] if s["name"].startswith("生态文明建设工作占党政实绩考核的比例"))
    assert (spark["latest_year"], spark["latest_value"], spark["target"]) == (2024, "19", "20")
    assert D(spark["axis"]["min"]) <= D("15") and D(spark["axis"]["max"]) >= D("20")
    assert "2024年：19%" in page
