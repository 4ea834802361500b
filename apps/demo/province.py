"""The demo province (`make demo-province`): a province of 14 cities and 100 counties, each city with a program.

Run by ``manage.py load_demo_province [--cities 14 --counties 100]`` on its own database (the Makefile target
uses var/demo-province.sqlite3, so `make demo` is untouched). Users are made by the accounts service; the
province's data is written in bulk (regions, programs, county goals, approved values with their revision, a
past-due round per program whose values were submitted on time, late or not at all), the rows the services
would leave: one ``IndicatorValue`` with one ``ValueRevision`` per approved value (without the review events of
the workflow). The numbers are drawn with a fixed seed around each indicator's threshold, so some cities pass the
certification gate and some do not.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.accounts.services import user_create
from apps.geo.models import CitySize, Region, RegionLevel, Terrain
from apps.indicators.models import Framework, Indicator
from apps.programs.models import AssignedTarget, Program, RegionGoal, TitleSought
from apps.reporting.models import IndicatorValue, ReportingRound, ValueRevision
from calc.targets import (
    AllOf,
    AnyOf,
    Assigned,
    ByRegion,
    NoMatchingBranch,
    Qualitative,
    Target,
    Threshold,
    Trend,
    resolve,
)

from .programs import DEMO_PASSWORD

PROVINCE = ("730000", "陇川省")
CITY_NAMES = ("金城市", "河州市", "岷阳市", "祁连市", "敦煌市", "陇南市", "平凉市", "庆阳市", "定西市", "天水市",
              "武威市", "张掖市", "酒泉市", "白银市", "嘉峪市", "临夏市", "甘南市", "永昌市", "西和市", "成县市",
              "宕昌市")
TERRAINS = (Terrain.MOUNTAIN, Terrain.HILL, Terrain.PLAIN)
SIZES = (CitySize.LARGE, CitySize.MEDIUM, CitySize.SMALL)
YEARS = (2020, 2023, 2024)
#: The cities that get an office login (the others' programs are there all the same).
CITY_OFFICES = 3  # the programs' base year, and two years since


@dataclass
class ProvinceDemo:
    province: Region
    cities: list[Region] = field(default_factory=list)
    counties: list[Region] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    values: int = 0


def _regions(province: Region, cities: int, counties: int) -> tuple[list[Region], list[Region]]:
    """Cities under the province and ``counties`` counties shared out among them (bulk, paths as ``save`` sets)."""
    made = [Region(code=f"73{n + 1:02d}00", name=CITY_NAMES[n] if n < len(CITY_NAMES) else f"第{n + 1}市",
                   level=RegionLevel.CITY, parent=province, path=f"{province.path}73{n + 1:02d}00/",
                   terrain=TERRAINS[n % 3], city_size=SIZES[n % 3], zone="west") for n in range(cities)]
    Region.objects.bulk_create(made)
    by_city: list[list[Region]] = [[] for _ in made]
    for n in range(counties):
        by_city[n % cities].append(Region())
    county_rows = []
    for city, slots in zip(made, by_city, strict=True):
        for j, _slot in enumerate(slots, start=1):
            code = f"{city.code[:4]}{j:02d}"
            county_rows.append(Region(code=code, name=f"{city.name[:-1]}{j}县", level=RegionLevel.COUNTY, parent=city,
                                      path=f"{city.path}{code}/", terrain=TERRAINS[j % 3], zone="west",
                                      arid=j % 5 == 0))
    Region.objects.bulk_create(county_rows)
    return list(Region.objects.filter(parent=province).order_by("code")), list(
        Region.objects.filter(parent__parent=province).order_by("code"))


@dataclass(frozen=True)
class Series:
    """What a region reports for an indicator: a number for each of :data:`YEARS` (or a qualitative status), and
    the province's number for each year when the target needs one."""

    numbers: tuple[Decimal | None, ...]
    qualitative: str = ""
    assigned: Decimal | None = None


def _parts(target: Target) -> list[Target]:
    return list(target.parts) if isinstance(target, AllOf) else [target]


def _series(target: Target, indicator: Indicator, *, weak: bool, rng: random.Random) -> Series | None:
    """Numbers that meet ``target`` from the base year to 2024 (or miss it in 2024 when ``weak``); None for what
    this demo does not draw (an either-or target)."""
    parts = _parts(target)
    if any(isinstance(p, AnyOf | ByRegion) for p in parts):
        return None
    if any(isinstance(p, Qualitative) for p in parts):
        return Series((None,) * len(YEARS), qualitative="in_progress" if weak else "achieved")
    up = indicator.direction == "higher"
    trend = next((p for p in parts if isinstance(p, Trend)), None)
    if trend is not None and trend.rule in ("decreasing", "increasing"):
        up = trend.rule == "increasing"
    threshold = next((p for p in parts if isinstance(p, Threshold)), None)
    percent = indicator.unit.strip() in ("%", "％")
    if threshold is not None:
        base = float(threshold.value)
        if threshold.op == "=":
            first = second = base
        else:
            up = threshold.op in (">=", ">")
            step = max(abs(base) * rng.uniform(0.01, 0.05), 0.2)
            first = base + step if up else max(0.0, base - step)
            second = base + 1.5 * step if up else max(0.0, base - 1.5 * step)
    else:
        first = round(rng.uniform(40, 80), 1)
        second = first * (1.03 if up else 0.97)
    if percent:
        first, second = min(first, 100.0), min(second, 100.0)
    if weak:  # 2024 misses: on the wrong side of the threshold (or the province's number), and worse than 2023
        second = (first * 0.9 if up else first * 1.1) if threshold is None else (
            float(threshold.value) * (0.93 if up else 1.07) - (0.5 if up else -0.5))
    assigned = None
    if any(isinstance(p, Assigned) for p in parts):
        assigned = Decimal(str(first * (0.99 if up else 1.01))).quantize(Decimal("0.1"))
    numbers = (first, (first + second) / 2 if not weak else first, second)
    return Series(tuple(Decimal(str(max(0.0, n))).quantize(Decimal("0.1")) for n in numbers), assigned=assigned)


def _resolved(indicator: Indicator, region: Region) -> Target | None:
    """The indicator's target for the region (its level's rule, its branch for the region's attributes)."""
    target = indicator.target_for(region.level) if region.level in indicator.scope_levels else None
    try:
        return None if target is None else resolve(target, region.profile())
    except NoMatchingBranch:
        return None


def _write(rows: list[tuple[IndicatorValue, Decimal | None, str]], author: User) -> None:
    """The values with one revision each, current (and approved, for an approved value)."""
    for value, _number, _qualitative in rows:
        value.round_id = value.round.id if value.round is not None else None
    IndicatorValue.objects.bulk_create([v for v, _n, _q in rows], batch_size=2000)
    revisions = [ValueRevision(value=v, number=number, qualitative=qualitative, version=1, author=author,
                               source="演示数据") for v, number, qualitative in rows]
    ValueRevision.objects.bulk_create(revisions, batch_size=2000)
    # each value has its one revision: two set-based updates (a bulk_update of 20,000 rows takes minutes)
    written = IndicatorValue.objects.filter(program__in={v.program_id for v, _n, _q in rows})
    written.update(current_revision=Subquery(ValueRevision.objects.filter(value=OuterRef("pk")).values("id")[:1]))
    written.filter(status="approved").update(approved_revision=F("current_revision"))


def _values(demo: ProvinceDemo, framework: Framework, author: User, rng: random.Random) -> None:
    """Approved values for :data:`YEARS` of every region (the province's numbers where a target needs them), and
    a past-due 2025 round per program with values submitted on time, late or not yet."""
    indicators = [i for i in Indicator.objects.filter(framework=framework, program__isnull=True)
                  .prefetch_related("targets").order_by("order") if i.scope_levels]
    binding = [i for i in indicators if i.binding]
    weak_ids = {i.id for i in rng.sample(binding, k=min(5, len(binding)))}
    now = timezone.now()
    due = timezone.localdate() - dt.timedelta(days=30)
    rows: list[tuple[IndicatorValue, Decimal | None, str]] = []
    assigned: list[AssignedTarget] = []
    rounds = []
    for n, program in enumerate(demo.programs):
        regions = [program.region, *[c for c in demo.counties if c.parent_id == program.region_id]]
        round_ = ReportingRound(program=program, name="2025年度调度", year=2025, due=due, created_by=author)
        rounds.append((round_, regions))
        #: a third of the cities pass the gate; the others miss one or two of the weak indicators
        weak_here = set() if n % 3 == 1 else {i for k, i in enumerate(sorted(weak_ids)) if (n + k) % 3 != 2}
        for region, indicator in ((r, i) for r in regions for i in indicators):
            target = _resolved(indicator, region)
            series = None if target is None else _series(
                target, indicator, weak=indicator.id in weak_here and region == program.region, rng=rng)
            if series is None:
                continue
            for year, number in zip(YEARS, series.numbers, strict=True):
                rows.append((IndicatorValue(program=program, region=region, indicator=indicator, year=year,
                                            status="approved", approved_at=now), number, series.qualitative))
                if series.assigned is not None:
                    assigned.append(AssignedTarget(program=program, region=region, indicator=indicator,
                                                   year=year, value=series.assigned, document="陇环发〔2023〕5号",
                                                   reason="省级下达考核任务", created_by=author))
            draw = rng.random()
            if draw < 0.85:  # 2025: on time, late or not yet submitted
                rows.append((IndicatorValue(program=program, region=region, indicator=indicator, year=2025,
                                            round=round_, status="submitted",
                                            first_submitted_at=now - dt.timedelta(days=40 if draw < 0.7 else 20),
                                            submitted_late=draw >= 0.7), series.numbers[-1], series.qualitative))
    ReportingRound.objects.bulk_create([r for r, _regions in rounds])
    for round_, regions in rounds:
        round_.regions.add(*regions)
        round_.indicators.add(*indicators)
    _write(rows, author)
    AssignedTarget.objects.bulk_create(assigned, batch_size=2000)
    demo.values = len(rows)


def build_province(*, cities: int = 14, counties: int = 100, seed: int = 2026) -> ProvinceDemo:
    """The demo province; run it once per database (it refuses a database that has the province already)."""
    if not 1 <= cities <= 99 or not 0 <= counties <= 99 * cities:
        raise ValueError("cities must be 1–99 and counties at most 99 per city")
    if Region.objects.filter(code=PROVINCE[0]).exists():
        raise ValueError(f"{PROVINCE[1]} already exists in this database")
    rng = random.Random(seed)
    province = Region(code=PROVINCE[0], name=PROVINCE[1], level=RegionLevel.PROVINCE, zone="west")
    province.save()
    demo = ProvinceDemo(province)
    demo.cities, demo.counties = _regions(province, cities, counties)
    framework = Framework.objects.get(code="national-2019")
    Program.objects.bulk_create([
        Program(region=city, framework=framework, name=f"{city.name}创建{title.label}",
                title_sought=title, base_year=2020, target_year=2026)
        for n, city in enumerate(demo.cities)
        for title in [TitleSought.NATIONAL if n % 2 == 0 else TitleSought.PROVINCIAL]])
    demo.programs = list(Program.objects.filter(region__in=demo.cities).select_related("region").order_by("region__code"))
    program_of = {p.region_id: p for p in demo.programs}
    RegionGoal.objects.bulk_create([
        RegionGoal(program=program_of[c.parent_id], region=c,
                   title_sought=TitleSought.NATIONAL if n % 7 == 0 else TitleSought.PROVINCIAL,
                   target_year=2025 + n % 3)
        for n, c in enumerate(demo.counties) if n % 3 == 0 or n % 7 == 0])
    office = user_create(username="province", password=DEMO_PASSWORD, display_name="省生态文明建设示范创建办公室",
                         role=Role.OFFICE_ADMIN, region=province)
    user_create(username="province-leader", password=DEMO_PASSWORD, display_name="省分管领导", role=Role.LEADER,
                region=province)
    demo.logins = [("province", DEMO_PASSWORD, "省级生态办（全省驾驶舱、全省考核任务、省级目标）"),
                   ("province-leader", DEMO_PASSWORD, "省级领导（全省驾驶舱，只读）")]
    for n, city in enumerate(demo.cities[:CITY_OFFICES], start=1):  # a password hash takes a while: a few
        user_create(username=f"city{n:02d}", password=DEMO_PASSWORD, display_name=f"{city.name}生态办",
                    role=Role.OFFICE_ADMIN, region=city)
        demo.logins.append((f"city{n:02d}", DEMO_PASSWORD, f"{city.name}生态办（仅本市）"))
    _values(demo, framework, office, rng)
    return demo
