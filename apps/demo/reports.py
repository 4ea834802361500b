"""Demo step: the drafts a real office would have — the annual report, a county's and a unit's progress report —
of the latest year with reviewed data, through the reports service (run inline, so `load_demo` leaves the files
ready). Drafting again with unchanged data returns the stored files: the step is idempotent."""

from __future__ import annotations

from apps.assessment.selectors import program_assessment
from apps.reports.access import access_report_target
from apps.reports.models import ReportKind
from apps.reports.services import report_request

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
