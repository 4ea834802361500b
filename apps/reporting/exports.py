"""Build the bulk-entry template for the requesting unit, and the round's progress as the table offices
circulate (selector → pure renderer)."""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError
from docimport.values import STATUS_CHOICES, STATUS_WORDS
from docimport.xlsx import Column, Table, chinese_date, render_tables

from .access import parties_label, reporting_parties
from .models import ReportingRound
from .selectors import ProgressLine, approved_values, party_obligations, round_progress, round_value_states
from .sheets import TemplateRow, render_template

#: The template's word for each stored qualitative status (the import reads it back through STATUS_WORDS).
STATUS_WORD = {STATUS_WORDS[word]: word for word in STATUS_CHOICES}


def department_template(reporting_round: ReportingRound, user: User) -> tuple[bytes, str]:
    """The rows the user's unit reports in the round, prefilled with the last approved value and with what the
    round already holds (number, status, explanation, source, caliber), so that importing the downloaded
    sheet unchanged changes nothing."""
    parties = reporting_parties(user, reporting_round.program)
    if not parties:
        raise PermissionDeniedError("您没有填报任务。")
    obligations = party_obligations(reporting_round, parties, with_values=False)  # the values: as states below
    who = parties_label(parties)
    years = list(range(reporting_round.year - 5, reporting_round.year))
    approved = approved_values(reporting_round.program, [o.region.id for o in obligations],
                               [o.indicator.id for o in obligations], years)
    current = round_value_states(reporting_round)
    rows, seen = [], set()
    for o in obligations:
        if (o.region.id, o.indicator.id) in seen:
            continue
        seen.add((o.region.id, o.indicator.id))
        series = approved.get((o.region.id, o.indicator.id), {})
        last = series[max(series)] if series else None
        state = current.get((o.region.id, o.indicator.id))
        rows.append(TemplateRow(
            region_code=o.region.code, region_name=o.region.name, indicator_code=o.indicator.code,
            indicator_name=o.indicator.full_name, unit=o.indicator.unit, target=o.target,
            last_approved=f"{last.display}（{last.year}年）" if last else "",
            qualitative=o.indicator.is_qualitative_for(o.region.level),
            **({} if state is None else {
                "number": state.number, "qualitative_word": STATUS_WORD.get(state.qualitative, ""),
                "explanation": state.explanation, "source": state.source, "caliber": state.caliber}),
        ))
    title = f"{reporting_round.name}（{reporting_round.period_label}）填报表 · {who}"
    filename = f"{reporting_round.name}-{who}.xlsx"
    return render_template(title, rows), filename


#: The progress table's columns: the page's, counts then rates (one number of decimals each: none).
PROGRESS_COLUMNS = [Column("名称", 24), *(Column(header, 10, number=True, places=0) for header in (
    "应报", "已提交", "已通过", "退回", "完成率（%）", "按时率（%）", "逾期提交", "佐证齐全（%）", "缺必需佐证"))]


def _progress_cells(line: ProgressLine) -> list[object]:
    return [line.label, line.total, line.reported, line.approved, line.returned, line.completeness,
            line.on_time_rate, line.late, line.evidence_rate, line.evidence_incomplete]


def round_progress_xlsx(reporting_round: ReportingRound, user: User) -> tuple[bytes, str]:
    """The round page's progress, by reporting unit and by region, each with its 合计 row: over the rows the user
    may read, as the page (a county office: its county)."""
    progress = round_progress(reporting_round, user=user)
    title = f"{reporting_round.name}（{reporting_round.period_label}）填报进度"
    note = (f"截止 {chinese_date(reporting_round.due)}；导出日期：{chinese_date(timezone.localdate())}。"
            "完成率 = 审核通过数 / 应报数；按时率 = 截止前首次提交数 / 已提交数。")
    total = _progress_cells(progress.total)  # labelled 合计
    tables = [Table(name, title, PROGRESS_COLUMNS, [_progress_cells(line) for line in lines], note=note, total=total)
              for name, lines in (("按填报单位", progress.by_reporter), ("按区域", progress.by_region))]
    return render_tables(tables), f"{reporting_round.name}-填报进度.xlsx"
