"""The demo city: 秦川市 (fictional, modelled on published western-city plans) and its six counties."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook

from apps.accounts.models import Role, User
from apps.accounts.services import assignment_add, user_create
from apps.geo.models import Department, DepartmentKind, Region, RegionLevel
from apps.indicators.models import Framework, Indicator
from apps.programs import services
from apps.programs.models import AssignedTarget, Milestone, Phase, Program, RegionGoal, TitleSought
from apps.programs.selectors import program_indicators, program_regions, resolve_targets
from apps.reporting.selectors import last_approved_numbers
from apps.reporting.validation import PERCENT_UNITS
from docimport.xlsx import sheet_row

DEMO_PASSWORD = "ecociv-demo-2026"


@dataclass
class DemoContext:
    """What each demo step builds on; later steps (reporting, tasks) add to it."""

    program: Program | None = None
    city: Region | None = None
    counties: list[Region] = field(default_factory=list)
    units: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


COUNTIES = [
    # code, name, terrain, arid
    ("629802", "河湾区", "plain", False),
    ("629803", "东岭区", "hill", False),
    ("629821", "青峰县", "mountain", False),
    ("629822", "石门县", "mountain", False),
    ("629823", "北塬县", "hill", True),
    ("629824", "南谷县", "mountain", False),
]

DEPARTMENTS = [
    ("市生态环境局", ["生态环境局", "市环境局"]),
    ("市发展改革委", ["市发改委", "发展改革委"]),
    ("市工业和信息化局", ["市工信局"]),
    ("市财政局", []),
    ("市自然资源局", []),
    ("市住房和城乡建设局", ["市住建局"]),
    ("市交通运输局", []),
    ("市水务局", ["市水利局"]),
    ("市农业农村局", []),
    ("市商务局", []),
    ("市文化和旅游局", ["市文旅局"]),
    ("市卫生健康委", ["市卫健委"]),
    ("市应急管理局", []),
    ("市市场监督管理局", ["市市场监管局"]),
    ("市统计局", []),
    ("市林业和草原局", ["市林草局"]),
    ("市城市管理局", ["市城管局"]),
    ("市委组织部", []),
    ("市委宣传部", []),
    ("市教育局", []),
    ("市审计局", []),
    ("市机关事务管理局", []),
    ("市司法局", []),
]

# Lead and cooperating units per indicator number, as the published plans split them.
DUTIES: dict[str, tuple[str, str]] = {
    "1": ("市生态环境局", "市发展改革委、市自然资源局"),
    "2": ("市生态环境局", "市委组织部"),
    "3": ("市委组织部", "市生态环境局、市统计局"),
    "4": ("市水务局", "市生态环境局、市自然资源局"),
    "5": ("市生态环境局", "市司法局"),
    "6": ("市生态环境局", "市发展改革委、市自然资源局"),
    "7": ("市生态环境局", "市住房和城乡建设局、市交通运输局、市工业和信息化局"),
    "8": ("市生态环境局", "市水务局、市住房和城乡建设局、市农业农村局"),
    "9": ("市生态环境局", "市自然资源局"),
    "10": ("市生态环境局", "市自然资源局、市林业和草原局"),
    "11": ("市林业和草原局", "市自然资源局"),
    "12": ("市林业和草原局", "市农业农村局、市生态环境局"),
    "13": ("市自然资源局", "市林业和草原局"),
    "14": ("市生态环境局", "市工业和信息化局"),
    "15": ("市生态环境局", "市自然资源局"),
    "16": ("市生态环境局", "市应急管理局"),
    "17": ("市自然资源局", "市林业和草原局、市生态环境局"),
    "18": ("市自然资源局", ""),
    "19": ("市水务局", "市自然资源局"),
    "20": ("市发展改革委", "市统计局、市工业和信息化局"),
    "21": ("市水务局", "市统计局"),
    "22": ("市自然资源局", "市统计局"),
    "23": ("市发展改革委", "市生态环境局、市统计局"),
    "24": ("市生态环境局", "市工业和信息化局"),
    "25": ("市农业农村局", "市生态环境局"),
    "26": ("市生态环境局", "市工业和信息化局"),
    "27": ("市生态环境局", "市水务局、市卫生健康委"),
    "28": ("市卫生健康委", "市水务局"),
    "29": ("市住房和城乡建设局", "市生态环境局"),
    "30": ("市城市管理局", "市住房和城乡建设局"),
    "31": ("市住房和城乡建设局", "市自然资源局"),
    "32": ("市农业农村局", "市卫生健康委"),
    "33": ("市住房和城乡建设局", ""),
    "34": ("市交通运输局", ""),
    "35": ("市城市管理局", "市农业农村局、市住房和城乡建设局"),
    "36": ("市商务局", "市市场监督管理局"),
    "37": ("市财政局", "市机关事务管理局"),
    "38": ("市委组织部", "市生态环境局"),
    "39": ("市委宣传部", "市统计局、市生态环境局"),
    "40": ("市委宣传部", "市教育局、市统计局"),
}


def _region(code: str, name: str, level: str, parent: Region | None, **attrs: object) -> Region:
    region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent,
                                                                     **attrs})
    return region


def _user(username: str, name: str, *duties: tuple[str, Region | Department]) -> User:
    """A demo user (created once) with its duties: (role, region) pairs, or (role, unit) for a reporter."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    (role, scope), *more = duties
    scoped = {"department": scope} if isinstance(scope, Department) else {"region": scope}
    user = user_create(username=username, password=DEMO_PASSWORD, display_name=name, role=role, **scoped)
    for role, scope in more:
        scoped = {"department": scope} if isinstance(scope, Department) else {"region": scope}
        assignment_add(user=user, role=role, **scoped)
    return user


def _login_label(user: User) -> str:
    """How `make demo` lists a user: each duty's role and scope, e.g. 县区生态办（北塬县）+ 部门联络员（市水务局）."""
    return " + ".join(f"{d.label}（{d.department or d.region}）" for d in user.duties)


def responsibility_sheet(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    """A 责任清单 workbook in the offices' layout (the demo goes through the real import)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(sheet_row(sheet, ["秦川市创建国家生态文明建设示范市指标责任分工表"]))
    sheet.append(sheet_row(sheet, ["序号", "指标名称", "目标值", "牵头单位", "配合单位"]))
    for row in rows:
        sheet.append(sheet_row(sheet, list(row)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build(context: DemoContext) -> None:
    province = _region("620000", "甘肃省", "province", None, zone="west")
    city = _region("629800", "秦川市", "city", province, terrain="hill", city_size="large", zone="west")
    counties = [
        _region(code, name, "county", city, terrain=terrain, arid=arid, zone="west")
        for code, name, terrain, arid in COUNTIES
    ]
    context.city, context.counties = city, counties

    for order, (name, aliases) in enumerate(DEPARTMENTS, start=1):
        unit, _ = Department.objects.update_or_create(
            region=city, name=name, defaults={"aliases": aliases, "order": order}
        )
        context.units[name] = unit
    for order, county in enumerate(counties, start=100):
        unit, _ = Department.objects.update_or_create(
            region=city, name=f"{county.name}人民政府",
            defaults={"aliases": [f"{county.name}政府", county.name], "kind": DepartmentKind.GOVERNMENT,
                      "governs": county, "order": order},
        )
        context.units[unit.name] = unit
        Department.objects.update_or_create(region=county, name=f"{county.name}生态环境分局",
                                            defaults={"order": 1})

    users = {
        "office": _user("office", "王主任", (Role.OFFICE_ADMIN, city)),
        "reporter": _user("reporter", "李联络员", (Role.DEPARTMENT_REPORTER, context.units["市生态环境局"])),
        "reporter2": _user("reporter2", "赵联络员", (Role.DEPARTMENT_REPORTER, context.units["市住房和城乡建设局"])),
        "county": _user("county", "陈主任", (Role.COUNTY_OFFICE, counties[2])),
        "leader": _user("leader", "张市长", (Role.LEADER, city)),
        "inspector": _user("inspector", "周核查员", (Role.INSPECTOR, city)),
        # A province office: reads every city's program of 甘肃省 and changes none of them.
        "province": _user("province", "吴处长", (Role.OFFICE_ADMIN, province)),
        # A person with two duties: 北塬县's county office, and the liaison of 市水务局.
        "dual": _user("dual", "孙主任", (Role.COUNTY_OFFICE, counties[4]),
                      (Role.DEPARTMENT_REPORTER, context.units["市水务局"])),
    }
    context.users = users
    context.logins = [(u.username, DEMO_PASSWORD, _login_label(u)) for u in users.values()]

    framework = Framework.objects.get(code="national-2019")
    program, created = Program.objects.get_or_create(
        region=city,
        framework=framework,
        defaults={
            "name": "秦川市创建国家生态文明建设示范市",
            "title_sought": TitleSought.NATIONAL,
            "base_year": 2023,
            "target_year": 2026,
            "plan_document": "《秦川市国家生态文明建设示范市规划（2024—2028年）》",
        },
    )
    context.program = program
    if not created:
        return

    phases = [
        ("全面启动", dt.date(2024, 12, 1), dt.date(2025, 11, 30), "成立领导小组，编制并颁布《规划》，分解任务。",
         [("召开创建动员大会", dt.date(2025, 1, 15)), ("《规划》通过专家论证并由市政府常务会议审议颁布", dt.date(2025, 6, 30))]),
        ("建设提高", dt.date(2025, 12, 1), dt.date(2026, 6, 30), "对照指标体系加强可达性分析，补齐短板。",
         [("完成技术自查评估", dt.date(2026, 6, 30))]),
        ("核查验收", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "申请省级预审，迎接生态环境部核查。",
         [("向省生态环境厅提出技术评估申请", dt.date(2026, 8, 31)), ("迎接生态环境部现场核查", dt.date(2026, 11, 30))]),
        ("巩固提升", dt.date(2027, 1, 1), dt.date(2029, 12, 31), "巩固创建成果，逐年更新档案，迎接复核。",
         [("报送年度工作进展", dt.date(2028, 1, 31))]),
    ]
    for order, (name, start, end, description, milestones) in enumerate(phases, start=1):
        phase = Phase.objects.create(program=program, name=name, start=start, end=end, description=description,
                                     order=order)
        for title, due in milestones:
            Milestone.objects.create(phase=phase, title=title, due=due)
    goals = [(0, TitleSought.NATIONAL, 2025), (2, TitleSought.NATIONAL, 2025), (1, TitleSought.NATIONAL, 2026),
             (3, TitleSought.NATIONAL, 2026), (4, TitleSought.PROVINCIAL, 2026), (5, TitleSought.PROVINCIAL, 2026)]
    for index, title, year in goals:
        RegionGoal.objects.create(program=program, region=counties[index], title_sought=title, target_year=year)

    office = users["office"]
    by_code = {i.code: i for i in Indicator.objects.filter(framework=framework, program__isnull=True)}
    services.target_edit_set(program=program, indicator=by_code["2019-37"], level=RegionLevel.CITY, target=">=95",
                             reason="《规划》确定：政府绿色采购比例达到95%以上", actor=office)
    services.target_edit_set(program=program, indicator=by_code["2019-33"], level=RegionLevel.CITY,
                             target=">=67",
                             reason="《规划》确定：城镇新建绿色建筑比例达到67%", actor=office)
    services.local_indicator_add(
        program=program, name="城市建成区绿化覆盖率", domain="生态生活", task="(八)人居环境改善", unit="%",
        direction="higher", binding=False, targets={RegionLevel.CITY: ">=40"}, reason="《规划》增设地方特色指标",
        actor=office,
    )
    services.target_override_set(program=program, region=counties[0], indicator=by_code["2019-25a"],
                                 not_applicable=True, reason="河湾区为主城区，无秸秆产生", actor=office)

    rows = []
    for indicator in Indicator.objects.filter(framework=framework, program__isnull=True,
                                              parent__isnull=True).prefetch_related("targets"):
        lead, cooperate = DUTIES[str(indicator.number)]
        counties_text = "、".join(f"{c.name}人民政府" for c in counties)
        rows.append((str(indicator.number), indicator.name, indicator.printed_target(RegionLevel.CITY), lead,
                     "、".join(filter(None, [cooperate, counties_text]))))
    local = Indicator.objects.get(program=program)
    rows.append((str(local.number), local.name, "≥40", "市住房和城乡建设局", "市城市管理局"))
    services.responsibilities_import(program=program, data=responsibility_sheet(rows))


# --- the province's yearly numbers (完成上级规定的考核任务) -------------------------------------------------

#: How the province sets each year's number from the base-year value: ``pp`` adds the amount per year (in the
#: indicator's unit, toward better), ``rel`` improves by that share of the base value per year, ``fixed`` asks
#: ``amount × years since the base year`` (for 下降幅度/提高幅度 indicators, which are 0 in the base year).
ASSIGNED_RULES: dict[str, tuple[str, float]] = {
    "2019-07a": ("pp", 1.0), "2019-07b": ("fixed", 2.5), "2019-08a": ("fixed", 0.0), "2019-08b": ("fixed", 0.0),
    "2019-08c": ("pp", 5.0), "2019-19": ("pp", 1.0), "2019-20": ("rel", 0.03), "2019-21": ("rel", 0.03),
    "2019-23": ("rel", 0.035), "2019-24": ("pp", 2.0), "2019-32": ("pp", 3.0),
}
DEFAULT_RULE = ("rel", 0.02)
#: Which provincial department issues the numbers (document prefix).
DOCUMENTS = {"2019-20": "甘发改环资", "2019-21": "甘水资源发", "2019-23": "甘发改环资", "2019-32": "甘农农发"}
ASSIGNED_YEARS = (2023, 2024, 2025, 2026)


def quantum(reference: float) -> Decimal:
    """Decimal places a value of this size is reported with (93.1 %, 4.52, 0.487)."""
    size = abs(reference)
    return Decimal("0.1") if size >= 10 else Decimal("0.01") if size >= 1 else Decimal("0.001")


def province_numbers(code: str, base: Decimal, *, direction: str, unit: str,
                     years: tuple[int, ...] = ASSIGNED_YEARS) -> dict[int, Decimal]:
    """The yearly numbers the province assigns for an indicator whose base-year value is ``base``.

    The base year's own number is half a step easier than the base value, so the base year is attained.
    """
    mode, amount = ASSIGNED_RULES.get(code, DEFAULT_RULE)
    sign = 1 if direction == "higher" else -1
    numbers: dict[int, Decimal] = {}
    for year in years:
        steps = year - years[0] if year > years[0] else -0.5
        if mode == "fixed":
            number = max(0.0, amount * steps) * sign
        else:
            step = amount if mode == "pp" else float(base) * amount
            number = float(base) + sign * step * steps
        if unit.strip() in PERCENT_UNITS:
            number = min(100.0, number)
        number = max(0.0, number)
        numbers[year] = Decimal(str(number)).quantize(quantum(float(base) or number or 1))
    return numbers


def build_assigned(context: DemoContext) -> None:
    """The office enters the province's yearly numbers for every target that needs one (after the base year is
    reviewed: each number is derived from the region's approved base-year value)."""
    program, office = context.program, context.users["office"]
    if AssignedTarget.objects.filter(program=program).exists():
        return
    regions = program_regions(program)
    indicators = [i for i in program_indicators(program) if i.scope_levels]
    targets = resolve_targets(program, regions, indicators)
    pairs = [(r, i) for r in regions for i in indicators
             if (t := targets.get((r.id, i.id))) and t.applicable and t.needs_assigned]
    bases = last_approved_numbers(program, [(r.id, i.id) for r, i in pairs], before_year=program.base_year + 1,
                                  period_type="year")
    for region, indicator in pairs:
        found = bases.get((region.id, indicator.id))
        if found is None or found[0] != program.base_year:
            continue  # no approved base-year value: the province's number cannot be derived (stays 无数据)
        numbers = province_numbers(indicator.code, found[1], direction=indicator.direction, unit=indicator.unit)
        prefix = DOCUMENTS.get(indicator.code, "甘环发")
        for year, number in numbers.items():
            services.assigned_target_set(
                program=program, region=region, indicator=indicator, year=year, value=number,
                document=f"{prefix}〔{year}〕{12 if prefix == '甘环发' else 7}号",
                reason=f"省级下达{year}年度{region.name}考核任务", actor=office)
