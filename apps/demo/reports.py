"""Demo step: the drafts a real office would have — the annual report, a county's and a unit's progress report —
of the latest year with reviewed data, through the reports service (run inline, so `load_demo` leaves the files
ready), and the first answers of the veto self-check. Drafting again with unchanged data returns the stored
files, and the answers are written once: the step is idempotent."""

from __future__ import annotations

from apps.assessment.selectors import program_assessment
from apps.reports.access import access_report_target
from apps.reports.models import ReportKind, VetoEntry
from apps.reports.services import report_request, veto_entry_record

from .programs import DemoContext


def build(context: DemoContext) -> None:
    program, users = context.program, context.users
    year = program_assessment(program).default_year
    county = users["county"].duties[0].region
    unit = users["reporter"].duties[0].department
    for user, kind, scope in ((users["office"], ReportKind.ANNUAL, {}),
                              (users["county"], ReportKind.PROGRESS, {"region_id": county.id}),
                              (users["reporter"], ReportKind.PROGRESS, {"department_id": unit.id})):
        target = access_report_target(user, program.id, kind, year, generate=True, **scope)
        report_request(target=target, actor=user, backend="inline")
    if not VetoEntry.objects.filter(program=program).exists():  # the office has begun its veto self-check
        for condition, note, documents in (
                ("incident", "经市生态环境局核查，当年未发生重、特大突发环境事件。", "秦环函〔2025〕12号"),
                ("summons", "未被生态环境部约谈、挂牌督办或区域限批。", "")):
            for veto_year in (year - 1, year):
                veto_entry_record(program=program, condition=condition, year=veto_year, occurred=False, note=note,
                                  documents=documents, actor=users["office"])
