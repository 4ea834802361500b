"""The demo's assessment: both schemes scored for 2024 (published, one objection rejected) and 2025 (one
objection upheld and rerun), with facts from the system (tasks, projects, rounds) and the office; the county office sees its own sheet only."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.scoring.models import ItemScore, Objection, ScoreRun, SubjectScore
from apps.scoring.services import unpack
from apps.scoring.workflow import ObjectionStatus, RunStatus


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_demo_scoring():
    runs = ScoreRun.objects.all()
    assert {(r.scheme_code, r.period, r.status) for r in runs} == {
        ("demo-county-2025", "2024", RunStatus.PUBLISHED), ("demo-departments-2025", "2024", RunStatus.PUBLISHED),
        ("demo-county-2025", "2025", RunStatus.SUPERSEDED), ("demo-county-2025", "2025", RunStatus.OBJECTION),
        ("demo-departments-2025", "2025", RunStatus.DRAFT),
    }
    assert {o.status for o in Objection.objects.all()} == {ObjectionStatus.UPHELD, ObjectionStatus.REJECTED}
    county = runs.get(scheme_code="demo-county-2025", period="2024")
    assert SubjectScore.objects.filter(run=county).count() == 6
    assert SubjectScore.objects.filter(run=runs.get(scheme_code="demo-departments-2025", period="2024")).count() >= 20
    grades = set(SubjectScore.objects.filter(run__status=RunStatus.PUBLISHED).values_list("grade", flat=True))
    assert len(grades) >= 2
    kinds = {kind for run in runs for kind in unpack(run.inputs).facts["source_kind"].drop_nulls()}
    assert "office_fact" in kinds
    keys = {key for run in runs for key in unpack(run.inputs).facts["key"]}
    assert {"tasks.lead.on_time_rate", "projects.investment_rate", "reporting.on_time_rate"} <= keys, keys
    for period in ("2024", "2025"):  # the demo's past notices: counted, some answered late, in both years
        facts = [unpack(run.inputs).facts for run in runs if run.period == period]
        notices = {(k, s) for f in facts for k, s in zip(f["key"], f["source_kind"], strict=True)}
        assert ("notices.criticised", "notice") in notices, period
        overdue = [v for f in facts for k, v in zip(f["key"], f["value"], strict=True)
                   if k == "notices.overdue_responses" and v]
        assert overdue, period
    # the scheme's indicator-mapped keys come from the counties' approved values, never from office facts
    mapped = {"air.good_days", "water.drinking.attained", "building.green_share"}
    sourced = {(k, s) for run in runs for k, s in zip(unpack(run.inputs).facts["key"],
                                                       unpack(run.inputs).facts["source_kind"], strict=True)
               if k in mapped}
    assert {s for _, s in sourced} == {"value_revision"}, sourced
    assert {k for k, _ in sourced} == mapped, sourced
    statuses = set(ItemScore.objects.filter(run=county).values_list("status", flat=True))
    assert "scored" in statuses


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_demo_county_sees_its_own_sheet_only():
    client = Client()
    user = User.objects.get(username="county")
    client.force_login(user)
    current = ScoreRun.objects.get(scheme_code="demo-county-2025", period="2025", status=RunStatus.OBJECTION)
    subjects = list(SubjectScore.objects.filter(run=current))
    own = next(s for s in subjects if s.department.governs_id == user.duties[0].region.id)
    other = next(s for s in subjects if s.pk != own.pk)
    base = f"/programs/{current.program_id}/scoring/runs/{current.id}/units/"
    assert client.get(f"{base}{own.department_id}/").status_code == 200
    assert client.get(f"{base}{other.department_id}/").status_code == 403
    published = ScoreRun.objects.get(scheme_code="demo-county-2025", period="2024")
    page = client.get(f"/programs/{current.program_id}/scoring/runs/{published.id}/").content.decode()
    assert other.name in page
