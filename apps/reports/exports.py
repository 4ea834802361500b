"""Report facts → a 公文-style Word document (:mod:`docgen`): the annual report (年度工作报告) of a program and
the progress report (进展报告) of a county or a lead unit, drafted for the office to edit and send.

The outline follows the reports offices write (``docs/reports.md``): overview, indicator attainment (binding
first), reachability and weak spots in the dashboards' sentences, tasks and milestones, projects, supervision,
then problems and next year's plan as headings drafted from the weak spots, for the office to fill in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from django.http import FileResponse, HttpResponse

from apps.core.downloads import as_attachment, docx_response
from docgen import (
    Attachment,
    Chart,
    Document,
    Heading,
    Paragraph,
    Table,
    cn_amount,
    cn_change,
    cn_date,
    cn_number,
    cn_percent,
)
from docgen.model import Block
from docgen.numbers import wan_to_yi
from docgen.render import render_docx

from .models import ReportFile, ReportKind
from .selectors import IndicatorLine, ReportFacts, ReportTarget, Sentence

#: Where the office writes: shown in brackets, easy to find and replace.
FILL_IN = "【请办公室补充：{what}】"

TASK_STATUS = {"completed": "已完成", "in_progress": "推进中", "not_started": "未启动"}


def report_title(target: ReportTarget) -> str:
    sought = target.program.get_title_sought_display()
    if target.kind == ReportKind.ANNUAL:
        return f"{target.program.region.name}{target.year}年度{sought}创建工作报告"
    return f"{target.scope_name}{target.year}年度{sought}创建工作进展报告"


def _share(part: int | Decimal, whole: int | Decimal) -> str:
    return cn_percent(Decimal(part) * 100 / Decimal(whole)) if whole else "—"


def _yi(amount_wan: Decimal) -> str:
    return cn_number(wan_to_yi(amount_wan))


# --- sections ---------------------------------------------------------------------------------------------


def _overview(facts: ReportFacts) -> list[Block]:
    target = facts.target
    program = target.program
    counts = facts.counts
    binding = [line for line in facts.indicators if line.binding]
    blocks: list[Block] = [Heading(1, "基本情况与总体进展")]
    plan = f"按照《{program.plan_document.strip('《》')}》部署，" if program.plan_document else ""
    blocks.append(Paragraph(
        f"{plan}{target.scope_name}以{program.target_year}年创建{program.get_title_sought_display()}为目标，"
        f"以{program.base_year}年为基准年推进创建工作。现将{target.year}年度工作情况报告如下。"))
    attained = counts.get("attained", 0)
    text = (f"{target.year}年纳入评估的指标{len(facts.indicators)}项（其中约束性指标{len(binding)}项），"
            f"达标{attained}项、未达标{counts.get('not_attained', 0)}项、暂无经审核数据{counts.get('no_data', 0)}项，"
            f"达标率{_share(attained, len(facts.indicators))}。")
    if facts.gate_headline:
        text += f"创建验收条件：{facts.gate_headline}。"
    blocks.append(Paragraph(text))
    if facts.regions:
        passed = sum(1 for r in facts.regions if r.passed)
        blocks.append(Paragraph(f"所辖{len(facts.regions)}个县区中，{passed}个约束性指标全部达标。"))
        blocks.append(Table(
            ("县区", "约束性指标达标", "未达标", "无数据", "约束性指标全部达标"),
            tuple((r.name, f"{r.binding_attained}/{r.binding_applicable}", str(r.not_attained), str(r.no_data),
                   "是" if r.passed else "否") for r in facts.regions),
            caption=f"表1 各县区{target.year}年指标达标情况", numeric=frozenset({1, 2, 3}),
            widths_mm=(40, 32, 24, 24, 36)))
    return blocks


def _indicator_row(index: int, line: IndicatorLine) -> tuple[str, ...]:
    name = f"{line.name}（{line.unit}）" if line.unit else line.name
    if line.binding:
        name += "★"
    change = cn_change(line.change) if line.change is not None else "—"
    return (str(index), name, line.target, cn_number(line.value), change, line.status_label, line.reach_label or "—")


def _sentence_paragraph(sentence: Sentence) -> Paragraph:
    text = sentence.sentence.rstrip("。") + "。"
    if sentence.details:
        text += "；".join(sentence.details) + "。"
    return Paragraph(text, lead=f"{sentence.name}（{sentence.label}）：")


def _attainment(facts: ReportFacts, table_number: int) -> list[Block]:
    year = facts.target.year
    blocks: list[Block] = [Heading(1, "指标完成情况"), Heading(2, "指标达标情况")]
    if not facts.indicators:
        blocks.append(Paragraph("本范围暂无纳入评估的指标。"))
    else:
        blocks.append(Paragraph(f"{year}年各项指标的目标、经审核数值、较上年变化和达标情况见表{table_number}"
                                "（约束性指标在前，以★标注）。"))
        blocks.append(Table(
            ("序号", "指标", "目标", f"{year}年", "较上年", "达标情况", "按期达标研判"),
            tuple(_indicator_row(i, line) for i, line in enumerate(facts.indicators, 1)),
            caption=f"表{table_number} {year}年指标完成情况", numeric=frozenset({0, 3, 4}),
            widths_mm=(11, 47, 30, 18, 16, 15, 19)))
    blocks.append(Heading(2, "可达性研判与薄弱环节"))
    missing = facts.binding_without_data
    if missing:
        blocks.append(Paragraph(f"约束性指标中有{len(missing)}项尚无{year}年经审核数据：{'、'.join(missing)}。"
                                "请督促责任单位尽快报送并完成审核。"))
    if not facts.gaps and not facts.paces and not missing:
        blocks.append(Paragraph("各项指标均已达标或可按期达标，暂无需重点关注的薄弱环节。"))
    if facts.gaps:
        blocks.append(Paragraph(f"未达标指标{len(facts.gaps)}项（约束性在前，按差距由大到小）："))
        blocks += [_sentence_paragraph(s) for s in facts.gaps]
    if facts.paces:
        blocks.append(Paragraph(f"按现有进度难以按期达标或需加快的指标{len(facts.paces)}项："))
        blocks += [_sentence_paragraph(s) for s in facts.paces]
    return blocks


Section = Callable[[ReportFacts, int], list[Block]]


def _section(title: str, nothing: Callable[[ReportFacts], str]) -> Callable[[Section], Section]:
    """A section of the report: its heading, then its blocks (numbering its tables from the number given), or
    the one sentence ``nothing(facts)`` when there is nothing to report."""

    def decorate(build: Section) -> Section:
        @functools.wraps(build)
        def section(facts: ReportFacts, table_number: int) -> list[Block]:
            empty = nothing(facts)
            return [Heading(1, title), *([Paragraph(empty)] if empty else build(facts, table_number))]

        return section

    return decorate


@_section("重点任务和节点推进情况", lambda facts: "" if facts.tasks.leaves else "本范围暂无分解落实的任务。")
def _tasks(facts: ReportFacts, table_number: int) -> list[Block]:
    tasks = facts.tasks
    blocks: list[Block] = [Paragraph(
        f"共承担任务{tasks.leaves}项，已完成{tasks.completed}项、推进中{tasks.in_progress}项、"
        f"未启动{tasks.not_started}项，完成率{_share(tasks.completed, tasks.leaves)}；逾期未完成{tasks.overdue}项。")]
    if tasks.milestones_due:
        blocks.append(Paragraph(
            f"{facts.target.year}年应完成的任务节点{tasks.milestones_due}个，按期完成{tasks.milestones_done_on_time}个、"
            f"逾期完成{tasks.milestones_done_late}个、逾期未完成{tasks.milestones_open_overdue}个。"))
    for due, title in tasks.program_milestones:
        blocks.append(Paragraph(f"{cn_date(due)}：{title}。", lead="创建节点："))
    blocks.append(Table(
        ("序号", "任务", "完成进度", "状态"),
        tuple((line.number or str(i), line.title + ("（逾期）" if line.overdue else ""), f"{line.percent}%",
               TASK_STATUS.get(line.status, line.status)) for i, line in enumerate(tasks.top, 1)),
        caption=f"表{table_number} 重点任务推进情况", numeric=frozenset({2}), widths_mm=(22, 90, 22, 22)))
    return blocks


@_section("重点项目建设情况", lambda facts: "" if facts.projects.count else "本范围暂无纳入清单的重点项目。")
def _projects(facts: ReportFacts, table_number: int) -> list[Block]:
    projects = facts.projects
    year = facts.target.year
    blocks: list[Block] = [Paragraph(
        f"共{projects.count}个项目、总投资{cn_amount(projects.total)}，已建成{projects.finished}个。"
        f"{year}年计划投资{cn_amount(projects.planned)}，完成投资{cn_amount(projects.completed)}"
        f"（{_share(projects.completed, projects.planned)}）；累计完成投资{cn_amount(projects.completed_to_date)}，"
        f"占总投资的{_share(projects.completed_to_date, projects.total)}。")]
    lines = projects.by_category
    blocks.append(Table(
        ("项目类别", "项目数", "总投资", f"{year}年计划", f"{year}年完成", "年度完成率"),
        tuple((c.name, str(c.count), _yi(c.total), _yi(c.planned), _yi(c.completed), _share(c.completed, c.planned))
              for c in lines) + (("合计", str(projects.count), _yi(projects.total), _yi(projects.planned),
                                  _yi(projects.completed), _share(projects.completed, projects.planned)),),
        caption=f"表{table_number} 重点项目投资完成情况", numeric=frozenset({1, 2, 3, 4, 5}),
        widths_mm=(36, 18, 26, 26, 26, 24), note="注：金额单位为亿元。"))
    if lines:
        blocks.append(Chart(
            "", tuple(c.name for c in lines),
            (("计划投资", tuple(float(wan_to_yi(c.planned)) for c in lines)),
             ("完成投资", tuple(float(wan_to_yi(c.completed)) for c in lines))),
            unit="亿元", caption=f"图1 {year}年各类项目计划与完成投资"))
    return blocks


@_section("督查督办情况", lambda facts: "" if facts.notices.issued else f"{facts.target.year}年未下发督办通知。")
def _supervision(facts: ReportFacts, table_number: int) -> list[Block]:
    notices = facts.notices
    year = facts.target.year
    levels = "、".join(f"{line.level}{line.issued}件" for line in notices.lines if line.issued)
    return [Paragraph(
        f"{year}年共下发督办通知{notices.issued}件（{levels}），已办结{notices.closed}件，其中按期办结"
        f"{notices.closed_on_time}件，办结率{_share(notices.closed, notices.issued)}，按期办结率"
        f"{_share(notices.closed_on_time, notices.issued)}。"), Table(
        ("督办等级", "下发", "已办结", "按期办结", "未办结"),
        tuple((line.level, str(line.issued), str(line.closed), str(line.closed_on_time), str(line.open))
              for line in notices.lines),
        caption=f"表{table_number} 督办通知办理情况", numeric=frozenset({1, 2, 3, 4}))]


def _scores(facts: ReportFacts, table_number: int) -> list[Block]:
    """The year's assessment results (apps.scoring): per scheme and group, the ranking with grades."""
    blocks: list[Block] = [Heading(1, "考核评价情况")]
    for table in facts.scores:
        grades = "、".join(f"{grade or '未定等次'}{count}个" for grade, count in table.grades)
        blocks.append(Paragraph(f"按照《{table.scheme}》，{facts.target.year}年度考核结果{table.status}，"
                                f"共考核{len(table.lines)}个{table.group}，{grades}。", lead=f"{table.group}："))
        blocks.append(Table(
            ("名次", "单位", "总分", "等次", "较上年"),
            tuple((str(line.rank) if line.rank is not None else "—", line.name + ("（一票否决）" if line.vetoed else ""),
                   cn_number(line.total), line.grade or "—", cn_change(line.change) if line.change is not None else "—")
                  for line in table.lines),
            caption=f"表{table_number} {facts.target.year}年度{table.group}考核结果", numeric=frozenset({0, 2, 4}),
            widths_mm=(16, 64, 24, 24, 28)))
        table_number += 1
    return blocks


def _problems_and_plan(facts: ReportFacts) -> list[Block]:
    """Headings drafted from the weak spots, each with a bracket for the office to fill in."""
    next_year = facts.target.year + 1
    blocks: list[Block] = [Heading(1, "存在问题")]
    spots = [*facts.gaps, *(p for p in facts.paces if p.name not in {g.name for g in facts.gaps})]
    for spot in spots:
        blocks.append(Heading(2, f"{spot.name}{spot.label}"))
        blocks.append(Paragraph(spot.sentence.rstrip("。") + "。" + FILL_IN.format(what="原因分析")))
    missing = facts.binding_without_data
    if missing:
        blocks.append(Heading(2, "部分约束性指标尚无经审核数据"))
        blocks.append(Paragraph(f"{'、'.join(missing)}等{len(missing)}项约束性指标尚无{facts.target.year}年经审核数据，"
                                "无法判定是否达标。" + FILL_IN.format(what="数据报送和审核中的问题")))
    if facts.tasks.overdue:
        blocks.append(Heading(2, "部分任务推进滞后"))
        blocks.append(Paragraph(f"有{facts.tasks.overdue}项任务逾期未完成。" + FILL_IN.format(what="滞后原因")))
    if not spots and not facts.tasks.overdue and not missing:
        blocks.append(Paragraph(FILL_IN.format(what="存在的问题")))
    blocks.append(Heading(1, f"{next_year}年工作计划"))
    for spot in spots:
        blocks.append(Heading(2, f"推动{spot.name}达标"))
        blocks.append(Paragraph(FILL_IN.format(what="具体措施、责任单位和完成时限")))
    if missing:
        blocks.append(Heading(2, "完善指标数据报送和审核"))
        blocks.append(Paragraph(FILL_IN.format(what="数据报送责任、时限和审核安排")))
    blocks.append(Heading(2, "持续巩固创建成效"))
    blocks.append(Paragraph(FILL_IN.format(what="其他重点工作")))
    return blocks


# --- the document -----------------------------------------------------------------------------------------


def _body(facts: ReportFacts, *, charts: bool = True) -> list[Block]:
    """The report's sections; an attachment leaves out the charts (its tables state the same numbers, and a
    city's report with twenty attachments would spend most of its time drawing them)."""
    blocks: list[Block] = _overview(facts)
    table = 2 if facts.regions else 1
    blocks += _attainment(facts, table)
    blocks += _tasks(facts, table + 1)
    blocks += _projects(facts, table + 2)
    blocks += _supervision(facts, table + 3)
    if facts.scores:
        blocks += _scores(facts, table + 4)
    blocks += _problems_and_plan(facts)
    return blocks if charts else [b for b in blocks if not isinstance(b, Chart)]


def report_document(facts: ReportFacts, attachments: tuple[ReportFacts, ...] = ()) -> Document:
    """The report; ``attachments``: the progress reports attached to the annual report (附件), each on its own."""
    target = facts.target
    blocks = _body(facts)
    signature = (target.department.name if target.department is not None
                 else f"{target.focus.name}生态文明建设示范区创建工作领导小组办公室")
    return Document(
        title=report_title(target), subtitle="（初稿）", blocks=tuple(blocks), signature=signature,
        attachments=tuple(Attachment(report_title(a.target), tuple(_body(a, charts=False))) for a in attachments),
        date=facts.today,
        notes=(f"数据说明：指标数值为截至{cn_date(facts.today)}经审核的数据；★为约束性指标；"
               "较上年为本年数值减上年数值；按期达标研判依据历年经审核数据的变化速度。",),
    )


def report_docx(facts: ReportFacts, attachments: tuple[ReportFacts, ...] = ()) -> bytes:
    return render_docx(report_document(facts, attachments))


def report_response(report: ReportFile) -> HttpResponse:
    """The stored file as a download (a zip streamed from storage, never read whole into memory)."""
    if report.is_zip:
        return as_attachment(FileResponse(report.file.open("rb"), content_type="application/zip"), report.filename,
                             f"report-{report.id}.zip")
    with report.file.open("rb") as handle:
        return docx_response(handle.read(), report.filename, f"report-{report.id}.docx")
