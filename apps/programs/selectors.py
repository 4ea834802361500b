"""Reads for programs: resolved targets, responsibilities. Constant query counts whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from apps.core.errors import DomainError
from apps.core.latest import latest_per_key
from apps.geo.access import ancestor_paths
from apps.geo.models import Department, Region, RegionLevel
from apps.indicators.models import Indicator
from calc.targets import (
    NoMatchingBranch,
    RegionProfile,
    Target,
    applies,
    needs_assigned_value,
    parse_target,
    resolve,
    unparse,
)

from .exports import ResponsibilityExportRow, render_responsibility_xlsx
from .models import AssignedTarget, Program, ProvinceTarget, Responsibility, TargetEdit, TargetOverride


class TargetSource(models.TextChoices):
    """Which layer of the resolution chain gave a region its target."""

    NATIONAL = "national", "国家标准"
    PROVINCE = "province", "省级目标"
    LOCAL_EDIT = "local_edit", "地方提高"
    OVERRIDE = "override", "单独调整"
    NOT_APPLICABLE = "not_applicable", "不适用"
    ERROR = "error", "无法确定"


#: Where an office sets a region's attributes (the attribute a region-dependent target tests).
REGION_ATTRIBUTES_PAGE = "区域属性（管理后台 › 区域）"


@dataclass(frozen=True)
class Undetermined:
    """Why a region-dependent target fits no branch for a region: the attributes its branches test
    (``Region`` field names, in branch order) and those the region has not set."""

    attributes: tuple[str, ...]
    missing: tuple[str, ...]

    @staticmethod
    def _label(attribute: str) -> str:
        return str(Region._meta.get_field(attribute).verbose_name)

    @property
    def labels(self) -> list[str]:
        return [self._label(a) for a in self.missing or self.attributes]

    @property
    def text(self) -> str:
        """The sentence an office reads: which attribute to set, and where."""
        names = "、".join(f"「{label}」" for label in self.labels)
        if self.missing:
            return f"无法确定：本区域尚未设置{names}，请在{REGION_ATTRIBUTES_PAGE}中设置。"
        return (f"无法确定：本指标目标按{names}区分，本区域的属性不符合任何一项，"
                f"请在{REGION_ATTRIBUTES_PAGE}中核对，或单独调整本区域目标。")


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """The target one region must meet for one indicator, and where it came from."""

    indicator_id: int
    region_id: int
    applicable: bool
    target: Target | None
    text: str  # as printed (≥95, 建立, 完成上级规定的考核任务 …); "—" when not applicable
    source: str  # a TargetSource
    reason: str = ""
    undetermined: Undetermined | None = None  # why, when ``source`` is ERROR

    @property
    def needs_assigned(self) -> bool:
        return self.target is not None and needs_assigned_value(self.target)

    @property
    def source_label(self) -> str:
        return str(TargetSource(self.source).label)


def program_indicators(program: Program) -> list[Indicator]:
    """National indicators of the program's framework plus its local additions, in plan order."""
    return list(
        Indicator.objects.filter(Q(framework_id=program.framework_id, program__isnull=True) | Q(program=program))
        .select_related("parent")
        .prefetch_related("targets")
        .order_by("order", "id")
    )


def program_indicator(program: Program, indicator_id: object) -> Indicator:
    """One indicator of the program (national or its local addition), or a DomainError."""
    indicator = next((i for i in program_indicators(program) if str(i.id) == str(indicator_id)), None)
    if indicator is None:
        raise DomainError("指标不属于本创建工作。")
    return indicator


def program_target_edits(program: Program) -> dict[tuple[int, str], TargetEdit]:
    """The current local edit per (indicator id, level); a restored national target has none."""
    edits = latest_per_key(TargetEdit.objects.filter(program=program), key=("indicator", "level"))
    return {(e.indicator_id, e.level): e for e in edits.exclude(target="")}


def current_overrides(program: Program, regions: list[Region]) -> dict[tuple[int, int], TargetOverride]:
    """The current override per (region id, indicator id); a cleared one has none."""
    overrides = latest_per_key(TargetOverride.objects.filter(program=program, region__in=regions),
                               key=("region", "indicator"))
    return {(o.region_id, o.indicator_id): o for o in overrides.exclude(cleared=True)}


# --- the resolution chain -----------------------------------------------------------------------


@dataclass(frozen=True)
class TargetStep:
    """What one layer says about a region's target: a new expression, or that the indicator does not apply."""

    source: str  # a TargetSource
    expression: str = ""
    applicable: bool = True
    reason: str = ""


#: A layer of the chain: its word on (indicator, region with its profile), or None when it has none.
TargetLayer = Callable[[Indicator, Region, RegionProfile], TargetStep | None]


def national_layer(indicator: Indicator, region: Region, profile: RegionProfile) -> TargetStep:
    """The framework's rule for the region's level (a local indicator's own targets count as such)."""
    if not applies(frozenset(indicator.scope_levels), indicator.coastal_only, profile):
        return TargetStep(TargetSource.NOT_APPLICABLE, applicable=False)
    return TargetStep(TargetSource.NATIONAL, indicator.target_text_for(region.level))


def local_edit_layer(edits: dict[tuple[int, str], TargetEdit]) -> TargetLayer:
    """The program's tightening of the national target for the region's level."""

    def layer(indicator: Indicator, region: Region, _profile: RegionProfile) -> TargetStep | None:
        edit = edits.get((indicator.id, region.level))
        return None if edit is None else TargetStep(TargetSource.LOCAL_EDIT, edit.target, reason=edit.reason)

    return layer


def override_layer(overrides: dict[tuple[int, int], TargetOverride]) -> TargetLayer:
    """The office's own target for this one region, or its ruling that the indicator does not apply."""

    def layer(indicator: Indicator, region: Region, _profile: RegionProfile) -> TargetStep | None:
        override = overrides.get((region.id, indicator.id))
        if override is None:
            return None
        if override.not_applicable:
            return TargetStep(TargetSource.NOT_APPLICABLE, applicable=False, reason=override.reason)
        return TargetStep(TargetSource.OVERRIDE, override.target, reason=override.reason) if override.target else None

    return layer


def province_targets_of(program: Program) -> dict[tuple[int, str], ProvinceTarget]:
    """The current target of the program's province per (indicator id, level), for a program of one of its
    cities (a program set up at the province itself has none: its own edits are its province's word)."""
    paths = [p for p in ancestor_paths(program.region.path) if p != program.region.path]
    return province_targets(ProvinceTarget.objects.filter(province__path__in=paths))


def province_targets(rows: QuerySet[ProvinceTarget]) -> dict[tuple[int, str], ProvinceTarget]:
    """The current (latest) row per (indicator id, level) of ``rows``; a withdrawn one (empty target) is left out."""
    latest = latest_per_key(rows, key=("province", "indicator", "level"))
    return {(t.indicator_id, t.level): t for t in latest.exclude(target="")}


def province_layer(targets: dict[tuple[int, str], ProvinceTarget]) -> TargetLayer:
    """The province's target for the region's level, for every program of its cities."""

    def layer(indicator: Indicator, region: Region, _profile: RegionProfile) -> TargetStep | None:
        given = targets.get((indicator.id, region.level))
        return None if given is None else TargetStep(TargetSource.PROVINCE, given.target, reason=given.reason)

    return layer


def target_chain(program: Program, regions: list[Region]) -> tuple[TargetLayer, ...]:
    """The program's layers, most general first: national rule → province target → local edit → override
    (three queries)."""
    return (once_per_profile(national_layer), province_layer(province_targets_of(program)),
            local_edit_layer(program_target_edits(program)), override_layer(current_overrides(program, regions)))


def once_per_profile(layer: TargetLayer) -> TargetLayer:
    """``layer`` asked once per (indicator, region profile): for a layer that reads only those (the national rule
    reads the indicator's targets for the profile's level)."""
    steps: dict[tuple[int, RegionProfile], TargetStep | None] = {}

    def cached(indicator: Indicator, region: Region, profile: RegionProfile) -> TargetStep | None:
        key = (indicator.id, profile)
        if key not in steps:
            steps[key] = layer(indicator, region, profile)
        return steps[key]

    return cached


def resolve_step(chain: Iterable[TargetLayer], indicator: Indicator, region: Region,
                 profile: RegionProfile) -> TargetStep:
    """Fold the chain: any layer may rule the indicator out for the region (the last ruling gives the
    reason); otherwise the most specific layer that gives an expression wins."""
    given = ruled_out = None
    for layer in chain:
        step = layer(indicator, region, profile)
        if step is not None and step.applicable:
            given = step
        elif step is not None:
            ruled_out = step
    if ruled_out is not None:
        return ruled_out
    return given if given is not None else TargetStep(TargetSource.NOT_APPLICABLE, applicable=False)


def resolve_targets(
    program: Program, regions: list[Region], indicators: list[Indicator]
) -> dict[tuple[int, int], ResolvedTarget]:
    """Resolved target per (region id, indicator id), through :func:`target_chain`.

    Regions alike (the same profile) mostly get the same step per indicator: the national layer's word and each
    step's resolution are computed once per (indicator, profile, step), not once per region (a round of 500
    counties × 40 indicators resolves 20,000 pairs).
    """
    chain = target_chain(program, regions)
    parsed: dict[str, Target] = {}
    resolved: dict[tuple[int, RegionProfile, TargetStep], tuple[Target | None, str, Undetermined | None]] = {}

    def parse(text: str) -> Target:
        if text not in parsed:
            parsed[text] = parse_target(text)
        return parsed[text]

    def resolution(indicator: Indicator, profile: RegionProfile,
                   step: TargetStep) -> tuple[Target | None, str, Undetermined | None]:
        """The step's target for the profile and its wording, or why it is undetermined."""
        key = (indicator.id, profile, step)
        if key not in resolved:
            try:
                target = resolve(parse(step.expression), profile)
            except NoMatchingBranch as exc:
                why = Undetermined(exc.attributes, exc.missing)
                resolved[key] = (None, why.text, why)
            else:
                resolved[key] = (target, indicator.describe(target), None)
        return resolved[key]

    result: dict[tuple[int, int], ResolvedTarget] = {}
    for region in regions:
        profile = region.profile()
        for indicator in indicators:
            if not indicator.scope_levels:
                continue  # a parent grouping its sub-indicators
            key = (region.id, indicator.id)
            step = resolve_step(chain, indicator, region, profile)
            if not step.applicable:
                result[key] = ResolvedTarget(indicator.id, region.id, False, None, "—", TargetSource.NOT_APPLICABLE,
                                             step.reason)
                continue
            target, text, why = resolution(indicator, profile, step)
            if why is not None:
                result[key] = ResolvedTarget(indicator.id, region.id, True, None, text, TargetSource.ERROR,
                                             undetermined=why)
                continue
            result[key] = ResolvedTarget(indicator.id, region.id, True, target, text, step.source, step.reason)
    return result


def program_regions(program: Program) -> list[Region]:
    """The program's own region first, then its counties."""
    counties = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.COUNTY).order_by("code")
    return [program.region, *counties]


def assigned_values(program: Program, *, regions: list[Region] | None = None) -> dict[tuple[int, int, int], AssignedTarget]:
    """Current assigned number per (region id, indicator id, year)."""
    rows = AssignedTarget.objects.filter(program=program)
    if regions is not None:
        rows = rows.filter(region__in=regions)
    return {(a.region_id, a.indicator_id, a.year): a
            for a in latest_per_key(rows, key=("region", "indicator", "year"))}


@dataclass(frozen=True)
class TargetRow:
    """One region's resolved target for one indicator, with the indicator named, as the targets API lists it."""

    region_id: int
    indicator_id: int
    indicator_code: str
    indicator_name: str
    applicable: bool
    expression: str | None  # the target in the target language; None when there is none
    text: str
    source: str
    reason: str
    needs_assigned: bool
    undetermined_attributes: list[str]  # the region attributes to set (Chinese labels) when it cannot be determined

    @property
    def target_text(self) -> str:
        """The target in words (≥95%, 完成上级规定的考核任务，且≥90%或持续提高), next to ``expression`` in the API."""
        return self.text


def target_rows(program: Program, regions: list[Region]) -> list[TargetRow]:
    """The program's indicators' resolved targets for ``regions``."""
    indicators = program_indicators(program)
    by_id = {i.id: i for i in indicators}
    return [
        TargetRow(region_id=r.region_id, indicator_id=r.indicator_id, indicator_code=by_id[r.indicator_id].code,
                  indicator_name=by_id[r.indicator_id].full_name, applicable=r.applicable,
                  expression=unparse(r.target) if r.target is not None else None, text=r.text, source=r.source,
                  reason=r.reason, needs_assigned=r.needs_assigned,
                  undetermined_attributes=r.undetermined.labels if r.undetermined else [])
        for r in resolve_targets(program, regions, indicators).values()
    ]


@dataclass(frozen=True)
class ResponsibilityRow:
    indicator: Indicator
    target: str  # the program region's resolved target, as printed
    leads: list[Department]
    cooperators: list[Department]


def responsibility_rows(program: Program, indicators: list[Indicator] | None = None) -> list[ResponsibilityRow]:
    indicators = indicators if indicators is not None else program_indicators(program)
    by_indicator: dict[int, dict[str, list[Department]]] = defaultdict(lambda: {"lead": [], "cooperate": []})
    for resp in Responsibility.objects.filter(program=program).select_related("department__region").order_by("order", "id"):
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


@dataclass(frozen=True)
class DepartmentDuty:
    """An indicator a department leads or cooperates on, with the program region's target as printed."""

    indicator_id: int
    indicator_code: str
    indicator_name: str
    role: str
    target: str


def department_duty_rows(program: Program, department: Department) -> list[DepartmentDuty]:
    duties = list(department_responsibilities(program, department))
    targets = resolve_targets(program, [program.region], [d.indicator for d in duties])
    return [
        DepartmentDuty(indicator_id=d.indicator.id, indicator_code=d.indicator.code,
                       indicator_name=d.indicator.full_name, role=d.role,
                       target=getattr(targets.get((program.region.id, d.indicator.id)), "text", ""))
        for d in duties
    ]
