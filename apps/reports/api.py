"""REST endpoints of the reports: list, draft (served from the stored file while the data is unchanged), status,
download. Same permissions as the page (:mod:`.access`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from apps.core.downloads import docx_response
from apps.core.errors import DomainError
from apps.programs.access import access_program

from . import schemas, services
from .access import access_report_file, access_report_target, readable_files
from .models import ReportFile

router = Router(tags=["报告"])


@router.get("/programs/{program_id}/reports", response=list[schemas.ReportFileOut])
def files(request: HttpRequest, program_id: int) -> list[ReportFile]:
    return readable_files(request.user, access_program(request.user, program_id))


@router.post("/programs/{program_id}/reports", response={200: schemas.ReportRequestOut, 202: schemas.ReportRequestOut})
def request_report(request: HttpRequest, program_id: int, body: schemas.ReportRequestIn) -> Status:
    """Draft a report: 200 with the stored file when the data has not changed, else 202 with the queued row
    (poll ``GET …/reports/{id}`` until ``ready``)."""
    target = access_report_target(request.user, program_id, body.kind, body.year, region_id=body.region_id,
                                  department_id=body.department_id, generate=True)
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
    with report.file.open("rb") as handle:
        return docx_response(handle.read(), f"{report.title}.docx", f"report-{report.id}.docx")
