"""The demo tells a complete story on the attainment dashboards: 2024 fully reviewed, monitoring values from
monitoring, the province's numbers entered, weak spots present, and load_demo idempotent."""

from __future__ import annotations

import polars as pl
import pytest

from apps.accounts.models import User
from apps.assessment.selectors import program_assessment
from apps.demo.monitoring import monitored_codes
from apps.programs.models import AssignedTarget, Program
from apps.programs.selectors import program_indicators, program_regions, resolve_targets
from apps.reporting.models import IndicatorValue, ReportingRound
from apps.reporting.selectors import round_progress
from apps.review.models import ReviewEvent
from apps.review.workflow import ReviewAction, ReviewStatus
from calc.targets import needs_assigned_value


@pytest.mark.django_db
def test_demo_story(demo, client):
    """One load (the demo takes ~15 s; the package's ``demo`` fixture), every part of the story checked on it."""
    runs = demo
    demo = Program.objects.get(name="秦川市创建国家生态文明建设示范市")
    check_2024_is_reviewed_with_weak_spots(demo)
    check_monitoring_values_approved_with_provenance(demo)
    check_every_assigned_target_has_its_numbers(demo)
    check_values_are_plausible(demo)
    check_submissions_without_evidence_state_a_reason(demo)
    check_cockpit_renders_for_leader(demo, client)
    check_second_run_creates_nothing(runs)


def check_submissions_without_evidence_state_a_reason(demo):
    """Trust #11.5: the demo's values mostly lack files, so each submission says why, each approval overrides."""
    events = ReviewEvent.objects.filter(content_type__model="indicatorvalue",
                                        object_id__in=IndicatorValue.objects.filter(program=demo).values("id"))
    submits = [e for e in events if e.action == ReviewAction.SUBMIT]
    lacking = [e for e in submits if e.data.get("evidence_missing")]
    assert len(lacking) > len(submits) / 2
    assert all(e.data["reason"] and e.data["reason"] == e.comment for e in lacking)
    assert any(e.data.get("evidence_override") for e in events if e.action == ReviewAction.APPROVE)
    round_2025 = ReportingRound.objects.get(program=demo, year=2025, period_type="year")
    assert round_progress(round_2025).total.evidence_incomplete > 0


def check_2024_is_reviewed_with_weak_spots(demo):
    assessment = program_assessment(demo, year=2024, use_cache=False)
    year = assessment.coverage.filter(pl.col("year") == 2024)
    approved, applicable = year["approved"].sum(), year["applicable"].sum()
    assert applicable > 250
    assert approved / applicable >= 0.95
    assert approved < applicable  # a few genuinely missing figures keep 无数据 explainable
    grid = assessment.grid.filter(pl.col("year") == 2024)
    binding = {i.id for i in assessment.indicators if i.binding}
    statuses = grid.filter(pl.col("indicator_id").is_in(list(binding)))["status"].to_list()
    assert statuses.count("not_attained") >= 5
    assert statuses.count("attained") > 5 * statuses.count("not_attained")
    reach = set(assessment.reach["status"].to_list())
    assert {"on_track", "accelerate", "off_track", "attained"} <= reach


def check_monitoring_values_approved_with_provenance(demo):
    codes = monitored_codes(demo.framework.code)
    values = IndicatorValue.objects.filter(program=demo, indicator__code__in=codes).select_related("approved_revision")
    for year in (2023, 2024):
        reviewed = [v for v in values if v.year == year]
        assert reviewed and all(v.status == ReviewStatus.APPROVED for v in reviewed)
        assert all(v.approved_revision.source == "监测数据核算" for v in reviewed)
    assert {v.status for v in values if v.year == 2025} == {ReviewStatus.SUBMITTED}
    computed = [v for v in values if v.year == 2024]
    assert {v.indicator.code for v in computed} == codes
    assert all(v.approved_revision.note.startswith("监测数据导入批次") and v.approved_revision.explanation
               for v in computed)


def check_every_assigned_target_has_its_numbers(demo):
    regions = program_regions(demo)
    indicators = [i for i in program_indicators(demo) if i.scope_levels]
    resolved = resolve_targets(demo, regions, indicators)
    needing = {key for key, t in resolved.items() if t.applicable and t.target is not None
               and needs_assigned_value(t.target)}
    assert len(needing) > 20
    entered = set(AssignedTarget.objects.filter(program=demo).values_list("region_id", "indicator_id", "year"))
    for region_id, indicator_id in needing:
        assert {(region_id, indicator_id, y) for y in (2023, 2024, 2025, 2026)} <= entered
    assert AssignedTarget.objects.filter(program=demo, document__regex=r"〔20\d\d〕\d+号").count() == len(entered)


def check_values_are_plausible(demo):
    for value in IndicatorValue.objects.filter(program=demo).select_related("current_revision", "indicator"):
        number = value.current_revision.number
        if number is None:
            continue
        assert number >= 0
        if value.indicator.unit == "%":
            assert number <= 100
        if value.indicator.code == "2019-10":
            assert 40 <= number <= 80


def check_second_run_creates_nothing(runs):
    """``runs`` counted the TABLES (see conftest) before and after the second ``load_demo``."""
    before = runs.counts_before
    assert runs.counts_after == before


def check_cockpit_renders_for_leader(demo, client):
    client.force_login(User.objects.get(username="leader"))
    response = client.get(f"/programs/{demo.id}/assessment/?year=2024")
    assert response.status_code == 200
    assert "河湾区" in response.content.decode()
