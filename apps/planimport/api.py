"""The plan import's API: upload a document, read its preview, correct it, see its matches, commit it.

Every operation asks the program's office duty first (``access_plan_program`` / ``access_plan_import``): a program
the user may not manage is a 403 (another city's too), an unknown program or someone else's import a 404.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from apps.core.uploads import check_upload
from apps.staging.services import (
    SMALL_INLINE,
    staged_import_authorize,
    staged_import_commit,
    staged_import_recover,
)

from .access import access_plan_import, access_plan_program
from .draft import Correction, correction_kind
from .schemas import CorrectionIn, MatchesOut, PlanImportOut
from .selectors import PlanImportState, plan_import_state
from .services import FORMATS, KIND, plan_correct, plan_upload

router = Router(tags=["规划文件导入"])


@router.post("/programs/{program_id}/plan-imports", response={202: PlanImportOut}, operation_id="plan_import_upload",
             summary="上传规划文件（.docx/.pdf/.txt/.html）并在后台读取；轮询 GET …/plan-imports/{import_id} 查看预览")
def upload(request: HttpRequest, program_id: int, file: File[UploadedFile]) -> Status:
    program = access_plan_program(request.user, program_id)
    staged_import_authorize(kind=KIND, actor=request.user, program=program)  # before the file is read
    staged = plan_upload(program=program, actor=request.user, checked=check_upload(file, allowed=set(FORMATS)))
    staged.refresh_from_db()
    return Status(202, plan_import_state(program=program, staged=staged))


@router.get("/programs/{program_id}/plan-imports/{import_id}", response=PlanImportOut, operation_id="plan_import_get",
            summary="规划文件导入：读取进度，或预览（文本、任务、目标、阶段、项目汇总、单位与指标匹配、原值 → 新值）")
def get(request: HttpRequest, program_id: int, import_id: int) -> PlanImportState:
    program, staged = access_plan_import(request.user, program_id, import_id)
    return plan_import_state(program=program, staged=staged_import_recover(staged=staged))


@router.post("/programs/{program_id}/plan-imports/{import_id}/corrections", response=PlanImportOut,
             operation_id="plan_import_correct", summary="更正预览中的一项（改名、改单位、单位对应、合并、拆分、删除、改指标）")
def correct(request: HttpRequest, program_id: int, import_id: int, payload: CorrectionIn) -> PlanImportState:
    program, staged = access_plan_import(request.user, program_id, import_id)
    correction = Correction(
        kind=correction_kind(payload.kind),
        key=payload.key, title=payload.title, lead=tuple(payload.lead), cooperating=tuple(payload.cooperating),
        unit=payload.unit, action=payload.action, department_id=payload.department_id, other=payload.other,
        titles=tuple(payload.titles), dropped=payload.dropped, indicator_id=payload.indicator_id)
    staged = plan_correct(staged=staged, actor=request.user, correction=correction, version=payload.version)
    return plan_import_state(program=program, staged=staged)


@router.get("/programs/{program_id}/plan-imports/{import_id}/matches", response=MatchesOut,
            operation_id="plan_import_matches", summary="单位名称与目标表述的匹配结果（置信度与理由）")
def matches(request: HttpRequest, program_id: int, import_id: int) -> MatchesOut:
    program, staged = access_plan_import(request.user, program_id, import_id)
    preview = plan_import_state(program=program, staged=staged).preview
    units = [{"name": u.name, "matched": u.department_name, "id": u.department_id, "confidence": u.confidence,
              "reason": u.reason} for u in (preview.units if preview else ())]
    indicators = [{"name": t.phrase, "matched": t.indicator_name, "id": t.indicator_id, "confidence": t.confidence,
                   "reason": t.reason} for t in (preview.targets if preview else ())]
    return MatchesOut(units=units, indicators=indicators)


@router.post("/programs/{program_id}/plan-imports/{import_id}/commit", response=PlanImportOut,
             operation_id="plan_import_commit",
             summary="确认写入（全部或全不）：责任清单、任务、地方目标、阶段与项目汇总；预览后数据有变化则不写入并重新预览（400）")
def commit(request: HttpRequest, program_id: int, import_id: int) -> PlanImportState:
    program, staged = access_plan_import(request.user, program_id, import_id)
    staged = staged_import_commit(staged=staged, actor=request.user, backend=SMALL_INLINE)
    return plan_import_state(program=program, staged=staged)
