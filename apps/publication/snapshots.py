"""Snapshot builders: what a publication of each kind freezes, built from the selectors of the apps below.

Each builder returns a JSON-ready dict of display data (names, codes, decimal text, ISO dates) and never an
internal id: the portal renders a payload as it is, so a published page can be reproduced from the payload
alone. Only approved data goes in: indicator values through their approved revision, attainment through
:func:`apps.assessment.selectors.program_assessment` (which reads approved revisions only), project progress
through the project's reviewed percentage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from apps.assessment.access import Scope
from apps.assessment.dashboards import region_counts, status_label
from apps.assessment.selectors import STATUS_ORDER, ProgramAssessment, data_version, program_assessment
from apps.programs.models import Program
from apps.reporting.models import IndicatorValue, PeriodType, QualitativeStatus
from apps.surveys.selectors import public_summary
from apps.tasks.models import Project, ProjectStatus
from docimport.geojson import read_county_map

from .models import MapLayer, PublicationKind

#: The version of the payload's shape (kept in each payload, so a later reader knows what it holds).
SHAPE = 1


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _regions(assessment: ProgramAssessment) -> list[dict[str, Any]]:
    return [{"code": r.code, "name": r.name, "level": r.level} for r in assessment.regions]


def _indicators(assessment: ProgramAssessment) -> list[dict[str, Any]]:
    return [{"number": i.number_label, "name": i.full_name, "domain": i.domain, "unit": i.unit,
             "binding": bool(i.binding)} for i in assessment.indicators]


def indicators_snapshot(program: Program, year: int) -> dict[str, Any]:
    """Every region × leaf indicator of ``year``: target, approved value, attainment, source and as-of date."""
    assessment = program_assessment(program, year=year, use_cache=False)
    approved = {
        (row["region_id"], row["indicator_id"]): row
        for row in IndicatorValue.objects.filter(program=program, period_type=PeriodType.YEAR, year=year,
                                                 approved_revision__isnull=False)
        .order_by()
        .values("region_id", "indicator_id", "approved_at", "approved_revision__number",
                "approved_revision__qualitative", "approved_revision__source")
    }
    cells = assessment.status_map()
    by_region: dict[str, list[dict[str, Any]]] = {}
    for region in assessment.regions:
        rows = []
        for indicator in assessment.indicators:
            cell = cells[(region.id, indicator.id)]
            found = assessment.resolved[(region.id, indicator.id)]
            value = approved.get((region.id, indicator.id))
            qualitative = value["approved_revision__qualitative"] if value else ""
            rows.append({
                "number": indicator.number_label,
                "status": cell["status"],
                "status_label": status_label(cell["status"]),
                "target": found.text,
                "value": _decimal(value["approved_revision__number"]) if value else None,
                "qualitative": str(QualitativeStatus(qualitative).label) if qualitative else "",
                "source": value["approved_revision__source"] if value else "",
                "as_of": value["approved_at"].date().isoformat() if value and value["approved_at"] else None,
            })
        by_region[region.code] = rows
    return {"shape": SHAPE, "kind": PublicationKind.INDICATORS, "year": assessment.year,
            "regions": _regions(assessment), "indicators": _indicators(assessment), "values": by_region}


#: Built-in county maps (schematic), by the city's region code: used when the office has uploaded none.
MAPS = Path(__file__).resolve().parent / "maps"


def county_map(program: Program) -> dict[str, Any] | None:
    """The map an attainment snapshot embeds: the office's latest upload, else the built-in one of the program's
    region (if any); the snapshot keeps it, so a later upload does not change a published page."""
    layer = MapLayer.objects.filter(program=program).first()
    if layer is not None:
        return {"name": layer.name, "source": "uploaded", "sha256": layer.sha256, "geojson": layer.geojson}
    path = MAPS / f"{program.region.code}.geojson"
    if not path.is_file():
        return None
    data = path.read_bytes()
    return {"name": f"{program.region.name}县区示意图", "source": "builtin", "sha256": hashlib.sha256(data).hexdigest(),
            "geojson": read_county_map(data).geojson}


def attainment_snapshot(program: Program, year: int) -> dict[str, Any]:
    """Per region: how many indicators are attained, not attained, without data; the gate; the goal; the map."""
    assessment = program_assessment(program, year=year, use_cache=False)
    scope = Scope(program=program, region_ids=None, focus_id=program.region_id)
    codes = {r.id: r.code for r in assessment.regions}
    rows = [{
        "code": codes[s.region_id], "name": s.name, "level": s.level,
        "counts": {str(status): s.counts[status] for status in STATUS_ORDER},
        "passed": bool(s.passed),
        "binding_applicable": s.binding_applicable, "binding_attained": s.binding_attained,
        "reference_applicable": s.reference_applicable, "reference_attained": s.reference_attained,
        "goal": s.goal,
    } for s in region_counts(assessment, scope)]
    return {"shape": SHAPE, "kind": PublicationKind.ATTAINMENT, "year": assessment.year,
            "status_labels": {str(s): status_label(s) for s in STATUS_ORDER}, "regions": rows,
            "map": county_map(program)}


def projects_snapshot(program: Program, year: int) -> dict[str, Any]:
    """The program's key projects with their reviewed progress (no responsible person, no evidence)."""
    projects = (Project.objects.filter(program=program).select_related("category", "region", "department")
                .order_by("order", "id"))
    rows = [{
        "number": p.number, "name": p.name, "category": p.category.name, "region": p.region.name,
        "region_code": p.region.code, "location": p.location, "department": p.department.name,
        "content": p.content, "start": p.start.isoformat(), "end": p.end.isoformat(),
        "total_investment": _decimal(p.total_investment), "status": p.status,
        "status_label": str(ProjectStatus(p.status).label), "percent": p.percent,
    } for p in projects]
    return {"shape": SHAPE, "kind": PublicationKind.PROJECTS, "year": year, "projects": rows}


def survey_snapshot(program: Program, year: int) -> dict[str, Any]:
    """The survey of the year: method, operator, sample and the weighted rates with their 95 % intervals."""
    return {"shape": SHAPE, "kind": PublicationKind.SURVEY, **public_summary(program, year)}


BUILDERS: dict[str, Callable[[Program, int], dict[str, Any]]] = {
    PublicationKind.INDICATORS: indicators_snapshot,
    PublicationKind.ATTAINMENT: attainment_snapshot,
    PublicationKind.PROJECTS: projects_snapshot,
    PublicationKind.SURVEY: survey_snapshot,
}


def build_snapshot(program: Program, kind: str, year: int | None, *, title: str, body: str, doc_number: str,
                   file_name: str, file_sha256: str, file_size: int | None) -> tuple[dict[str, Any], str]:
    """The payload of a publication and the version of the inputs it was built from."""
    if kind in BUILDERS:
        assert year is not None  # the service requires a year for these kinds
        return BUILDERS[kind](program, year), data_version(program)
    payload: dict[str, Any] = {"shape": SHAPE, "kind": kind, "year": year, "title": title, "body": body,
                               "date": timezone.localdate().isoformat()}
    if kind == PublicationKind.PLAN:
        payload.update(doc_number=doc_number, file_name=file_name, sha256=file_sha256, size=file_size)
    return payload, file_sha256
