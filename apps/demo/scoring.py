"""The demo's assessment (考核): the bundled county and department schemes scored for 2024 and 2025.

The facts the system holds (tasks, projects, rounds, notices, evidence) come from the earlier steps; the office
enters the rest (air and water results, surveys, honours, incidents …) with their sources, and scores the manual
items. 2024: the objection period, one objection rejected, final, published. 2025: one objection upheld (a manual
item corrected), the run rerun and open for objections again.
"""

from __future__ import annotations

import random
from decimal import Decimal

from apps.scoring.models import ScoreRun
from apps.scoring.services import (
    FactEntry,
    manual_set,
    objection_create,
    objection_rule,
    office_facts_set,
    run_create,
    run_rerun,
    run_transition,
    schemes_load,
)

from .programs import DemoContext

D = Decimal
#: Office facts of a county: key → (value for 2024, change for 2025) or a category.
SOURCES = {
    "air": "市生态环境局环境空气质量监测年报", "water": "市生态环境局水环境质量月报", "gdi": "市统计局绿色发展指数测算",
    "survey": "第三方公众满意度调查", "other": "市生态办核实",
}


def _county_facts(n: int, year: int, rng: random.Random) -> list[tuple[str, Decimal | None, str, str]]:
    later = year - 2024
    pm25 = D(31 + n * 2 + rng.randint(-1, 2) - later)
    facts: list[tuple[str, Decimal | None, str, str]] = [
        ("air.pm25", pm25, "", "air"), ("air.pm25.target", D(35), "", "air"),
        ("air.pm25.previous", pm25 + D(rng.choice([-1, 1, 2])), "", "air"),
        ("air.pm10", D(62 + n * 2 + rng.randint(0, 4)) + D("0.4"), "", "air"), ("air.pm10.target", D(70), "", "air"),
        ("air.good_days.target", D(85), "", "air"),
        ("water.section.missed_months", D(max(0, n - 2 + rng.randint(-1, 1))), "", "water"),
        ("water.section.worst_months", D(1 if n == 5 and year == 2024 else 0), "", "water"),
        ("water.section.annual_met", D(1 if n % 3 else 0), "", "water"),
        ("water.section.upgraded", D(rng.randint(0, 2)), "", "water"),
        ("water.cross_boundary.grade", None, ["优秀", "良好", "良好", "合格", "优秀", "不合格（至少一项达标）"][n], "water"),
        ("soil.safe_use", D(92 + rng.randint(0, 4)), "", "other"),
        ("energy.intensity_drop", D(3) + D(rng.randint(0, 12)) / 10, "", "gdi"),
        ("energy.intensity_drop.target", D("3.5"), "", "gdi"),
        ("water_use.total", D(9000 + 500 * n + rng.randint(-300, 300)), "", "other"),
        ("water_use.total.target", D(10500), "", "other"),
        ("creation.townships", D(rng.randint(1, 4)), "", "other"),
        ("survey.satisfaction", D(80 + rng.randint(0, 12)) + D("0.5"), "", "survey"),
        ("honours.national", D(1 if n in (0, 2) else 0), "", "other"),
        ("incidents.major", D(1 if (n, year) == (4, 2025) else 0), "", "other"),
    ]
    for key in ("gdi.energy_drop", "gdi.good_days", "gdi.surface_water", "gdi.forest", "gdi.water_use", "gdi.sewage",
                "gdi.waste", "gdi.wetland"):
        facts.append((key, D(rng.randint(40, 95)) + D(rng.randint(0, 9)) / 10, "", "gdi"))
    return facts


def _department_facts(n: int, rng: random.Random) -> list[tuple[str, Decimal | None, str, str]]:
    return [
        ("meetings.eco", D(rng.randint(2, 5)), "", "other"),
        ("review.grade", None, ["优秀", "良好", "良好", "合格"][n % 4], "other"),
        ("rectification.missed_months", D(rng.randint(0, 3)), "", "other"),
        ("rectification.closed", D(rng.randint(0, 1)), "", "other"),
        ("petitions.closed_rate", D(94 + rng.randint(0, 6)), "", "other"),
        ("survey.satisfaction", D(84 + rng.randint(0, 12)), "", "survey"),
        ("honours.promoted", D(1 if n % 5 == 0 else 0), "", "other"),
    ]


def _enter_facts(context: DemoContext, year: int) -> None:
    program, office = context.program, context.users["office"]
    rng = random.Random(year)
    entries = []
    governments = [u for u in context.units.values() if u.governs_id is not None]
    departments = [u for u in context.units.values() if u.governs_id is None and u.region_id == program.region_id]
    for n, unit in enumerate(sorted(governments, key=lambda u: u.order)):
        for key, value, text, source in _county_facts(n, year, rng):
            entries.append(FactEntry(unit, str(year), key, value, text, reason=SOURCES[source]))
    for n, unit in enumerate(sorted(departments, key=lambda u: u.order)):
        for key, value, text, source in _department_facts(n, rng):
            entries.append(FactEntry(unit, str(year), key, value, text, reason=SOURCES[source]))
    office_facts_set(program=program, entries=entries, actor=office)
    for scheme_code, item, units in (("demo-county-2025", "C5", governments), ("demo-departments-2025", "C1",
                                                                              departments)):
        top = D(4) if item == "C5" else D(10)
        for n, unit in enumerate(units):
            points = top - D(n % 3) / 2
            manual_set(program=program, scheme_code=scheme_code, department=unit, period=str(year), item=item,
                       points=points, reason="年度工作台账和现场检查", actor=office)


def build(context: DemoContext) -> None:
    program = context.program
    if program is None or ScoreRun.objects.filter(program=program).exists():
        return
    office, county = context.users["office"], context.users["county"]
    schemes = {s.code: s for s in schemes_load(program=program, actor=office)}
    runs = {}
    for year in (2024, 2025):
        _enter_facts(context, year)
        for code, scheme in schemes.items():
            runs[code, year] = run_create(program=program, scheme=scheme, period=str(year), actor=office)
    own = next(u for u in context.units.values() if u.governs_id is not None
               and county.duties[0].region is not None and u.governs_id == county.duties[0].region.id)
    # 2024: objection period, one objection rejected, final, published (the departments' ranking too).
    for code in schemes:
        run_transition(run=runs[code, 2024], action="open", actor=office)
    run_2024 = runs["demo-county-2025", 2024]
    sheet = run_2024.subjects.get(department=own)
    objection = objection_create(run=run_2024, subject=sheet, item="A3",
                                 reason="优良天数比率应剔除沙尘天气影响，请按剔除后的数据计分。", actor=county)
    objection_rule(objection=objection, upheld=False, actor=office,
                   ruling="考核细则未规定剔除沙尘天气，按监测年报数据计分，异议不成立。")
    for code in schemes:
        run_transition(run=runs[code, 2024], action="finalise", actor=office)
        run_transition(run=runs[code, 2024], action="publish", actor=office)
    # 2025: one objection upheld on the manual item, rerun, open for objections again.
    run_2025 = runs["demo-county-2025", 2025]
    run_transition(run=run_2025, action="open", actor=office)
    objection = objection_create(run=run_2025, subject=run_2025.subjects.get(department=own), item="C5",
                                 reason="宣传教育台账已于12月补齐（见附件清单），请复核人工评分。", actor=county)
    objection_rule(objection=objection, upheld=True, points=D(4), actor=office,
                   ruling="经复核，台账完整，人工评分调整为满分4分，按更正后的数据重新计分。")
    rerun = run_rerun(run=run_2025, actor=office, note="异议成立：更正宣传教育人工评分")
    run_transition(run=rerun, action="open", actor=office)
