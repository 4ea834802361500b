"""Scoring as JSON: schemes, runs, the workflow, rankings, sheets, objections, comparisons, the office's entries
and the exports; the same access checks as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Status
from ninja.files import UploadedFile

from apps.core.downloads import docx_response, file_response, xlsx_response
from apps.core.errors import found
from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS
from apps.geo.models import Department
from apps.staging.web import ImportPlace, staged_import_routes

from . import exports, imports, selectors, services
from .access import (
    access_objection,
    access_ranking,
    access_run,
    access_scheme,
    access_scoring,
    access_sheet,
    can_see_sheet,
    own_units,
    sees_ranking,
    visible_runs,
    with_evidence_rights,
)
from .models import ManualScore, Objection, OfficeFact, Scheme, ScoreRun
from .schemas import (
    ScoringComparisonOut,
    ScoringFactDetailOut,
    ScoringFactIn,
    ScoringFactOut,
    ScoringItemIn,
    ScoringManualDetailOut,
    ScoringManualIn,
    ScoringManualOut,
    ScoringObjectionIn,
    ScoringObjectionOut,
    ScoringRankingOut,
    ScoringRulingIn,
    ScoringRunIn,
    ScoringRunOut,
    ScoringSchemeDetailOut,
    ScoringSchemeIn,
    ScoringSchemeOut,
    ScoringSheetOut,
    ScoringStepIn,
)

router = Router(tags=["考核评分"])
BASE = "/programs/{program_id}/scoring"


def _unit(program: Any, department_id: int) -> Department:
    return found(Department.objects.filter(pk=department_id, region=program.region).first(), "考核对象不存在。")


@router.get(f"{BASE}/schemes", response=list[ScoringSchemeOut], summary="评分细则列表")
def schemes(request: HttpRequest, program_id: int) -> Any:
    program = access_scoring(request.user, program_id)
    return list(Scheme.objects.filter(program=program).order_by("code", "-version"))


@router.get(f"{BASE}/schemes/{{scheme_id}}", response=ScoringSchemeDetailOut, summary="评分细则")
def scheme(request: HttpRequest, program_id: int, scheme_id: int) -> Any:
    return access_scheme(request.user, program_id, scheme_id)


@router.post(f"{BASE}/schemes", response={201: ScoringSchemeDetailOut}, summary="保存评分细则（新版本）")
def scheme_save(request: HttpRequest, program_id: int, payload: ScoringSchemeIn) -> Any:
    """TOML 原文校验后保存；同一编码和版本已用于计分时须提高版本号。"""
    program = access_scoring(request.user, program_id, manage=True)
    scheme = services.scheme_save(program=program, text=payload.text, actor=request.user,  # type: ignore[arg-type]
                                  sources=payload.sources)
    return Status(201, scheme)


@router.get(f"{BASE}/schemes/{{scheme_id}}/scheme.toml", summary="下载评分细则文件（TOML）")
def scheme_toml(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id)
    return file_response(item.text.encode("utf-8"), f"{item.name}（第{item.version}版）.toml",
                         "application/toml; charset=utf-8", f"scheme-{item.code}-v{item.version}.toml")


@router.get(f"{BASE}/schemes/{{scheme_id}}/scheme.xlsx", summary="下载评分细则表（Excel：考核内容/序号/考核指标/分值/数据来源…）")
def scheme_xlsx(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id)
    return xlsx_response(exports.scheme_sheet(item), f"{item.name}（第{item.version}版）.xlsx",
                         f"scheme-{item.code}-v{item.version}.xlsx")


def _scheme_place(user: Any, program_id: int, scheme_id: int) -> ImportPlace:
    """A scheme's imports (a new version, its facts workbook): the office's, kept with the scheme they are for."""
    item = access_scheme(user, program_id, scheme_id, manage=True)
    return ImportPlace(item.program, {"scheme": item.pk})


staged_import_routes(router, f"{BASE}/schemes/{{scheme_id}}/import", kind=imports.SCHEME, access=_scheme_place,
                     check=services.scheme_upload, operation="scoring_scheme", summaries=(
                         "上传评分细则新版本（.xlsx 评分细则表或 .toml）并预览每个评分项的原值 → 新值；"
                         "确认用 …/import/{import_id}/commit；commit=true 时一步保存。有错误则不保存（400，errors 列出行与列）",
                         "本人上传的评分细则新版本：预览或结果",
                         "确认保存已预览的评分细则新版本（仅上传者）"))


@router.put(f"{BASE}/schemes/{{scheme_id}}/items/{{code}}", response={201: ScoringSchemeDetailOut},
            summary="修改评分项（名称、分值、数据来源、规则参数、其他设置），保存为新版本")
def scheme_item(request: HttpRequest, program_id: int, scheme_id: int, code: str, payload: ScoringItemIn) -> Any:
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    edit = services.ItemEdit(name=payload.name, points=payload.points, source=payload.source, params=payload.params,
                             other=payload.other)
    edited = services.scheme_item_edit(scheme=item, code=code, edit=edit, actor=request.user)  # type: ignore[arg-type]
    return Status(201, edited)


@router.get(f"{BASE}/runs", response=list[ScoringRunOut], summary="考核结果列表")
def runs(request: HttpRequest, program_id: int) -> Any:
    """生态办看到全部；考核对象看到异议期及以后的结果；其他人只看到已发布的结果。"""
    program = access_scoring(request.user, program_id)
    return list(visible_runs(request.user, program))


@router.post(f"{BASE}/runs", response={201: ScoringRunOut}, summary="计分（新建考核结果）")
def run_create(request: HttpRequest, program_id: int, payload: ScoringRunIn) -> Any:
    program = access_scoring(request.user, program_id, manage=True)
    item = access_scheme(request.user, program_id, payload.scheme_id, manage=True)
    run = services.run_create(program=program, scheme=item, period=payload.period,
                              actor=request.user, note=payload.note)  # type: ignore[arg-type]
    return Status(201, run)


@router.get(f"{BASE}/runs/{{run_id}}", response=ScoringRankingOut, summary="考核结果与排名")
def ranking(request: HttpRequest, program_id: int, run_id: int) -> Any:
    """发布前，考核对象只得到本单位一行。"""
    run = access_run(request.user, program_id, run_id)
    units = None if sees_ranking(request.user, run) else own_units(request.user, run.program)  # type: ignore[arg-type]
    return selectors.ranking(run, units)


@router.post(f"{BASE}/runs/{{run_id}}/steps", response=ScoringRunOut, summary="考核结果流转")
def step(request: HttpRequest, program_id: int, run_id: int, payload: ScoringStepIn) -> ScoreRun:
    """open 开放异议、finalise 定稿（异议须全部裁定）、publish 发布；rerun 按当前数据重新计分（返回新结果）。"""
    run = access_run(request.user, program_id, run_id, manage=True)
    if payload.action == "rerun":
        return services.run_rerun(run=run, actor=request.user, note=payload.comment)  # type: ignore[arg-type]
    return services.run_transition(run=run, action=payload.action, actor=request.user,  # type: ignore[arg-type]
                                   comment=payload.comment, expected_version=payload.version)


@router.get(f"{BASE}/runs/{{run_id}}/compare", response=ScoringComparisonOut, summary="与上次结果比较")
def compare(request: HttpRequest, program_id: int, run_id: int) -> Any:
    return selectors.comparison(access_ranking(request.user, program_id, run_id))


@router.get(f"{BASE}/runs/{{run_id}}/units/{{department_id}}", response=ScoringSheetOut, summary="考核对象评分表")
def sheet(request: HttpRequest, program_id: int, run_id: int, department_id: int) -> dict[str, Any]:
    run, subject = access_sheet(request.user, program_id, run_id, department_id)
    return {
        "department_id": subject.department_id, "name": subject.name, "group": subject.group, "total": subject.total,
        "base": subject.base, "bonus": subject.bonus, "deduction": subject.deduction, "grade": subject.grade,
        "vetoed": subject.vetoed, "rank": subject.rank if sees_ranking(request.user, run) else None,  # type: ignore[arg-type]
        "items": list(selectors.sheet_items(subject)),
        "objections": with_evidence_rights(request.user, run.program, list(selectors.objections(run, subject))),  # type: ignore[arg-type]
    }


@router.post(f"{BASE}/runs/{{run_id}}/units/{{department_id}}/objections", response={201: ScoringObjectionOut},
             summary="提出异议")
def objection_create(request: HttpRequest, program_id: int, run_id: int, department_id: int,
                     payload: ScoringObjectionIn) -> Any:
    run, subject = access_sheet(request.user, program_id, run_id, department_id)
    objection = services.objection_create(run=run, subject=subject, item=payload.item, reason=payload.reason,
                                          actor=request.user)  # type: ignore[arg-type]
    return Status(201, objection)


@router.post(f"{BASE}/runs/{{run_id}}/objections/{{objection_id}}/evidence", response={201: ScoringObjectionOut},
             summary="补充异议佐证材料（multipart：evidence 文件可多个）")
def objection_evidence(request: HttpRequest, program_id: int, run_id: int, objection_id: int,
                       evidence: File[list[UploadedFile]]) -> Any:
    """提出异议的单位在异议期内、裁定前补充；生态办和该单位可下载。"""
    run = access_run(request.user, program_id, run_id)
    objection = access_objection(run, objection_id)
    access_sheet(request.user, program_id, run_id, objection.subject.department_id)
    files = [check_upload(f, allowed=EVIDENCE_KINDS) for f in evidence]
    added = services.objection_evidence_add(objection=objection, files=files,
                                            actor=request.user)  # type: ignore[arg-type]
    return Status(201, added)


@router.get(f"{BASE}/runs/{{run_id}}/objections", response=list[ScoringObjectionOut], summary="异议列表")
def objection_list(request: HttpRequest, program_id: int, run_id: int) -> Any:
    """生态办看到全部异议；考核对象只看到本单位的。"""
    run = access_run(request.user, program_id, run_id)
    rows = selectors.objections(run)
    if not sees_ranking(request.user, run):  # type: ignore[arg-type]
        rows = rows.filter(subject__department_id__in=own_units(request.user, run.program))  # type: ignore[arg-type]
    return with_evidence_rights(request.user, run.program, list(rows))  # type: ignore[arg-type]


@router.post(f"{BASE}/runs/{{run_id}}/objections/{{objection_id}}/ruling", response=ScoringObjectionOut,
             summary="裁定异议")
def objection_rule(request: HttpRequest, program_id: int, run_id: int, objection_id: int,
                   payload: ScoringRulingIn) -> Objection:
    run = access_run(request.user, program_id, run_id, manage=True)
    return services.objection_rule(objection=access_objection(run, objection_id), upheld=payload.upheld,
                                   ruling=payload.ruling, points=payload.points, actor=request.user)  # type: ignore[arg-type]


@router.put(f"{BASE}/facts", response=ScoringFactOut,
            summary="录入考核事实（系统中没有的数据；事实键须为本创建工作某一评分细则读取且不由系统取数的）")
def fact_set(request: HttpRequest, program_id: int, payload: ScoringFactIn) -> Any:
    program = access_scoring(request.user, program_id, manage=True)
    return services.office_fact_set(program=program, department=_unit(program, payload.department_id),
                                    period=payload.period, key=payload.key, part=payload.part, value=payload.value,
                                    text=payload.text,
                                    na=payload.na, reason=payload.reason, actor=request.user)  # type: ignore[arg-type]


@router.put(f"{BASE}/manual", response=ScoringManualOut, summary="录入人工评分")
def manual_set(request: HttpRequest, program_id: int, payload: ScoringManualIn) -> Any:
    program = access_scoring(request.user, program_id, manage=True)
    return services.manual_set(program=program, scheme_code=payload.scheme_code,
                               department=_unit(program, payload.department_id), period=payload.period,
                               item=payload.item, points=payload.points, reason=payload.reason,
                               actor=request.user)  # type: ignore[arg-type]


def _office(request: HttpRequest, program_id: int) -> Any:
    return access_scoring(request.user, program_id, manage=True)


# The program's route: fact keys checked against all its schemes; a 人工评分 sheet only with one scheme (else
# the scheme's route below).
staged_import_routes(router, f"{BASE}/facts/import", kind=imports.FACTS, label="考核事实表", access=lambda user, p: (
    access_scoring(user, p, manage=True)))


staged_import_routes(router, f"{BASE}/schemes/{{scheme_id}}/facts/import", kind=imports.FACTS, access=_scheme_place,
                     operation="scoring_scheme_facts", summaries=(
                         "上传本细则的考核事实表 xlsx（考核事实、人工评分两个工作表）并预览每条的原值 → 新值；"
                         "确认用 …/facts/import/{import_id}/commit；commit=true 时一步写入。任一行有错误则不写入"
                         "（400，errors 列出行、对象与列）",
                         "本人上传的本细则考核事实表导入：预览或结果",
                         "确认写入已预览的本细则考核事实表导入（仅上传者）；预览后数据有变化则不写入并重新预览（400）"))


@router.get(f"{BASE}/facts", response=list[ScoringFactOut], summary="考核事实列表（生态办录入的；可按考核期筛选）")
def fact_list(request: HttpRequest, program_id: int, period: str = "") -> Any:
    program = _office(request, program_id)
    rows = OfficeFact.objects.filter(program=program).prefetch_related("evidence")
    return list((rows.filter(period=period) if period else rows).order_by("period", "key", "department_id", "part"))


@router.get(f"{BASE}/manual", response=list[ScoringManualOut], summary="人工评分列表（可按考核期、细则编码筛选）")
def manual_list(request: HttpRequest, program_id: int, period: str = "", scheme_code: str = "") -> Any:
    program = _office(request, program_id)
    rows = ManualScore.objects.filter(program=program).prefetch_related("evidence")
    rows = rows.filter(period=period) if period else rows
    return list((rows.filter(scheme_code=scheme_code) if scheme_code else rows)
                .order_by("period", "scheme_code", "item", "department_id"))


def _office_entry(request: HttpRequest, program_id: int, model: type[OfficeFact | ManualScore],
                  pk: int) -> OfficeFact | ManualScore:
    return found(selectors.office_entry(_office(request, program_id), model, pk),
                 f"{model._meta.verbose_name}不存在。")


@router.get(f"{BASE}/facts/{{fact_id}}", response=ScoringFactDetailOut,
            summary="考核事实及其修订记录（每次修改一条：内容、依据、录入人、时间、上一修订；最新在前）")
def fact_get(request: HttpRequest, program_id: int, fact_id: int) -> Any:
    return _office_entry(request, program_id, OfficeFact, fact_id)


@router.get(f"{BASE}/manual/{{manual_id}}", response=ScoringManualDetailOut,
            summary="人工评分及其修订记录（每次修改一条：得分、理由、录入人、时间、上一修订；最新在前）")
def manual_get(request: HttpRequest, program_id: int, manual_id: int) -> Any:
    return _office_entry(request, program_id, ManualScore, manual_id)


@router.get(f"{BASE}/schemes/{{scheme_id}}/facts.xlsx", summary="下载考核事实表（已录入的和待填写的，可改后导入）")
def facts_xlsx(request: HttpRequest, program_id: int, scheme_id: int, period: str) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    services.check_period(item.data, period)
    data = exports.fact_sheet(selectors.office_entries(item.program, item, period))
    return xlsx_response(data, f"考核事实-{item.name}-{period}.xlsx", f"scoring-facts-{period}.xlsx")


def _office_evidence(request: HttpRequest, program_id: int, model: type[OfficeFact | ManualScore], pk: int,
                     files: list[UploadedFile]) -> OfficeFact | ManualScore:
    program = _office(request, program_id)
    entry = found(model.objects.filter(program=program, pk=pk).first(), f"{model._meta.verbose_name}不存在。")
    services.office_evidence_add(entry=entry, files=[check_upload(f, allowed=EVIDENCE_KINDS) for f in files],
                                 actor=request.user)  # type: ignore[arg-type]
    return entry


@router.post(f"{BASE}/facts/{{fact_id}}/evidence", response={201: ScoringFactOut},
             summary="上传考核事实的佐证材料（multipart：evidence 文件可多个）")
def fact_evidence(request: HttpRequest, program_id: int, fact_id: int, evidence: File[list[UploadedFile]]) -> Any:
    return Status(201, _office_evidence(request, program_id, OfficeFact, fact_id, evidence))


@router.post(f"{BASE}/manual/{{manual_id}}/evidence", response={201: ScoringManualOut},
             summary="上传人工评分的佐证材料（multipart：evidence 文件可多个）")
def manual_evidence(request: HttpRequest, program_id: int, manual_id: int, evidence: File[list[UploadedFile]]) -> Any:
    return Status(201, _office_evidence(request, program_id, ManualScore, manual_id, evidence))


@router.get(f"{BASE}/runs/{{run_id}}/export.xlsx", summary="导出评分表和排名（Excel）")
def export_xlsx(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    run = access_run(request.user, program_id, run_id)
    units = None if sees_ranking(request.user, run) else {  # type: ignore[arg-type]
        u for u in own_units(request.user, run.program) if can_see_sheet(request.user, run, u)}  # type: ignore[arg-type]
    return xlsx_response(exports.score_table(run, units), f"{run.scheme.name}-{run.period}.xlsx",
                         f"scoring-{run.period}.xlsx")


@router.get(f"{BASE}/runs/{{run_id}}/notice.docx", summary="考核结果通报草稿（Word）")
def export_notice(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    run = access_run(request.user, program_id, run_id, manage=True)
    return docx_response(exports.notice_draft(run), f"{run.period}年度考核结果通报（草稿）.docx",
                         f"scoring-notice-{run.period}.docx")
