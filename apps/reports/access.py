"""Who drafts and reads which report.

- the annual report of a program: drafted by the program's office; read by the office, leaders and inspectors
  whose region covers the program's;
- a county's progress report: drafted by the city office or that county's office; read by them and by the
  leaders and inspectors above the county;
- a unit's progress report: drafted by the office or the unit's own liaison; read by them and by the program's
  leaders and inspectors. A unit never reads another unit's report, a county never another county's.

The predicates read the user's duties and objects already loaded (no query), so a list of files is filtered
without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.accounts.models import Role
from apps.core.errors import NotFoundError, PermissionDeniedError, found
from apps.geo.models import Department, Region, RegionLevel
from apps.programs.access import access_program, can_manage_program, can_manage_region
from apps.programs.models import Program

from .dossier import BINDING, DOMAIN
from .models import ZIP_KINDS, ReportFile, ReportKind, reads_region
from .selectors import ReportTarget

if TYPE_CHECKING:
    from apps.accounts.models import User

_reads_region = reads_region


def _unit_liaison(user: User, program: Program, department: Department) -> bool:
    return any(d.department is not None and d.department.id == department.id
               for d in user.duties_as(Role.DEPARTMENT_REPORTER, program_id=program.id))


def _inspects(user: User, program: Program, region: Region) -> bool:
    return any(d.home is not None and region.path.startswith(d.home.path)
               for d in user.duties_as(Role.INSPECTOR, program_id=program.id))


def can_generate(user: User, program: Program, kind: str, region: Region | None = None,
                 department: Department | None = None) -> bool:
    if kind in (ReportKind.ANNUAL, ReportKind.SELF_ASSESSMENT):
        return can_manage_program(user, program)
    if kind in ZIP_KINDS:  # the dossier: the office, and the inspectors who check it
        return can_manage_program(user, program) or _inspects(user, program, region or program.region)
    if region is not None:
        return can_manage_region(user, program, region)
    if department is not None:
        return can_manage_program(user, program) or _unit_liaison(user, program, department)
    return False


def can_read(user: User, program: Program, kind: str, region: Region | None = None,
             department: Department | None = None) -> bool:
    if can_generate(user, program, kind, region, department):
        return True
    if kind in ZIP_KINDS:
        return _reads_region(user, program, region or program.region)
    if kind in (ReportKind.ANNUAL, ReportKind.SELF_ASSESSMENT) or department is not None:
        return _reads_region(user, program, program.region)
    return region is not None and _reads_region(user, program, region)


def can_read_file(user: User, report: ReportFile) -> bool:
    return can_read(user, report.program, report.kind, report.region, report.department)


def _county(program: Program, region_id: int) -> Region:
    return found(Region.objects.filter(pk=region_id, path__startswith=program.region.path,
                                       level=RegionLevel.COUNTY).first(), "该县区不属于本创建工作。")


def _unit(program: Program, department_id: int) -> Department:
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None or not (program.region.path.startswith(department.region.path)
                                  or department.region.path.startswith(program.region.path)):
        raise NotFoundError("该单位不属于本创建工作。")
    return department


def _indicator_set(program: Program, kind: str, indicator_set: str) -> str:
    if not indicator_set:
        return ""
    if kind not in ZIP_KINDS:
        raise NotFoundError("只有申报材料档案和年度更新包可以选择指标范围。")
    if indicator_set == BINDING:
        return indicator_set
    domain = indicator_set.removeprefix(DOMAIN)
    if not indicator_set.startswith(DOMAIN) or not program.framework.indicators.filter(domain=domain).exists():
        raise NotFoundError("没有这个指标范围。")
    return indicator_set


def access_report_target(user: User, program_id: int, kind: str, year: int, *, region_id: int | None = None,
                         department_id: int | None = None, indicator_set: str = "",
                         generate: bool = False) -> ReportTarget:
    """The report asked for, if the user may read it (``generate``: draft it), or raise."""
    program = access_program(user, program_id)
    if kind not in ReportKind.values:
        raise NotFoundError("没有这种报告。")
    if kind in (ReportKind.ANNUAL, ReportKind.SELF_ASSESSMENT) and (region_id or department_id):
        raise NotFoundError("年度工作报告和技术自查评估报告是全市的报告，不按县区或单位生成。")
    if kind in ZIP_KINDS and department_id:
        raise NotFoundError("申报材料档案按县区筛选，不按单位生成。")
    indicator_set = _indicator_set(program, kind, indicator_set)
    if kind == ReportKind.PROGRESS and bool(region_id) == bool(department_id):
        raise NotFoundError("进展报告请选择一个县区或一个牵头单位。")
    if not (program.base_year - 30 <= year <= program.target_year + 30):
        raise NotFoundError(f"没有{year}年度的报告。")
    region = _county(program, region_id) if region_id else None
    department = _unit(program, department_id) if department_id else None
    allowed = (can_generate if generate else can_read)(user, program, kind, region, department)
    if not allowed:
        if kind in ZIP_KINDS:
            raise PermissionDeniedError("只有生态办管理员和核查人员可以生成和下载申报材料档案。")
        if kind != ReportKind.PROGRESS:
            raise PermissionDeniedError("只有生态办管理员可以生成该报告。" if generate else "您无权查看该报告。")
        raise PermissionDeniedError("只能生成和查看本县区、本单位的进展报告。")
    return ReportTarget(kind=kind, program=program, year=year, region=region, department=department,
                        indicator_set=indicator_set)


def access_report_file(user: User, program_id: int, report_id: int) -> ReportFile:
    program = access_program(user, program_id)
    report = found(ReportFile.objects.select_related("program__region", "region", "department__region", "created_by",
                                                     "job")
                   .filter(pk=report_id, program=program).first(), "报告不存在。")
    if not can_read_file(user, report):
        raise PermissionDeniedError("您无权查看该报告。")
    return report


@dataclass(frozen=True)
class GenerateOptions:
    """What the user may draft on the reports page: the annual report, and the counties' and units' progress."""

    annual: bool
    counties: tuple[Region, ...]
    units: tuple[Department, ...]
    self_assessment: bool = False
    dossier: bool = False  # the dossier and the update package (filters: ``all_counties``, ``domains``)
    all_counties: tuple[Region, ...] = ()
    domains: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.annual or bool(self.counties) or bool(self.units) or self.self_assessment or self.dossier


def generate_options(user: User, program: Program) -> GenerateOptions:
    """Two queries: the program's counties and the units that lead or cooperate on one of its indicators."""
    counties = Region.objects.filter(path__startswith=program.region.path, level=RegionLevel.COUNTY).order_by("code")
    units = (Department.objects.select_related("region")
             .filter(responsibilities__program=program).distinct().order_by("region__path", "order", "id"))
    dossier = can_generate(user, program, ReportKind.DOSSIER)
    domains: list[str] = []
    if dossier:
        for domain in program.framework.indicators.order_by("order", "id").values_list("domain", flat=True):
            if domain not in domains:
                domains.append(domain)
    return GenerateOptions(
        annual=can_generate(user, program, ReportKind.ANNUAL),
        counties=tuple(c for c in counties if can_generate(user, program, ReportKind.PROGRESS, region=c)),
        units=tuple(u for u in units if can_generate(user, program, ReportKind.PROGRESS, department=u)),
        self_assessment=can_generate(user, program, ReportKind.SELF_ASSESSMENT),
        dossier=dossier, all_counties=tuple(counties) if dossier else (), domains=tuple(domains),
    )


def access_veto(user: User, program_id: int, *, manage: bool = False) -> Program:
    """The program whose veto self-check the user may read (who reads the self-assessment report) or, with
    ``manage``, answer (its office)."""
    program = access_program(user, program_id)
    if manage and not can_manage_program(user, program):
        raise PermissionDeniedError("只有生态办管理员可以填写否决事项自查。")
    if not can_read(user, program, ReportKind.SELF_ASSESSMENT):
        raise PermissionDeniedError("您无权查看否决事项自查。")
    return program


def readable_files(user: User, program: Program) -> list[ReportFile]:
    """The program's report files the user may read, newest first (one query, filtered in Python)."""
    files = (ReportFile.objects.filter(program=program)
             .select_related("program__region", "region", "department__region", "created_by", "job"))
    return [f for f in files if can_read_file(user, f)]
