"""The demo schemes score a city's six counties and its departments end to end, every row with a sentence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from calc.scoring.engine import score
from calc.scoring.schemefile import load
from tests.calc.scoring.helpers import fact, facts_frame

SCHEMES = Path(__file__).resolve().parents[3] / "calc" / "scoring" / "schemes"
COUNTIES = ["城关区", "东湖县", "西山县", "南河县", "北岭县", "青溪县"]


def _county_facts(n: int, name: str) -> list[dict]:
    pm25 = 30 + n * 2
    rows = [
        fact(name, "air.pm25", pm25, source=("value_revision", 100 + n)), fact(name, "air.pm25.target", 36),
        fact(name, "air.pm25.previous", 37), fact(name, "air.pm10", Decimal("62.5") + n * 3),
        fact(name, "air.pm10.target", 70), fact(name, "air.good_days", Decimal("88.2") - n),
        fact(name, "air.good_days.target", 85), fact(name, "water.drinking.attained", 100),
        fact(name, "soil.safe_use", Decimal("93.5") - Decimal(n) / 2), fact(name, "energy.intensity_drop", Decimal("3.1") - Decimal(n) / 5),
        fact(name, "energy.intensity_drop.target", 3), fact(name, "water_use.total", 12000 + n * 80),
        fact(name, "water_use.total.target", 12100), fact(name, "building.green_share", 72 - n),
        fact(name, "tasks.on_time_rate", 100 - n), fact(name, "projects.investment_rate", Decimal("96.4") + Decimal(n) / 2),
        fact(name, "reporting.on_time_rate", 100 - n * 3), fact(name, "notices.overdue_responses", n % 3),
        fact(name, "survey.satisfaction", 86 - n), fact(name, "water.cross_boundary.grade",
                                                          text=["优秀", "良好", "合格", "良好", "不合格（至少一项达标）", "优秀"][n]),
        fact(name, "creation.townships", n % 4),
    ]
    for section in range(2):
        rows += [fact(name, "water.section.missed_months", (n + section) % 4, part=f"断面{section}"),
                 fact(name, "water.section.annual_met", 1 if (n + section) % 3 == 0 else 0, part=f"断面{section}")]
    rows.append(fact(name, "water.section.upgraded", n % 3))
    for key in ("gdi.energy_drop", "gdi.good_days", "gdi.surface_water", "gdi.forest", "gdi.water_use",
                "gdi.sewage", "gdi.waste"):
        rows.append(fact(name, key, 50 + (n * 7 + len(key)) % 40))
    rows.append(fact(name, "gdi.wetland", None, na=n == 0))
    if n == 2:
        rows += [fact(name, "honours.national", 1), fact(name, "incidents.major", 1, part="event:7", source=("notice", 7))]
    if n == 4:
        rows.append(fact(name, "integrity.falsified", 1))
    return rows


def test_county_scheme_for_six_counties():
    scheme = load(SCHEMES / "demo-county-2025.toml")
    rows = [r for n, name in enumerate(COUNTIES) for r in _county_facts(n, name)]
    manual = pl.DataFrame({"subject": COUNTIES, "period": "2025", "item": "C5",
                           "points": [Decimal(x) for x in ("4", "3.5", "3", "4", "2.5", "3")],
                           "reason": "市生态办现场检查"})
    subjects = pl.DataFrame({"subject": COUNTIES, "group": "county", "name": COUNTIES})
    result = score(scheme, subjects, facts_frame(rows), periods=["2025"], manual=manual)
    totals = {r["subject"]: r for r in result.totals.to_dicts()}
    assert len(totals) == 6
    assert totals["北岭县"]["grade"] == "不合格" and totals["北岭县"]["vetoed"]
    by_total = sorted(totals.values(), key=lambda r: -r["total"])
    assert by_total[0]["rank"] == 1
    assert all(r["rank"] == 1 + sum(o["total"] > r["total"] for o in by_total) for r in by_total)
    for name in COUNTIES:
        sheet = result.sheet(name, "2025")
        assert [r["item"] for r in sheet] == [i.code for i in scheme.items] + ["V1", "G1"]
        assert all(r["sentence"] for r in sheet)
        assert sum(r["points"] for r in sheet) == totals[name]["total"]
    pm25 = {r["item"]: r["sentence"] for r in result.sheet("西山县", "2025")}
    assert pm25["A1"] == "PM2.5年均浓度34µg/m³，目标≤36µg/m³，已达到目标，本项得6分"
    assert pm25["E2"] == "发生重大环境事件1起，每起扣5分，计5分，本项扣5分"
    assert result.inputs.filter(pl.col("item") == "E2").get_column("source_id").to_list() == [7]


def test_department_scheme_scores_with_missing_data_marked():
    scheme = load(SCHEMES / "demo-departments-2025.toml")
    units = ["市发展改革委", "市生态环境局", "市住房城乡建设局"]
    rows = [fact(u, "tasks.lead.on_time_rate", 95 + n) for n, u in enumerate(units)]
    result = score(scheme, pl.DataFrame({"subject": units, "group": "department"}), facts_frame(rows),
                   periods=["2025"])
    sheet = {r["item"]: r for r in result.sheet("市发展改革委", "2025")}
    assert sheet["A1"]["points"] == Decimal("12.5")
    assert sheet["A2"]["status"] == "missing"
    assert sheet["C2"]["points"] == 10    # survey missing: 不扣分 (missing = "full")
    assert sheet["A2"]["sentence"] == "配合任务按期完成率缺数据，按规定不得分，本项得0分"
