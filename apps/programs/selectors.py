"""Reads for programs: resolved targets, responsibilities. Constant query counts whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from apps.geo.models import Department, Region, RegionLevel
from apps.indicators.models import Indicator
from calc.targets import (
    NoMatchingBranch,
    Target,
    applies,
    describe,
    needs_assigned_value,
    parse_target,
    resolve,
)

from .models import AssignedTarget, Program, Responsibility, TargetEdit, TargetOverride


@dataclass(frozen=True)
class ResolvedTarget:
    """The target one region must meet for one indicator, and where it came from."""

    indicator_id: int
    region_id: int
    applicable: bool
    target: Target | None
    text: str  # as printed (≥95, 建立, 完成上级规定的考核任务 …); "—" when not applicable
    source: str  # national / local_edit / override / not_applicable
    reason: str = ""

    @property
    def needs_assigned(self) -> bool:
        return self.target is not None and needs_assigned_value(self.target)

    @property
    def source_label(self) -> str:
        return {
            "national": "国家标准",
            "local_edit": "地方提高",
            "override": "单独调整",
            "not_applicable": "不适用",
            "error": "无法确定",
        }[self.source]


def program_indicators(program: Program) -> list[Indicator]:
    """National indicators of the program's framework plus its local additions, in plan order."""
    return list(
        Indicator.objects.filter(Q(framework_id=program.framework_id, program__isnull=True) | Q(program=program))
        .select_related("parent")
        .order_by("order", "id")
    )


def program_indicator(program: Program, indicator_id: object) -> Indicator:
    """One indicator of the program (national or its local addition), or a DomainError."""
    from apps.core.errors import DomainError

    indicator = next((i for i in program_indicators(program) if str(i.id) == str(indicator_id)), None)
    if indicator is None:
        raise DomainError("指标不属于本创建工作。")
    return indicator


def _latest(rows: Iterable, key) -> dict:
    latest: dict = {}
    for row in rows:  # rows ordered oldest → newest
        latest[key(row)] = row
    return latest


def program_target_edits(program: Program) -> dict[tuple[int, str], TargetEdit]:
    edits = TargetEdit.objects.filter(program=program).order_by("created_at", "id")
    current = _latest(edits, lambda e: (e.indicator_id, e.level))
    return {key: edit for key, edit in current.items() if edit.target}


def resolve_targets(
    program: Program, regions: list[Region], indicators: list[Indicator]
) -> dict[tuple[int, int], ResolvedTarget]:
    """Resolved target per (region id, indicator id): national rule → local edit → region override."""
    edits = program_target_edits(program)
    overrides = _latest(
        TargetOverride.objects.filter(program=program, region__in=regions).order_by("created_at", "id"),
        lambda o: (o.region_id, o.indicator_id),
    )
    parsed: dict[str, Target] = {}

    def parse(text: str) -> Target:
        if text not in parsed:
            parsed[text] = parse_target(text)
        return parsed[text]

    result: dict[tuple[int, int], ResolvedTarget] = {}
    for region in regions:
        profile = region.profile()
        level = region.level if region.level in ("city", "county") else None
        for indicator in indicators:
            if not indicator.scope_levels:
                continue  # a parent grouping its sub-indicators
            key = (region.id, indicator.id)
            override = overrides.get(key)
            if override is not None and override.cleared:
                override = None
            if override is not None and override.not_applicable:
                result[key] = ResolvedTarget(indicator.id, region.id, False, None, "—", "not_applicable",
                                             override.reason)
                continue
            if level is None or not applies(frozenset(indicator.scope_levels), indicator.coastal_only, profile):
                result[key] = ResolvedTarget(indicator.id, region.id, False, None, "—", "not_applicable")
                continue
            source, reason = "national", ""
            text = indicator.target_text_for(level)
            edit = edits.get((indicator.id, level))
            if edit is not None:
                text, source, reason = edit.target, "local_edit", edit.reason
            if override is not None and override.target:
                text, source, reason = override.target, "override", override.reason
            try:
                target = resolve(parse(text), profile)
            except NoMatchingBranch as exc:
                result[key] = ResolvedTarget(indicator.id, region.id, True, None, f"无法确定：{exc}", "error")
                continue
            result[key] = ResolvedTarget(
                indicator.id, region.id, True, target, describe(target, direction=indicator.direction), source, reason
            )
    return result


def program_regions(program: Program) -> list[Region]:
    """The program's own region first, then its counties."""
    counties = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.COUNTY).order_by("code")
    return [program.region, *counties]


def assigned_values(program: Program, *, regions: list[Region] | None = None) -> dict[tuple[int, int, int], AssignedTarget]:
    """Current assigned number per (region id, indicator id, year)."""
    rows = AssignedTarget.objects.filter(program=program).order_by("created_at", "id")
    if regions is not None:
        rows = rows.filter(region__in=regions)
    return _latest(rows, lambda a: (a.region_id, a.indicator_id, a.year))


@dataclass(frozen=True)
class ResponsibilityRow:
    indicator: Indicator
    target: str  # the program region's resolved target, as printed
    leads: list[Department]
    cooperators: list[Department]


def responsibility_rows(program: Program, indicators: list[Indicator] | None = None) -> list[ResponsibilityRow]:
    indicators = indicators if indicators is not None else program_indicators(program)
    by_indicator: dict[int, dict[str, list[Department]]] = defaultdict(lambda: {"lead": [], "cooperate": []})
    for resp in Responsibility.objects.filter(program=program).select_related("department").order_by("order", "id"):
        by_indicator[resp.indicator_id][resp.role].append(resp.department)
    targets = resolve_targets(program, [program.region], indicators)
    rows = []
    for indicator in indicators:
        resolved = targets.get((program.region_id, indicator.id))
        text = resolved.text if resolved is not None and resolved.applicable else ""
        duties = by_indicator.get(indicator.id, {"lead": [], "cooperate": []})
        rows.append(ResponsibilityRow(indicator, text, duties["lead"], duties["cooperate"]))
    return rows


def department_responsibilities(program: Program, department: Department) -> QuerySet[Responsibility]:
    return (
        Responsibility.objects.filter(program=program, department=department)
        .select_related("indicator", "indicator__parent")
        .prefetch_related(
            Prefetch(
                "indicator__responsibilities",
                queryset=Responsibility.objects.filter(program=program).select_related("department"),
                to_attr="program_responsibilities",
            )
        )
        .order_by("indicator__order")
    )


def responsibility_export(program: Program) -> bytes:
    """The 责任清单 workbook for a program (shared by the page and the API)."""
    from .exports import ResponsibilityExportRow, render_responsibility_xlsx

    rows = [
        ResponsibilityExportRow(
            number=row.indicator.number_label,
            indicator=row.indicator.full_name,
            target=row.target,
            leads=[d.name for d in row.leads],
            cooperators=[d.name for d in row.cooperators],
        )
        for row in responsibility_rows(program)
    ]
    return render_responsibility_xlsx(f"{program.name}责任清单", rows)
