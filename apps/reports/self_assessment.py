"""The technical self-assessment report (技术自查评估报告) a city writes before it applies: facts and document.

Outline (wave2 §3.3): 一、基本情况 二、创建工作开展情况 (organisation, plan, phases, tasks, projects)
三、建设指标达标情况 (overview, then one sub-section per indicator: for the city and each county the value, the
data source and caliber, the evidence files and attained or not) 四、创建验收条件 (the gate and its blockers, the
counties' goals) 五、否决事项自查 (the office's checklist of the last three years, with evidence) 六、特色亮点
七、存在问题与整改 — the last two drafted from the data with brackets the office fills in.

The veto conditions are a data file (``data/veto_conditions.csv``, from the 2021 MEE 工作方案 and the 规程 as
collected in the project's reference notes); the office answers each condition and year on the reports page or
through the API (:class:`.models.VetoEntry`, append-only).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.assessment.dashboards import city_gate_data, region_gate_data
from apps.assessment.selectors import program_assessment
from apps.evidence.models import Evidence
from apps.programs.models import Phase, Program, Responsibility, ResponsibilityRole
from apps.reporting.models import IndicatorValue, PeriodType
from apps.review.workflow import ReviewStatus
from calc.attainment import EvaluationStatus
from calc.attainment.text import unit_label
from docgen import Document, Heading, Paragraph, Table, cn_date, cn_number
from docgen.model import Block

from .models import VetoEntry
from .selectors import ReportFacts, ReportTarget, report_facts

VETO_FILE = Path(__file__).parent / "data" / "veto_conditions.csv"
VETO_YEARS = 3
FILL_IN = "【请办公室补充：{what}】"


@dataclass(frozen=True)
class VetoCondition:
    code: str
    text: str
    source: str


@cache
def veto_conditions() -> tuple[VetoCondition, ...]:
    """The veto conditions (否决事项) of the last three years, as the data file lists them."""
    with VETO_FILE.open(encoding="utf-8") as handle:
        return tuple(VetoCondition(row["code"], row["text"], row["source"]) for row in csv.DictReader(handle))


def veto_years(year: int) -> tuple[int, ...]:
    return tuple(range(year - VETO_YEARS + 1, year + 1))


@dataclass(frozen=True)
class VetoAnswer:
    condition: VetoCondition
    year: int
    answered: bool
    occurred: bool
    note: str
    documents: str
    files: tuple[str, ...]
    entry_id: int | None
    recorded_by: str
    recorded_at: dt.datetime | None

    @property
    def label(self) -> str:
        if not self.answered:
            return "未填写"
        return "有" if self.occurred else "无"


def veto_checklist(program: Program, year: int) -> tuple[VetoAnswer, ...]:
    """Each condition × each of the three years ending in ``year``: the latest answer, with the files of every
    answer of that cell (two queries)."""
    years = veto_years(year)
    latest: dict[tuple[str, int], VetoEntry] = {}
    ids_by_cell: dict[tuple[str, int], list[int]] = {}
    for entry in VetoEntry.objects.filter(program=program, year__in=years).select_related("recorded_by").order_by("id"):
        latest[(entry.condition, entry.year)] = entry
        ids_by_cell.setdefault((entry.condition, entry.year), []).append(entry.id)
    kind = ContentType.objects.get_for_model(VetoEntry)
    names: dict[int, list[str]] = {}
    for object_id, name in Evidence.objects.filter(
            content_type=kind, object_id__in=[i for ids in ids_by_cell.values() for i in ids]).values_list(
            "object_id", "original_name"):
        names.setdefault(object_id, []).append(name)
    answers = []
    for condition in veto_conditions():
        for y in years:
            entry = latest.get((condition.code, y))
            files = tuple(n for i in ids_by_cell.get((condition.code, y), []) for n in names.get(i, []))
            answers.append(VetoAnswer(
                condition, y, entry is not None, bool(entry and entry.occurred), entry.note if entry else "",
                entry.documents if entry else "", files, entry.id if entry else None,
                str(entry.recorded_by) if entry else "", entry.recorded_at if entry else None))
    return tuple(answers)


# --- facts ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionValue:
    region: str
    value: Decimal | None
    display: str
    status_label: str
    status: str
    source: str
    caliber: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class IndicatorSection:
    code: str
    name: str
    unit: str
    binding: bool
    target: str
    lead_units: tuple[str, ...]
    regions: tuple[RegionValue, ...]  # the city first, then each county


@dataclass(frozen=True)
class SelfAssessmentFacts:
    base: ReportFacts  # the city's facts as the annual report states them (tasks, projects, counties)
    counties: int
    phases: tuple[tuple[str, dt.date, dt.date, str], ...]
    lead_units: int
    cooperating_units: int
    indicators: tuple[IndicatorSection, ...]
    not_applicable: tuple[str, ...]  # indicators that apply to no region of the program (with the reason)
    gate_label: str
    gate_explanation: str
    blockers: tuple[tuple[str, str, str], ...]  # (label, name, reason)
    counties_headline: str
    counties_blocked: tuple[str, ...]
    veto: tuple[VetoAnswer, ...]


def _approved_details(program: Program, year: int) -> tuple[dict[tuple[int, int], tuple[str, str, str]],
                                                            dict[tuple[int, int], tuple[str, ...]]]:
    """(region, indicator) → (display, source, caliber) of the year's approved value, and its evidence names."""
    values = IndicatorValue.objects.filter(program=program, year=year, period_type=PeriodType.YEAR,
                                           status=ReviewStatus.APPROVED, approved_revision__isnull=False)
    details = {(v.region_id, v.indicator_id): (v.approved_revision.display, v.approved_revision.source,
                                               v.approved_revision.caliber)
               for v in values.select_related("approved_revision")}
    kind = ContentType.objects.get_for_model(IndicatorValue)
    keys = dict(values.values_list("id", "region_id"))
    indicator_of = dict(values.values_list("id", "indicator_id"))
    evidence: dict[tuple[int, int], list[str]] = {}
    for object_id, name in Evidence.objects.filter(content_type=kind, object_id__in=values.values("id")).values_list(
            "object_id", "original_name"):
        evidence.setdefault((keys[object_id], indicator_of[object_id]), []).append(name)
    return details, {k: tuple(v) for k, v in evidence.items()}


def self_assessment_facts(target: ReportTarget, *, today: dt.date | None = None) -> SelfAssessmentFacts:
    """Everything the self-assessment report states, for the program and ``target.year``."""
    today = today or timezone.localdate()
    program, year = target.program, target.year
    base = report_facts(target, today=today)
    assessment = program_assessment(program, year=year, today=today)
    regions = [r for r in assessment.regions if r.id == program.region_id or r.path.startswith(program.region.path)]
    regions.sort(key=lambda r: (r.id != program.region_id, r.path))
    results = assessment.scalar([(r.id, i.id) for r in regions for i in assessment.indicators])
    details, evidence = _approved_details(program, year)
    leads: dict[int, list[str]] = {}
    roles = {ResponsibilityRole.LEAD: set(), ResponsibilityRole.COOPERATE: set()}
    for indicator_id, department_id, name, role in Responsibility.objects.filter(program=program).values_list(
            "indicator_id", "department_id", "department__name", "role"):
        roles.setdefault(role, set()).add(department_id)
        if role == ResponsibilityRole.LEAD:
            leads.setdefault(indicator_id, []).append(name)
    sections, not_applicable = [], []
    for indicator in assessment.indicators:
        lines = []
        for region in regions:
            evaluation, _reach = results[(region.id, indicator.id)]
            if evaluation.status == EvaluationStatus.NOT_APPLICABLE:
                continue
            display, source, caliber = details.get((region.id, indicator.id), ("", "", ""))
            lines.append(RegionValue(region.name, evaluation.value, display or cn_number(evaluation.value),
                                     evaluation.label, evaluation.status, source, caliber,
                                     evidence.get((region.id, indicator.id), ())))
        if lines:
            city = results[(program.region_id, indicator.id)][0]
            sections.append(IndicatorSection(indicator.code, indicator.full_name, unit_label(indicator.unit),
                                             bool(indicator.binding), city.target_text,
                                             tuple(leads.get(indicator.id, ())), tuple(lines)))
        else:
            reason = results[(program.region_id, indicator.id)][0].explanation.split("不适用：", 1)[-1]
            not_applicable.append(f"{indicator.full_name}{'★' if indicator.binding else ''}（{reason.rstrip('。')}）")
    sections.sort(key=lambda s: not s.binding)
    gate = region_gate_data(assessment, program.region_id)
    city_gate = city_gate_data(assessment)
    phases = tuple((p.name, p.start, p.end, p.description) for p in Phase.objects.filter(program=program))
    return SelfAssessmentFacts(
        base=base, counties=len(regions) - 1, phases=phases,
        lead_units=len(roles[ResponsibilityRole.LEAD]), cooperating_units=len(roles[ResponsibilityRole.COOPERATE]),
        indicators=tuple(sections), not_applicable=tuple(not_applicable), gate_label=gate.label, gate_explanation=gate.explanation,
        blockers=tuple((item.label, item.full_name, item.reason) for group in gate.groups for item in group.items),
        counties_headline=city_gate.headline,
        counties_blocked=tuple(f"{b.region}（{b.explanation}）" for b in city_gate.counties_blocked),
        veto=veto_checklist(program, year),
    )


# --- document ---------------------------------------------------------------------------------------------


def self_assessment_title(target: ReportTarget) -> str:
    return f"{target.program.region.name}{target.program.get_title_sought_display()}技术自查评估报告（{target.year}年度）"


def _basic(facts: SelfAssessmentFacts) -> list[Block]:
    target = facts.base.target
    program = target.program
    plan = f"《{program.plan_document.strip('《》')}》" if program.plan_document else FILL_IN.format(what="规划名称及批复文号")
    return [
        Heading(1, "基本情况"),
        Heading(2, "区域概况"),
        Paragraph(f"{program.region.name}辖{facts.counties}个县区。" + FILL_IN.format(what="自然地理、经济社会概况")),
        Heading(2, "创建历程"),
        Paragraph(f"{program.region.name}以{program.base_year}年为基准年、{program.target_year}年为目标年，"
                  f"创建{program.get_title_sought_display()}，编制实施{plan}。"
                  + FILL_IN.format(what="规划审议批复情况、省级命名等创建历程")),
    ]


def _campaign(facts: SelfAssessmentFacts) -> list[Block]:
    base = facts.base
    tasks, projects = base.tasks, base.projects
    blocks: list[Block] = [
        Heading(1, "创建工作开展情况"),
        Heading(2, "组织领导与责任体系"),
        Paragraph(f"建立指标责任清单，{facts.lead_units}个单位牵头、{facts.cooperating_units}个单位配合，"
                  f"逐项明确{len(facts.indicators)}项指标的责任单位。" + FILL_IN.format(what="领导小组、纳入实绩考核等情况")),
        Heading(2, "规划编制与分阶段实施"),
    ]
    if facts.phases:
        blocks.append(Table(("阶段", "起止时间", "主要工作"), tuple(
            (name, f"{cn_date(start)}—{cn_date(end)}", text or "—") for name, start, end, text in facts.phases),
            caption="表1 创建工作阶段安排", widths_mm=(30, 56, 70)))
    else:
        blocks.append(Paragraph(FILL_IN.format(what="创建工作阶段安排")))
    blocks.append(Heading(2, "重点任务与重点工程"))
    blocks.append(Paragraph(
        f"分解落实任务{tasks.leaves}项，已完成{tasks.completed}项、推进中{tasks.in_progress}项、未启动{tasks.not_started}项；"
        f"纳入清单的重点项目{projects.count}个，已建成{projects.finished}个。"))
    return blocks


def _region_row(line: RegionValue) -> tuple[str, ...]:
    source = "；".join(part for part in (line.source, line.caliber) if part) or "—"
    return (line.region, line.display or "—", line.status_label, source, "、".join(line.evidence) or "无")


def _indicators(facts: SelfAssessmentFacts) -> list[Block]:
    year = facts.base.target.year
    counts = {s: sum(1 for i in facts.indicators if i.regions[0].status == s) for s in EvaluationStatus}
    blocks: list[Block] = [
        Heading(1, "建设指标达标情况"),
        Heading(2, "总体情况"),
        Paragraph(f"{year}年适用指标{len(facts.indicators)}项（约束性{sum(1 for i in facts.indicators if i.binding)}项），"
                  f"全市达标{counts[EvaluationStatus.ATTAINED]}项、未达标{counts[EvaluationStatus.NOT_ATTAINED]}项、"
                  f"暂无经审核数据{counts[EvaluationStatus.NO_DATA]}项。各指标逐项情况如下（★为约束性指标）。"),
        *([Paragraph("；".join(facts.not_applicable) + "。", lead=f"不适用指标{len(facts.not_applicable)}项：")]
          if facts.not_applicable else []),
        Heading(2, "逐项指标达标情况"),
    ]
    for number, section in enumerate(facts.indicators, 2):
        name = section.name + ("★" if section.binding else "")
        blocks.append(Heading(3, name))
        units = "、".join(section.lead_units) or "未明确"
        unit = f"单位：{section.unit}；" if section.unit and section.unit != "—" else ""
        blocks.append(Paragraph(f"目标：{section.target}；{unit}牵头单位：{units}。"))
        blocks.append(Table(
            ("区域", f"{year}年数值", "达标情况", "数据来源及统计口径", "佐证材料"),
            tuple(_region_row(line) for line in section.regions),
            caption=f"表{number} {section.name}", numeric=frozenset({1}), widths_mm=(24, 25, 21, 43, 43)))
    return blocks


def _gate(facts: SelfAssessmentFacts) -> list[Block]:
    blocks: list[Block] = [Heading(1, "创建验收条件"),
                           Paragraph(f"{facts.gate_label}：{facts.gate_explanation}")]
    if facts.blockers:
        blocks.append(Paragraph(f"尚未满足条件的约束性指标{len(facts.blockers)}项："))
        blocks += [Paragraph(reason or label, lead=f"{name}（{label}）：") for label, name, reason in facts.blockers]
    blocks.append(Paragraph(f"所辖县区：{facts.counties_headline}。"))
    if facts.counties_blocked:
        blocks.append(Paragraph("；".join(facts.counties_blocked) + "。", lead="到期未达标的县区："))
    return blocks


def _veto(facts: SelfAssessmentFacts) -> list[Block]:
    years = sorted({a.year for a in facts.veto})
    blocks: list[Block] = [Heading(1, "否决事项自查"), Paragraph(
        f"对照创建规程，逐项自查{years[0]}—{years[-1]}年是否存在下列否决情形（生态办填写，附佐证材料）。")]
    rows = []
    for a in facts.veto:
        evidence = "、".join(filter(None, (a.documents, *a.files))) or "—"
        rows.append((a.condition.text, f"{a.year}年", a.label, a.note or "—", evidence))
    blocks.append(Table(("否决事项", "年度", "有无", "说明", "佐证材料"), tuple(rows), caption=f"表{len(facts.indicators) + 2} 否决事项自查表",
                        widths_mm=(52, 18, 18, 32, 36)))
    occurred = [a for a in facts.veto if a.occurred]
    missing = [a for a in facts.veto if not a.answered]
    if occurred:
        blocks.append(Paragraph("、".join(f"{a.year}年{a.condition.text}" for a in occurred) + "。",
                                lead="存在否决情形："))
    if missing:
        blocks.append(Paragraph(f"尚有{len(missing)}项未填写，请在“报告”页的否决事项自查中补充。"))
    return blocks


def _practices_and_problems(facts: SelfAssessmentFacts) -> list[Block]:
    base = facts.base
    done = [line.title for line in base.tasks.top if line.percent >= 100]
    blocks: list[Block] = [Heading(1, "特色亮点与示范模式")]
    if done:
        blocks.append(Paragraph(f"已全面完成的重点任务：{'、'.join(done)}。" + FILL_IN.format(what="特色做法和典型案例")))
    else:
        blocks.append(Paragraph(FILL_IN.format(what="特色做法和典型案例")))
    blocks.append(Heading(1, "存在问题与整改措施"))
    spots = [*base.gaps, *(p for p in base.paces if p.name not in {g.name for g in base.gaps})]
    for spot in spots:
        blocks.append(Heading(2, f"{spot.name}{spot.label}"))
        blocks.append(Paragraph(spot.sentence.rstrip("。") + "。" + FILL_IN.format(what="原因分析、整改措施和时限")))
    if base.binding_without_data:
        blocks.append(Heading(2, "部分约束性指标尚无经审核数据"))
        blocks.append(Paragraph("、".join(base.binding_without_data) + "尚无经审核数据。"
                                + FILL_IN.format(what="数据报送和审核安排")))
    if not spots and not base.binding_without_data:
        blocks.append(Paragraph(FILL_IN.format(what="存在的问题和整改措施")))
    return blocks


def self_assessment_document(facts: SelfAssessmentFacts) -> Document:
    target = facts.base.target
    blocks = [*_basic(facts), *_campaign(facts), *_indicators(facts), *_gate(facts), *_veto(facts),
              *_practices_and_problems(facts)]
    return Document(
        title=self_assessment_title(target), subtitle="（初稿）", blocks=tuple(blocks),
        signature=f"{target.program.region.name}生态文明建设示范区创建工作领导小组办公室", date=facts.base.today,
        notes=(f"数据说明：指标数值为截至{cn_date(facts.base.today)}经审核的数据；★为约束性指标；"
               "否决事项由生态办自查填写。",))
