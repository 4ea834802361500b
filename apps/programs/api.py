"""Programs API: everything the program pages do, as JSON."""

from __future__ import annotations

from ninja import Router, Status

from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError, PermissionDeniedError
from apps.geo.access import access_department, access_region, can_see_region
from apps.geo.models import Department, RegionLevel
from apps.staging.web import staged_import_routes

from . import imports, services
from .access import access_program, can_manage_region, visible_programs_q
from .models import Program
from .schemas import (
    AssignedIn,
    AssignedOut,
    DepartmentDutyOut,
    LocalIndicatorIn,
    OverrideIn,
    ProgramDetailOut,
    ProgramOut,
    ResponsibilityIn,
    ResponsibilityOut,
    Saved,
    TargetEditIn,
    TargetOut,
    TargetWordsIn,
    TargetWordsOut,
)
from .selectors import (
    assigned_values,
    department_duty_rows,
    program_indicator,
    program_regions,
    responsibility_export,
    responsibility_rows,
    target_rows,
)
from .target_form import expression_and_words

router = Router(tags=["创建工作"])


@router.get("", response=list[ProgramOut], summary="可见的创建工作")
def list_programs(request):
    return list(Program.objects.filter(visible_programs_q(request.user)).select_related("framework"))


@router.get("/{program_id}", response=ProgramDetailOut, summary="创建工作详情（阶段、县区目标）")
def get_program(request, program_id: int):
    return access_program(request.user, program_id)


@router.get("/{program_id}/targets", response=list[TargetOut], summary="各区域解析后的目标")
def list_targets(request, program_id: int, region_id: int | None = None):
    program = access_program(request.user, program_id)
    regions = [access_region(request.user, region_id)] if region_id else program_regions(program)
    return target_rows(program, regions)


@router.post("/{program_id}/target-words", response=TargetWordsOut, summary="目标的文字表述（表达式或按项填写）")
def target_words(request, program_id: int, payload: TargetWordsIn):
    program = access_program(request.user, program_id)
    unit, direction = payload.unit, payload.direction
    if payload.indicator_id is not None:
        indicator = program_indicator(program, payload.indicator_id)
        unit, direction = indicator.unit, indicator.direction
    expression, words = expression_and_words(expression=payload.expression, clauses=payload.clauses, unit=unit,
                                             direction=direction)
    return {"expression": expression, "target_text": words}


@router.post("/{program_id}/target-edits", response={201: Saved}, summary="地方目标调整（只能提高）")
def post_target_edit(request, program_id: int, payload: TargetEditIn):
    program = access_program(request.user, program_id, manage=True)
    edit = services.target_edit_set(
        program=program, indicator=program_indicator(program, payload.indicator_id), level=payload.level,
        target=payload.target, reason=payload.reason, actor=request.user,
    )
    return Status(201, edit)


@router.post("/{program_id}/local-indicators", response={201: Saved}, summary="增设地方指标")
def post_local_indicator(request, program_id: int, payload: LocalIndicatorIn):
    program = access_program(request.user, program_id, manage=True)
    fields = payload.dict()
    targets = {RegionLevel.CITY: fields.pop("target_city"), RegionLevel.COUNTY: fields.pop("target_county"),
               **fields.pop("targets")}
    indicator = services.local_indicator_add(program=program, actor=request.user, targets=targets, **fields)
    return Status(201, indicator)


@router.post("/{program_id}/overrides", response={201: Saved}, summary="调整某区域的目标或标记不适用")
def post_override(request, program_id: int, payload: OverrideIn):
    program = access_program(request.user, program_id, manage=True)
    region = access_region(request.user, payload.region_id)
    override = services.target_override_set(
        program=program, region=region, indicator=program_indicator(program, payload.indicator_id), target=payload.target,
        not_applicable=payload.not_applicable, clear=payload.clear, reason=payload.reason, actor=request.user,
    )
    return Status(201, override)


@router.post("/{program_id}/assigned-targets", response={201: Saved}, summary="录入上级下达的年度考核任务")
def post_assigned(request, program_id: int, payload: AssignedIn):
    program = access_program(request.user, program_id)
    region = access_region(request.user, payload.region_id)
    if not can_manage_region(request.user, program, region):
        raise PermissionDeniedError("只有生态办可以录入上级下达的考核任务。")
    row = services.assigned_target_set(
        program=program, region=region, indicator=program_indicator(program, payload.indicator_id), year=payload.year,
        value=payload.value, document=payload.document, reason=payload.reason, actor=request.user,
    )
    return Status(201, row)


@router.get("/{program_id}/assigned-targets", response=list[AssignedOut], summary="当前有效的上级考核任务")
def list_assigned(request, program_id: int):
    """The numbers of the regions whose page the user may open (``can_see_region``): a county office its county's
    and the city's, not its neighbours'."""
    program = access_program(request.user, program_id)
    regions = [r for r in program_regions(program) if can_see_region(request.user, r, program.id)]
    return list(assigned_values(program, regions=regions).values())


@router.get("/{program_id}/responsibilities", response=list[ResponsibilityOut], summary="责任清单")
def list_responsibilities(request, program_id: int):
    program = access_program(request.user, program_id)
    return responsibility_rows(program)


@router.put("/{program_id}/responsibilities/{int:indicator_id}", response={200: ResponsibilityOut},
            summary="设置某项指标的牵头和配合单位")
def put_responsibility(request, program_id: int, indicator_id: int, payload: ResponsibilityIn):
    program = access_program(request.user, program_id, manage=True)
    indicator = program_indicator(program, indicator_id)
    units = {d.id: d for d in Department.objects.filter(pk__in=[*payload.lead_ids, *payload.cooperator_ids])
             .select_related("region")}
    missing = [i for i in [*payload.lead_ids, *payload.cooperator_ids] if i not in units]
    if missing:
        raise DomainError(f"单位不存在：{missing}")
    services.responsibility_set(
        program=program, indicator=indicator, leads=[units[i] for i in payload.lead_ids],
        cooperators=[units[i] for i in payload.cooperator_ids],
    )
    return Status(200, responsibility_rows(program, [indicator])[0])


staged_import_routes(router, "/{program_id}/responsibilities/import", kind=imports.RESPONSIBILITIES, label="责任清单",
                     access=lambda user, program_id: access_program(user, program_id, manage=True))


@router.get("/{program_id}/responsibilities.xlsx", summary="导出责任清单 xlsx")
def export_responsibilities(request, program_id: int):
    program = access_program(request.user, program_id)
    return xlsx_response(responsibility_export(program), f"responsibilities-{program.id}.xlsx")


@router.get("/{program_id}/departments/{department_id}/responsibilities", response=list[DepartmentDutyOut],
            summary="本单位承担的指标")
def department_duties(request, program_id: int, department_id: int):
    program = access_program(request.user, program_id)
    return department_duty_rows(program, access_department(request.user, department_id))
