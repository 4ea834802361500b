"""REST endpoints of the reports: list, draft (served from the stored file while the data is unchanged), status,
download. Same permissions as the page (:mod:`.access`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.errors import DomainError
from apps.programs.access import access_program

from . import schemas, services
from .access import access_report_file, access_report_target, access_veto, readable_files
from .exports import report_response
from .models import ReportFile
from .selectors import default_year
from .self_assessment import VetoAnswer, veto_checklist

router = Router(tags=["报告"])


@router.get("/programs/{program_id}/reports", response=list[schemas.ReportFileOut])
def files(request: HttpRequest, program_id: int) -> list[ReportFile]:
    return readable_files(request.user, access_program(request.user, program_id))


@router.post("/programs/{program_id}/reports", response={200: schemas.ReportRequestOut, 202: schemas.ReportRequestOut})
def request_report(request: HttpRequest, program_id: int, body: schemas.ReportRequestIn) -> Status:
    """Draft a report: 200 with the stored file when the data has not changed, else 202 with the queued row
    (poll ``GET …/reports/{id}`` until ``ready``)."""
    target = access_report_target(request.user, program_id, body.kind, body.year, region_id=body.region_id,
                                  department_id=body.department_id, indicator_set=body.indicator_set, generate=True)
    report, queued = services.report_request(target=target, actor=request.user)
    report = access_report_file(request.user, program_id, report.id)  # reloaded with its job's progress
    return Status(202 if queued and not report.ready else 200, {"report": report, "queued": queued})


@router.get("/programs/{program_id}/reports/{report_id}", response=schemas.ReportFileOut)
def report_status(request: HttpRequest, program_id: int, report_id: int) -> ReportFile:
    return access_report_file(request.user, program_id, report_id)


@router.get("/programs/{program_id}/reports/{report_id}/download")
def report_download(request: HttpRequest, program_id: int, report_id: int) -> HttpResponse:
    report = access_report_file(request.user, program_id, report_id)
    if not report.ready:
        raise DomainError("报告尚未生成完成。")
    return report_response(report)


@router.get("/programs/{program_id}/veto-checklist", response=list[schemas.VetoAnswerOut],
            summary="否决事项自查：近三年每个否决事项的最新填写")
def veto_list(request: HttpRequest, program_id: int, year: int | None = None) -> list[VetoAnswer]:
    """The checklist of a year (default: last year, as the page opens)."""
    program = access_veto(request.user, program_id)
    return list(veto_checklist(program, year or default_year(program)))


@router.post("/programs/{program_id}/veto-checklist", response={201: schemas.VetoEntryOut},
             summary="填写一个否决事项某年度的有无、说明和佐证材料（每次保存新增一条记录）")
def veto_record(request: HttpRequest, program_id: int, condition: Form[str], year: Form[int], occurred: Form[bool],
                note: Form[str] = "", documents: Form[str] = "", file: File[UploadedFile] | None = None) -> Status:
    program = access_veto(request.user, program_id, manage=True)
    entry = services.veto_entry_record(program=program, condition=condition, year=year, occurred=occurred,
                                       note=note, documents=documents, upload=file, actor=request.user)
    return Status(201, entry)
