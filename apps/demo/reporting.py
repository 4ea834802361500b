"""Demo data of reporting, built after the program (see apps/demo/management/commands/load_demo.py).

Annual rounds 2023–2025 for 秦川市 and its counties, entered and reviewed through the real services so the
histories are genuine:

* 2023 (the base year) and 2024 are fully reviewed: nearly every applicable region × indicator has an approved
  value or qualitative status; a few 2024 figures are genuinely missing (统计数据尚未发布), a few were returned
  once and corrected before approval.
* 2025 is partly reviewed: approved, submitted, returned with a comment, drafts, late submissions, evidence.
* Indicators computed from monitoring data (``apps/monitoring/data/measures.toml``) are not typed in here: the
  monitoring demo imports them and the office approves them.

The story: most indicators are attained in 2024; 青峰县 is clearly ahead; 河湾区 (national title in 2025) lags
with several binding weak spots; elsewhere a credible set of weak spots, some on track to close the gap by the
region's deadline, some needing to speed up, a few unlikely to make it. Numbers entered against the province's
yearly numbers are designed with ``apps.demo.programs.province_numbers``, the rule the office's entries follow.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from collections import defaultdict
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.models import User
from apps.assessment.selectors import program_goals, region_deadlines
from apps.demo.monitoring import monitored_codes
from apps.demo.programs import DemoContext, province_numbers, quantum
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import Responsibility, ResponsibilityRole
from apps.programs.selectors import program_indicators, program_regions, resolve_targets
from apps.reporting.models import IndicatorValue, QualitativeStatus, ReportingRound, ValueRevision
from apps.reporting.services import (
    ValueInput,
    evidence_upload,
    indicator_value_save,
    indicator_value_transition,
    reporting_round_create,
    reporting_round_transition,
)
from apps.reporting.validation import PERCENT_UNITS
from apps.review.models import ReviewEvent
from apps.review.workflow import ReviewAction
from calc.targets import Assigned, Target, Threshold, Trend, walk

ROUNDS = [(2023, dt.date(2024, 1, 31)), (2024, dt.date(2025, 1, 31)), (2025, dt.date(2026, 1, 31))]
YEARS = (2023, 2024, 2025)
#: Share of weak spots (not attained in 2024) per region code: 青峰县 ahead, 河湾区 lagging.
WEAK_SHARE = {"629800": 0.12, "629802": 0.4, "629803": 0.15, "629821": 0.02, "629822": 0.12, "629823": 0.2,
              "629824": 0.1}
#: Plausible base-year ranges of indicators without a plain threshold (trend or province-assigned targets).
TYPICAL = {"2019-08c": (78, 92), "2019-12c": (90, 99), "2019-19": (85, 96), "2019-20": (0.45, 0.85),
           "2019-21": (35, 70), "2019-23": (1.2, 2.4), "2019-24": (80, 94), "2019-32": (70, 90),
           "2019-36c": (8, 15)}
#: How a weak spot's pace compares with the pace its deadline needs: on track, must speed up, unlikely.
PACES = {"on_track": (1.15, 1.8), "accelerate": (0.65, 0.93), "off_track": (-0.3, 0.4)}
#: Why a demo value is submitted without its required evidence (the demo attaches files to a few drafts only).
EVIDENCE_REASONS = [
    "统计公报纸质件已报送生态办，电子版待统计局正式发布后补传。",
    "佐证材料已随年度工作总结报送，系统内后补。",
    "部门统计报表尚在审定，先报数值，材料随后补充。",
]

RETURN_COMMENTS = [
    "数值与上年相同，请核实是否误填了上年数据。",
    "与统计公报数据不一致，请核对后重新提交。",
    "统计口径与指标解释不符，请按全域口径重新核算。",
]


def tiny_pdf(title: str) -> bytes:
    text = title.encode("ascii", "replace")
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n% " + text + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x2e\x8b\x57" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _clip(number: float, unit: str, reference: float) -> Decimal:
    if unit.strip() in PERCENT_UNITS:
        number = min(100.0, max(0.0, number))
    else:
        number = max(abs(reference) * 0.05, number)
    return Decimal(str(number)).quantize(quantum(reference))


def _threshold_series(rng: random.Random, threshold: Threshold, direction: str, *, weak: bool, pace: str,
                      years_left: int) -> tuple[float, float, float]:
    """2023–2025 values against a plain threshold: attained in 2024 with a margin, or short of it by a
    small-to-medium gap with a pace that closes it by the deadline (or not)."""
    bound = float(threshold.value)
    higher = threshold.op in (">=", ">") or (threshold.op == "=" and direction == "higher")
    sign = 1 if higher else -1
    size = abs(bound) or 1.0
    if not weak:
        if threshold.op == "=":
            return (bound if rng.random() < 0.7 else bound - sign * rng.uniform(0.5, 3)), bound, bound
        v2024 = bound + sign * size * rng.uniform(0.01, 0.08)
        return v2024 - sign * size * rng.uniform(0.0, 0.05), v2024, v2024 + sign * size * rng.uniform(0, 0.02)
    gap = rng.uniform(1.0, 6.0) if threshold.op == "=" else size * rng.uniform(0.02, 0.10)
    v2024 = bound - sign * gap
    rate = gap / years_left * rng.uniform(*PACES[pace])
    return v2024 - sign * rate, v2024, v2024 + sign * max(rate, 0) * rng.uniform(0.8, 1.4)


def _trend_series(rng: random.Random, base: float, direction: str, *, weak: bool) -> tuple[float, float, float]:
    """Against the base year: better (passes 不降低/逐步下降) or a little worse (fails)."""
    sign = (1 if direction == "higher" else -1) * (-1 if weak else 1)
    v2024 = base * (1 + sign * rng.uniform(0.005, 0.03))
    return base, v2024, v2024 * (1 + (1 if direction == "higher" else -1) * rng.uniform(0.0, 0.02))


def _assigned_series(rng: random.Random, code: str, base: Decimal, direction: str, unit: str, *, weak: bool,
                     pace: str) -> tuple[float, float, float]:
    """Against the province's number for 2024: beyond it, or improving but short of it, or slipping back."""
    numbers = province_numbers(code, base, direction=direction, unit=unit)
    sign = 1 if direction == "higher" else -1
    need = abs(float(numbers[2024]) - float(base)) or abs(float(base)) * 0.01
    if not weak:
        v2024 = float(base) + sign * need * rng.uniform(1.15, 1.8)
    elif pace == "off_track":
        v2024 = float(base) - sign * abs(float(base)) * rng.uniform(0.003, 0.02)
    else:
        v2024 = float(base) + sign * need * rng.uniform(0.2, 0.8)
    return float(base), v2024, v2024 + sign * need * rng.uniform(0.6, 1.3)


def _plan(rng: random.Random, region: Region, indicator: Indicator, target: Target,
          deadline: int) -> list[tuple[int, Decimal | None, str]]:
    """[(year, number, status)] to enter for one region × indicator, or [] when nothing is reported."""
    weak = rng.random() < WEAK_SHARE.get(region.code, 0.12)
    pace = rng.choices(list(PACES), weights=[4, 3, 2])[0]
    if indicator.is_qualitative_for(region.level):
        achieved, progress = QualitativeStatus.ACHIEVED.value, QualitativeStatus.IN_PROGRESS.value
        s2024 = progress if weak else achieved
        s2023 = achieved if s2024 == achieved and rng.random() < 0.65 else progress
        s2025 = achieved if s2024 == achieved or rng.random() < 0.5 else progress
        return [(2023, None, s2023), (2024, None, s2024), (2025, None, s2025)]
    nodes = list(walk(target))
    threshold = next((n for n in nodes if isinstance(n, Threshold)), None)
    if any(isinstance(n, Assigned) for n in nodes):
        low, high = TYPICAL.get(indicator.code, (60, 90))
        base = Decimal(str(rng.uniform(low, high))).quantize(quantum(low))
        series = _assigned_series(rng, indicator.code, base, indicator.direction, indicator.unit, weak=weak, pace=pace)
        reference = low
    elif threshold is not None:
        series = _threshold_series(rng, threshold, indicator.direction, weak=weak, pace=pace,
                                   years_left=max(1, deadline - 2024))
        reference = float(threshold.value) or 1.0
    elif any(isinstance(n, Trend) for n in nodes):
        low, high = TYPICAL.get(indicator.code, (50, 90))
        series = _trend_series(rng, rng.uniform(low, high), indicator.direction, weak=weak)
        reference = low
    else:
        return []
    numbers = [_clip(v, indicator.unit, reference) for v in series]
    return [(year, number, "") for year, number in zip(YEARS, numbers, strict=True)]


def _retime(value_ids: dict[int, tuple[dt.date, bool]], rng: random.Random) -> None:
    """Give each demo value's history the dates a real round has: saved and submitted around the due date
    (after it when late), reviewed a few days later. Order and content are the services' own."""
    steps: dict[int, list[tuple[dt.datetime, str, object]]] = defaultdict(list)
    for revision in ValueRevision.objects.filter(value_id__in=value_ids):
        steps[revision.value_id].append((revision.at, "revision", revision))
    for event in ReviewEvent.objects.filter(content_type__model="indicatorvalue", object_id__in=value_ids):
        steps[event.object_id].append((event.at, event.action, event))
    revisions, events, values = [], [], []
    for value_id, (due, late) in value_ids.items():
        start = due + dt.timedelta(days=rng.randint(1, 9) if late else -rng.randint(3, 28))
        at = timezone.make_aware(dt.datetime.combine(start, dt.time(9)) + dt.timedelta(minutes=rng.randint(0, 480)))
        submitted = approved = None
        for _, kind, row in sorted(steps[value_id], key=lambda step: step[0]):
            if kind in (ReviewAction.APPROVE, ReviewAction.RETURN):
                at += dt.timedelta(days=rng.randint(2, 9), minutes=rng.randint(0, 300))
            else:
                at += dt.timedelta(minutes=rng.randint(5, 90))
            row.at = at
            (revisions if kind == "revision" else events).append(row)
            if kind == ReviewAction.SUBMIT and submitted is None:
                submitted = at
            if kind == ReviewAction.APPROVE:
                approved = at
        due_end = dt.datetime.combine(due, dt.time.max, tzinfo=timezone.get_current_timezone())
        values.append(IndicatorValue(pk=value_id, first_submitted_at=submitted, approved_at=approved,
                                     submitted_late=submitted is not None and submitted > due_end))
    ValueRevision.objects.bulk_update(revisions, ["at"], batch_size=500)
    ReviewEvent.objects.bulk_update(events, ["at"], batch_size=500)
    IndicatorValue.objects.bulk_update(values, ["first_submitted_at", "approved_at", "submitted_late"], batch_size=500)


def _enter(rng: random.Random, reporting_round: ReportingRound, region: Region, indicator: Indicator, *,
           reporter: User, office: User, year: int, number: Decimal | None, status: str,
           first_number: Decimal | None, evidence: bool | None = None) -> tuple[IndicatorValue, str]:
    """Save one demo value and take it through review as a real round would; returns it and its fate. With
    ``evidence`` its statistics PDF (and, if true, a site photo) is uploaded before it is submitted."""
    fix = year < 2025 and number is not None and rng.random() < 0.05
    data = ValueInput(number=number, qualitative=status, source="统计公报" if number else "工作台账",
                      caliber="全域，按国家指标解释" if number else "",
                      explanation=f"{year}年度数据", note="演示数据：年度变化已核实")
    first = data
    if fix:  # entered last year's figure by mistake; the office returns it, the reporter corrects it
        wrong = number * Decimal("1.1") if year == 2023 else first_number
        first = ValueInput(number=_clip(float(wrong), indicator.unit, float(number) or 1.0),
                           source=data.source, caliber=data.caliber, explanation=data.explanation,
                           note=data.note)
    value = indicator_value_save(reporting_round=reporting_round, region=region, indicator=indicator,
                                 actor=reporter, data=first, expected_version=0, confirm_warnings=True)
    if evidence is not None:
        _attach_evidence(value, region, indicator, reporter, photo=evidence)
    fate = "approve" if year < 2025 else rng.choices(
        ["approve", "submit", "return", "draft"], weights=[45, 25, 12, 18])[0]
    reason = EVIDENCE_REASONS[(region.id + indicator.id) % len(EVIDENCE_REASONS)]  # the random sequence stays
    if fate != "draft":
        indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=reporter, comment=reason)
    if fix:
        indicator_value_transition(value=value, action=ReviewAction.RETURN, actor=office,
                                   comment=RETURN_COMMENTS[0] if year == 2024 else rng.choice(RETURN_COMMENTS[1:]))
        value = indicator_value_save(
            reporting_round=reporting_round, region=region, indicator=indicator, actor=reporter,
            data=ValueInput(number=number, source=data.source, caliber=data.caliber,
                            explanation=data.explanation, note=data.note,
                            reason="按审核意见核对统计公报后更正"),
            expected_version=value.version, confirm_warnings=True)
        indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=reporter, comment=reason)
    if fate == "approve":
        indicator_value_transition(value=value, action=ReviewAction.APPROVE, actor=office)
    elif fate == "return":
        indicator_value_transition(value=value, action=ReviewAction.RETURN, actor=office,
                                   comment="数据来源与统计口径未说明，请补充统计公报页码后重新提交。")
    return value, fate


def _attach_evidence(value: IndicatorValue, region: Region, indicator: Indicator, reporter: User, *,
                     photo: bool) -> None:
    """A statistics PDF for the checklist's first item and, with ``photo``, a site photo for its second."""
    items = list(indicator.evidence_checklist or [])
    evidence_upload(value=value, actor=reporter,
                    upload=SimpleUploadedFile(f"{region.name}{indicator.code}佐证.pdf", tiny_pdf(indicator.code)),
                    checklist_item=items[0] if items else "")
    if photo:
        evidence_upload(value=value, actor=reporter, upload=SimpleUploadedFile("现场照片.png", tiny_png()),
                        checklist_item=items[1] if len(items) > 1 else "")


def build(context: DemoContext) -> None:
    program = context.program
    if program is None or ReportingRound.objects.filter(program=program).exists():
        return
    office, county_user = context.users["office"], context.users["county"]
    rng = random.Random(2025)
    regions = program_regions(program)
    indicators = [i for i in program_indicators(program) if i.scope_levels]
    targets = resolve_targets(program, regions, indicators)
    monitored = monitored_codes(program.framework.code)
    deadlines = region_deadlines(program, regions, program_goals(program))
    lead_users = {context.users[k].duties[0].department.id: context.users[k] for k in ("reporter", "reporter2")}
    lead_of = {r.indicator_id: r.department_id for r in
               Responsibility.objects.filter(program=program, role=ResponsibilityRole.LEAD).order_by("order", "id")}

    def reporter_for(region: Region, indicator: Indicator) -> User:
        if region.id == program.region_id:
            return lead_users.get(lead_of.get(indicator.id), office)
        return county_user if region.id == county_user.duties[0].region.id else office

    rounds = {
        year: reporting_round_create(program=program, actor=office, name=f"{year}年度调度", period_type="year",
                                     year=year, due=due, indicators=indicators, regions=regions)
        for year, due in ROUNDS
    }
    rounds[2025].note = "各牵头单位、县区生态办于2026年1月31日前报送2025年度指标数值及佐证材料。"
    rounds[2025].save(update_fields=["note"])

    timing: dict[int, tuple[dt.date, bool]] = {}
    evidence_budget = 8
    # the city's own 2024 values of indicators with an evidence checklist carry their evidence, so that the
    # approved year's dossier (申报材料档案) has files to show
    past_evidence = 12
    for region in regions:
        for indicator in indicators:
            resolved = targets.get((region.id, indicator.id))
            if resolved is None or not resolved.applicable or resolved.target is None or indicator.code in monitored:
                continue
            plan = _plan(rng, region, indicator, resolved.target, deadlines[region.id])
            if plan and plan[0][1] is not None and region.code != "629821" and rng.random() < 0.015 \
                    and not any(isinstance(n, Assigned) for n in walk(resolved.target)):
                plan = plan[:1]  # the 2024 statistics are not published yet: genuinely missing (无数据)
            reporter = reporter_for(region, indicator)
            for year, number, status in plan:
                reporting_round = rounds[year]
                evidence = None
                if year == 2024 and region.id == program.region_id and indicator.evidence_checklist \
                        and past_evidence > 0:
                    past_evidence -= 1
                    evidence = past_evidence % 3 == 0
                value, fate = _enter(rng, reporting_round, region, indicator, reporter=reporter, office=office,
                                     year=year, number=number, status=status, first_number=plan[0][1],
                                     evidence=evidence)
                timing[value.id] = (reporting_round.due, year == 2025 and fate != "draft" and rng.random() < 0.2)
                if year == 2025 and fate in ("draft", "return") and evidence_budget > 0:
                    evidence_budget -= 1
                    _attach_evidence(value, region, indicator, reporter, photo=evidence_budget % 2 == 0)
    _retime(timing, rng)


#: How the office ran the demo rounds: the past years closed once reviewed; 2025 closed at its due date and reopened
#: for two counties' late reports (so the round page shows the history, and the round still takes reports).
ROUND_STEPS = {
    2023: [("close", "2023年度数据已审核完毕，关闭填报。")],
    2024: [("close", "2024年度数据已审核完毕，关闭填报。")],
    2025: [("close", "截止日期已到，关闭填报。"), ("reopen", "河湾区、北塬县申请补报部分指标，重新开放填报。")],
}


def close_rounds(context: DemoContext) -> None:
    """Close and reopen the demo rounds through the round workflow (after the monitoring import wrote into them)."""
    program = context.program
    if program is None:
        return
    for reporting_round in ReportingRound.objects.filter(program=program, status="open").select_related("program"):
        if reporting_round.version != 1:
            continue  # moved already: the demo is being loaded again
        for action, comment in ROUND_STEPS.get(reporting_round.year, []):
            reporting_round_transition(reporting_round=reporting_round, action=action, actor=context.users["office"],
                                       comment=comment)
