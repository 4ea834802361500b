"""What the dashboards show, as plain data shared by the pages and the API (no rendering here).

Each function takes a :class:`~apps.assessment.selectors.ProgramAssessment` (bulk frames) and a
:class:`~apps.assessment.access.Scope`; sentences come from the scalar functions for the rows shown only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from apps.geo.models import Department
from apps.indicators.models import Indicator
from apps.programs.models import Phase, Responsibility
from apps.reporting.models import Evidence, PeriodType, QualitativeStatus
from calc.attainment import REACHABILITY_LABELS, STATUS_LABELS, GateResult, fmt_number

from .access import Scope
from .selectors import STATUS_ORDER, ProgramAssessment

WEAK_SPOTS = 10
SPARKLINES = 8


def number(value: Decimal | None) -> str | None:
    return None if value is None else fmt_number(value)


def gate_data(gate: GateResult) -> dict:
    return {
        "passed": gate.passed,
        "label": gate.label,
        "explanation": gate.explanation,
        "binding_applicable": gate.binding_applicable,
        "binding_attained": gate.binding_attained,
        "reference_applicable": gate.reference_applicable,
        "reference_attained": gate.reference_attained,
        "reference_share": gate.reference_share,
        "reference_percent": None if gate.reference_share is None else fmt_number(gate.reference_share * 100,
                                                                                   places=1),
        "counts": dict(gate.counts),
        "blockers": [{"code": b.code, "name": b.name, "status": b.status, "label": b.label, "reason": b.reason}
                     for b in gate.blockers],
    }


def region_counts(assessment: ProgramAssessment, scope: Scope) -> list[dict]:
    """Status counts and gate summary per visible region (bulk), city first."""
    rows = {r["region_id"]: r for r in assessment.gates.iter_rows(named=True)}
    result = []
    for region in scope.visible(assessment.regions):
        row = rows.get(region.id)
        if row is None:
            continue
        goal = assessment.goals.get(region.id)
        result.append({
            "region_id": region.id, "name": region.name, "level": region.level,
            "counts": {s: row[s] for s in STATUS_ORDER},
            "passed": row["passed"],
            "binding_applicable": row["binding_applicable"], "binding_attained": row["binding_attained"],
            "reference_applicable": row["reference_applicable"], "reference_attained": row["reference_attained"],
            "blocker_count": len(row["blockers"]),
            "goal": f"{goal.target_year}年创建{goal.get_title_sought_display()}" if goal else "",
            "deadline": assessment.deadlines[region.id],
        })
    return result


def weak_spots(assessment: ProgramAssessment, region_id: int) -> dict[str, list[dict]]:
    """Not attained with the largest relative gap (binding first), and reachability 难以按期达标/需加快."""
    binding = {i.id: bool(i.binding) for i in assessment.indicators}
    year_rows = assessment.year_grid().filter((pl.col("region_id") == region_id)
                                              & (pl.col("status") == "not_attained"))
    gaps = sorted(year_rows.iter_rows(named=True),
                  key=lambda r: (not binding[r["indicator_id"]], -(r["gap_rel"] or Decimal(0))))[:WEAK_SPOTS]
    order = {"off_track": 0, "accelerate": 1}
    reach_rows = assessment.reach.filter((pl.col("region_id") == region_id)
                                         & pl.col("status").is_in(["off_track", "accelerate"]))
    paces = sorted(reach_rows.iter_rows(named=True),
                   key=lambda r: (order[r["status"]], not binding[r["indicator_id"]],
                                  r["ratio"] if r["ratio"] is not None else Decimal(-10**9)))[:WEAK_SPOTS]
    scalar = assessment.scalar([(region_id, r["indicator_id"]) for r in [*gaps, *paces]])
    indicators = assessment.indicator_by_id

    def item(row: dict, *, reach: bool) -> dict:
        evaluation, reachability = scalar[(region_id, row["indicator_id"])]
        indicator = indicators[row["indicator_id"]]
        return {
            "indicator_id": indicator.id, "code": indicator.code, "name": indicator.full_name,
            "binding": bool(indicator.binding),
            "status": reachability.status if reach else evaluation.status,
            "label": reachability.label if reach else evaluation.label,
            "gap_rel": row.get("gap_rel") if not reach else evaluation.gap_rel,
            "sentence": reachability.explanation if reach else evaluation.explanation,
        }

    return {"gaps": [item(r, reach=False) for r in gaps], "paces": [item(r, reach=True) for r in paces]}


def sparklines(assessment: ProgramAssessment, region_id: int) -> list[dict]:
    """Series of the key indicators (binding, numeric, with data) of the region, for small charts."""
    values = assessment.frames.values.filter(pl.col("region_id") == region_id)
    by_indicator: dict[int, list[tuple[int, str]]] = {}
    for _, iid, year, value in values.sort("year").iter_rows():
        if year <= assessment.year:
            by_indicator.setdefault(iid, []).append((year, value))
    status = {r["indicator_id"]: r["status"] for r in assessment.year_grid().filter(
        pl.col("region_id") == region_id).iter_rows(named=True)}
    chosen = [i for i in assessment.indicators if i.binding and len(by_indicator.get(i.id, [])) >= 2]
    chosen += [i for i in assessment.indicators if not i.binding and len(by_indicator.get(i.id, [])) >= 2]
    return [{
        "indicator_id": i.id, "name": i.full_name, "unit": i.unit, "status": status.get(i.id, "no_data"),
        "label": STATUS_LABELS[status.get(i.id, "no_data")],
        "points": [{"year": y, "value": number(Decimal(v))} for y, v in by_indicator[i.id]],
    } for i in chosen[:SPARKLINES]]


def timeline(program, today: dt.date) -> dict:  # noqa: ANN001
    """Phases as percentages of the campaign's span, with today's position."""
    phases = list(Phase.objects.filter(program=program).prefetch_related("milestones").order_by("order", "start"))
    if not phases:
        return {"phases": [], "today_left": None, "today": today, "years": []}
    start = min(p.start for p in phases)
    end = max(p.end for p in phases)
    span = max((end - start).days, 1)

    def left(day: dt.date) -> float:
        return round((day - start).days * 100 / span, 2)

    rows = [{
        "name": p.name, "start": p.start, "end": p.end, "left": left(p.start),
        "width": max(round((p.end - p.start).days * 100 / span, 2), 0.5),
        "state": "current" if p.start <= today <= p.end else ("past" if p.end < today else "future"),
        "milestones": [{"title": m.title, "due": m.due, "left": left(m.due)} for m in p.milestones.all()],
    } for p in phases]
    years = [{"year": y, "left": left(dt.date(y, 1, 1))} for y in range(start.year + 1, end.year + 1)]
    return {"phases": rows, "today": today, "years": years,
            "today_left": left(today) if start <= today <= end else None}


def cockpit(assessment: ProgramAssessment, scope: Scope, today: dt.date) -> dict:
    focus = scope.focus_id
    regions = region_counts(assessment, scope)
    city = assessment.city_gate() if focus == assessment.program.region_id else None
    return {
        "year": assessment.year,
        "years": assessment.years,
        "focus": next(r for r in regions if r["region_id"] == focus),
        "regions": regions,
        "gate": gate_data(assessment.region_gate(focus)),
        "city_gate": None if city is None else {
            "passed": city.passed, "all_clear": city.all_clear, "explanation": city.explanation,
            "counties_blocked": [{"region": b.region, "title": b.title, "year": b.year,
                                  "explanation": b.explanation,
                                  "blockers": [{"code": x.code, "name": x.name, "label": x.label}
                                               for x in b.blockers]}
                                 for b in city.counties_blocked],
            "counties_pending": list(city.counties_pending),
            "counties_passed": list(city.counties_passed),
        },
        "weak": weak_spots(assessment, focus),
        "sparklines": sparklines(assessment, focus),
        "timeline": timeline(assessment.program, today),
        "status_labels": dict(STATUS_LABELS),
    }


def matrix(assessment: ProgramAssessment, scope: Scope) -> dict:
    """One cell per visible region × leaf indicator, from the bulk frames (no scalar calls)."""
    regions = scope.visible(assessment.regions)
    cells = assessment.status_map()
    rows = []
    for region in regions:
        row = []
        for indicator in assessment.indicators:
            cell = cells[(region.id, indicator.id)]
            found = assessment.resolved[(region.id, indicator.id)]
            status = cell["status"]
            title = f"{region.name} · {indicator.full_name}：{STATUS_LABELS[status]}"
            if status != "not_applicable":
                title += f"；目标{found.text}"
                if cell["value"] is not None:
                    title += f"；{assessment.year}年{fmt_number(cell['value'])}{indicator.unit}"
                if cell["gap_abs"] is not None and status == "not_attained":
                    title += f"，差{fmt_number(cell['gap_abs'])}"
                if cell["reach_status"]:
                    title += f"；{REACHABILITY_LABELS[cell['reach_status']]}"
            elif found.reason:
                title += f"（{found.reason}）"
            row.append({"indicator_id": indicator.id, "status": status, "reach_status": cell["reach_status"],
                        "value": cell["value"], "gap_abs": cell["gap_abs"], "gap_rel": cell["gap_rel"],
                        "target": found.text, "title": title})
        rows.append({"region": region, "cells": row})
    return {"year": assessment.year, "years": assessment.years, "indicators": assessment.indicators, "rows": rows,
            "status_labels": dict(STATUS_LABELS)}


def responsible_units(program, indicator_ids: list[int]) -> dict[int, dict[str, list[Department]]]:  # noqa: ANN001
    units: dict[int, dict[str, list[Department]]] = {i: {"lead": [], "cooperate": []} for i in indicator_ids}
    for resp in (Responsibility.objects.filter(program=program, indicator_id__in=indicator_ids)
                 .select_related("department").order_by("order", "id")):
        units[resp.indicator_id][resp.role].append(resp.department)
    return units


def indicator_detail(assessment: ProgramAssessment, scope: Scope, indicator: Indicator, region_id: int) -> dict:
    """Series, target line, projection, sentences, units, evidence and the per-region table of one indicator."""
    program = assessment.program
    pair = (region_id, indicator.id)
    evaluation, reach = assessment.scalar([pair])[pair]
    found = assessment.resolved[pair]
    values = assessment.frames.values.filter((pl.col("region_id") == region_id)
                                             & (pl.col("indicator_id") == indicator.id)).sort("year")
    statuses = assessment.frames.statuses.filter((pl.col("region_id") == region_id)
                                                 & (pl.col("indicator_id") == indicator.id)).sort("year")
    # Up to the evaluated year: the pace and the projection are measured from there.
    series = [{"year": y, "value": number(Decimal(v))} for *_, y, v in values.iter_rows() if y <= assessment.year]
    labels = dict(QualitativeStatus.choices)
    qualitative = [{"year": y, "status": s, "label": labels.get(s, s)} for *_, y, s in statuses.iter_rows()
                   if y <= assessment.year]
    projection = [{"year": y, "value": number(v)} for y, v in sorted((reach.projection if reach else {}).items())]
    bound = evaluation.bound
    units = responsible_units(program, [indicator.id])[indicator.id]
    evidence = list(
        Evidence.objects.filter(value__program=program, value__region_id=region_id, value__indicator=indicator,
                                value__period_type=PeriodType.YEAR, value__approved_revision__isnull=False)
        .select_related("value").order_by("-value__year", "id")
    )
    per_region = []
    cells = assessment.status_map()
    for region in scope.visible(assessment.regions):
        cell = cells[(region.id, indicator.id)]
        per_region.append({
            "region_id": region.id, "name": region.name, "target": assessment.resolved[(region.id, indicator.id)].text,
            "status": cell["status"], "label": STATUS_LABELS[cell["status"]],
            "value": number(cell["value"]), "gap_abs": number(cell["gap_abs"]),
            "reach_status": cell["reach_status"],
            "reach_label": REACHABILITY_LABELS[cell["reach_status"]] if cell["reach_status"] else "",
            "deadline": assessment.deadlines[region.id],
        })
    return {
        "year": assessment.year, "years": assessment.years, "region_id": region_id, "keep": [("region", region_id)],
        "region_name": assessment.region_by_id[region_id].name,
        "indicator": indicator, "target": found.text, "target_source": found.source_label,
        "deadline": assessment.deadlines[region_id],
        "status": evaluation.status, "label": evaluation.label, "sentence": evaluation.explanation,
        "gap_abs": number(evaluation.gap_abs), "gap_rel": evaluation.gap_rel,
        "bound": number(bound), "comparison": evaluation.comparison,
        "reach": None if reach is None else {
            "status": reach.status, "label": reach.label, "sentence": reach.explanation,
            "observed_rate": number(reach.observed_rate), "required_rate": number(reach.required_rate),
            "ratio": number(reach.ratio), "years_needed": reach.years_needed, "expected_year": reach.expected_year,
            "goal": number(reach.goal), "latest_year": reach.latest_year, "latest_value": number(reach.latest_value),
        },
        "series": series, "qualitative": qualitative, "projection": projection,
        "leads": units["lead"], "cooperators": units["cooperate"],
        "evidence": [{"id": e.id, "value_id": e.value_id, "year": e.value.year, "name": e.original_name,
                      "kind": e.kind, "size": e.size, "checklist_item": e.checklist_item} for e in evidence],
        "per_region": per_region,
    }


def department_rows(assessment: ProgramAssessment, department: Department) -> list[dict]:
    """The unit's own indicators (lead or cooperate) with status and reachability, for the region it answers for."""
    region_id = department.governs_id if department.governs_id in assessment.region_by_id else (
        assessment.program.region_id)
    duties = list(Responsibility.objects.filter(program=assessment.program, department=department)
                  .order_by("indicator__order", "id").values_list("indicator_id", "role"))
    leaf = assessment.indicator_by_id
    pairs = [(region_id, iid) for iid, _ in duties if iid in leaf]
    scalar = assessment.scalar(pairs)
    rows = []
    for iid, role in duties:
        if iid not in leaf:
            continue
        evaluation, reach = scalar[(region_id, iid)]
        rows.append({
            "indicator": leaf[iid], "role": role, "role_label": "牵头" if role == "lead" else "配合",
            "region_id": region_id, "target": assessment.resolved[(region_id, iid)].text,
            "status": evaluation.status, "label": evaluation.label, "sentence": evaluation.explanation,
            "value": number(evaluation.value),
            "reach_status": reach.status if reach else "", "reach_label": reach.label if reach else "",
            "reach_sentence": reach.explanation if reach else "",
        })
    return rows


__all__ = ["cockpit", "department_rows", "indicator_detail", "matrix", "region_counts"]


# --- chart options' data (JSON for static/assessment/assessment.js) ---------------------------------------


def cockpit_chart(data: dict) -> dict:
    regions = data["regions"]
    return {
        "statuses": [{"key": s, "label": STATUS_LABELS[s]} for s in STATUS_ORDER],
        "focus": {s: data["focus"]["counts"][s] for s in STATUS_ORDER},
        "regions": [r["name"] for r in regions],
        "counts": {s: [r["counts"][s] for r in regions] for s in STATUS_ORDER},
        "sparklines": [{"id": f"spark-{s['indicator_id']}", "name": s["name"], "unit": s["unit"],
                        "status": s["status"], "years": [p["year"] for p in s["points"]],
                        "values": [p["value"] for p in s["points"]]} for s in data["sparklines"]],
    }


def indicator_chart(data: dict) -> dict:
    years = sorted({p["year"] for p in data["series"]} | {p["year"] for p in data["projection"]})
    if data["deadline"] and years and data["deadline"] > years[-1]:
        years += list(range(years[-1] + 1, data["deadline"] + 1))
    observed = {p["year"]: p["value"] for p in data["series"]}
    projected = {p["year"]: p["value"] for p in data["projection"]}
    reach = data["reach"]
    if data["projection"] and reach and reach["latest_year"] is not None:  # the dashed line starts at the latest value
        projected.setdefault(reach["latest_year"], reach["latest_value"])
    return {
        "name": data["indicator"].full_name, "unit": data["indicator"].unit,
        "years": [str(y) for y in years],
        "observed": [observed.get(y) for y in years],
        "projection": [projected.get(y) for y in years],
        "bound": data["bound"], "comparison": data["comparison"], "deadline": str(data["deadline"]),
        "qualitative": data["qualitative"],
    }
