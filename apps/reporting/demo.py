"""Demo data of this app, built after the program (see apps/programs/management/commands/load_demo.py).

Annual rounds 2023–2025 for 秦川市 and its counties, entered and reviewed through the real services so
the histories are genuine: 2023 and 2024 approved; 2025 partly approved, submitted, returned and draft.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.programs.models import Responsibility, ResponsibilityRole
from apps.programs.selectors import program_indicators, program_regions, resolve_targets
from apps.review.workflow import ReviewAction
from calc.targets import Threshold, walk

from .models import IndicatorValue, QualitativeStatus, ReportingRound
from .services import (
    ValueInput,
    evidence_upload,
    indicator_value_save,
    indicator_value_transition,
    reporting_round_create,
)

ROUNDS = [(2023, dt.date(2024, 1, 31)), (2024, dt.date(2025, 1, 31)), (2025, dt.date(2026, 1, 31))]


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


def _threshold(target) -> Threshold | None:  # noqa: ANN001
    return next((t for t in walk(target) if isinstance(t, Threshold)), None) if target is not None else None


def _series(rng: random.Random, threshold: Threshold, unit: str, short: bool) -> list[Decimal]:
    """Three plausible years approaching (or, for weak spots, staying short of) the threshold."""
    goal = threshold.value if threshold.value != 0 else Decimal(1)
    higher = threshold.op in (">=", ">", "=")
    gap = Decimal(str(rng.uniform(0.03, 0.12))) if short else Decimal(str(rng.uniform(-0.08, -0.01)))
    last = goal * (1 - gap) if higher else goal * (1 + gap)
    step = Decimal(str(rng.uniform(0.01, 0.04)))
    values = [last * (1 - 2 * step) if higher else last * (1 + 2 * step),
              last * (1 - step) if higher else last * (1 + step), last]
    cap = Decimal(100) if unit.strip() in ("%", "％") else None
    return [max(Decimal(0), min(v, cap) if cap is not None else v).quantize(Decimal("0.01")) for v in values]


def build(context) -> None:  # noqa: ANN001
    program = context.program
    if program is None or ReportingRound.objects.filter(program=program).exists():
        return
    office, county_user = context.users["office"], context.users["county"]
    rng = random.Random(2025)
    regions = program_regions(program)
    indicators = [i for i in program_indicators(program) if i.scope_levels]
    targets = resolve_targets(program, regions, indicators)
    lead_users = {context.users[k].department_id: context.users[k] for k in ("reporter", "reporter2")}
    lead_of = {r.indicator_id: r.department_id for r in
               Responsibility.objects.filter(program=program, role=ResponsibilityRole.LEAD).order_by("order", "id")}

    def reporter_for(region, indicator):  # noqa: ANN001, ANN202
        if region.id == program.region_id:
            return lead_users.get(lead_of.get(indicator.id), office)
        return county_user if region.id == county_user.region_id else office

    rounds = {
        year: reporting_round_create(program=program, actor=office, name=f"{year}年度调度", period_type="year",
                                     year=year, due=due, indicators=indicators, regions=regions)
        for year, due in ROUNDS
    }
    rounds[2025].note = "各牵头单位、县区生态办于2026年1月31日前报送2025年度指标数值及佐证材料。"
    rounds[2025].save(update_fields=["note"])

    submitted_at: dict[int, dt.datetime] = {}
    evidence_budget = 8
    for region in regions:
        for indicator in indicators:
            resolved = targets.get((region.id, indicator.id))
            if resolved is None or not resolved.applicable:
                continue
            reporter = reporter_for(region, indicator)
            if indicator.is_qualitative:
                plan = [(2025, None, rng.choice(list(QualitativeStatus.values)[:2]))] if rng.random() < 0.6 else []
            else:
                threshold = _threshold(resolved.target)
                if threshold is None or rng.random() < 0.12:
                    continue  # trends and assigned targets are left to the office; a few rows not yet reported
                series = _series(rng, threshold, indicator.unit, short=rng.random() < 0.25)
                plan = [(year, number, "") for year, number in zip((2023, 2024, 2025), series, strict=True)]
            for year, number, status in plan:
                reporting_round = rounds[year]
                value = indicator_value_save(
                    reporting_round=reporting_round, region=region, indicator=indicator, actor=reporter,
                    data=ValueInput(number=number, qualitative=status, source="统计公报" if number else "工作台账",
                                    caliber="全域，按国家指标解释" if number else "",
                                    explanation=f"{year}年度数据", note="演示数据：年度变化已核实"),
                    expected_version=0, confirm_warnings=True,
                )
                fate = "approve" if year < 2025 else rng.choices(
                    ["approve", "submit", "return", "draft"], weights=[45, 25, 12, 18])[0]
                if fate != "draft":
                    indicator_value_transition(value=value, action=ReviewAction.SUBMIT, actor=reporter)
                    due = reporting_round.due
                    late = year == 2025 and rng.random() < 0.2
                    submitted_at[value.id] = timezone.make_aware(dt.datetime.combine(
                        due + dt.timedelta(days=rng.randint(1, 9) if late else -rng.randint(1, 20)), dt.time(10)))
                if fate == "approve":
                    indicator_value_transition(value=value, action=ReviewAction.APPROVE, actor=office)
                elif fate == "return":
                    indicator_value_transition(value=value, action=ReviewAction.RETURN, actor=office,
                                               comment="数据来源与统计口径未说明，请补充统计公报页码后重新提交。")
                if year == 2025 and fate in ("submit", "draft", "return") and evidence_budget > 0 and fate != "submit":
                    evidence_budget -= 1
                    items = list(indicator.evidence_checklist or [])
                    evidence_upload(value=value, actor=reporter,
                                    upload=SimpleUploadedFile(f"{region.name}{indicator.code}佐证.pdf",
                                                              tiny_pdf(indicator.code)),
                                    checklist_item=items[0] if items else "")
                    if evidence_budget % 2 == 0:
                        evidence_upload(value=value, actor=reporter,
                                        upload=SimpleUploadedFile("现场照片.png", tiny_png()),
                                        checklist_item=items[1] if len(items) > 1 else "")
    for value_id, at in submitted_at.items():
        IndicatorValue.objects.filter(pk=value_id).update(first_submitted_at=at)
