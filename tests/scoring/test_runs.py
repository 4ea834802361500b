"""Runs: facts from the system and the office, results stored with every trace row, snapshots that never change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDeniedError
from apps.geo.models import Region
from apps.scoring.facts import subject_key
from apps.scoring.models import ItemScore, Scheme, SubjectScore
from apps.scoring.services import office_fact_set, rescore, run_create, scheme_save, unpack

from .conftest import add_government


def test_a_run_scores_every_county_government_with_traced_facts(scored):
    run = scored.run
    subjects = list(SubjectScore.objects.filter(run=run))
    assert {s.department_id for s in subjects} == {u.id for u in scored.units}
    assert sorted(s.rank for s in subjects)[0] == 1
    for subject in subjects:
        items = list(subject.items.all())
        assert len(items) == len(run.scheme.data.items_for("county")) + len(run.scheme.data.adjustments)
        assert sum(i.points for i in items) == subject.total  # every total is the sum of its sheet
        assert all(i.sentence for i in items)
    facts = unpack(run.inputs).facts
    first = subject_key(scored.units[0].id)
    own = facts.filter(facts["subject"] == first)
    kinds = set(own["source_kind"].drop_nulls())
    assert {"office_fact", "notice"} <= kinds
    pm25 = ItemScore.objects.get(subject__run=run, subject__department=scored.units[0], item="A1")
    assert pm25.points == pm25.max  # 33 ≤ 35 and below the year before
    assert "PM2.5年均浓度33" in pm25.sentence


def test_the_investment_rate_comes_from_the_project_years(scored):
    facts = unpack(scored.run.inputs).facts
    rates = facts.filter(facts["key"] == "projects.investment_rate").sort("subject")
    by_subject = dict(zip(rates["subject"], rates["value"], strict=True))
    assert by_subject[subject_key(scored.units[1].id)] == Decimal(70)


def test_a_snapshot_gives_the_same_numbers_after_the_data_change(scored):
    run = scored.run
    stored = {(s.department_id, s.total, s.grade, s.rank) for s in SubjectScore.objects.filter(run=run)}
    office_fact_set(program=scored.world.program, department=scored.units[0], period="2025", key="air.pm25",
                    value=Decimal(60), reason="更正", actor=scored.world.users.office)
    again = rescore(run)
    rows = {(int(r["subject"].split(":")[1]), r["total"], r["grade"], r["rank"]) for r in again.totals.iter_rows(named=True)}
    assert rows == stored
    fresh = run_create(program=run.program, scheme=run.scheme, period="2025", actor=scored.world.users.office)
    moved = SubjectScore.objects.get(run=fresh, department=scored.units[0])
    assert moved.total < SubjectScore.objects.get(run=run, department=scored.units[0]).total
    assert fresh.inputs_sha256 != run.inputs_sha256


def test_only_the_office_runs_and_a_bad_scheme_is_refused(scored):
    world = scored.world
    with pytest.raises(PermissionDeniedError):
        run_create(program=world.program, scheme=scored.run.scheme, period="2025", actor=world.users.county)
    with pytest.raises(DomainError, match="半年|考核期"):
        run_create(program=world.program, scheme=scored.run.scheme, period="2025-H1", actor=world.users.office)
    with pytest.raises(DomainError, match="scheme"):
        scheme_save(program=world.program, text="[scheme]\ncode = 'x'\n", actor=world.users.office)
    text = scored.run.scheme.text
    with pytest.raises(DomainError, match="已用于计分"):
        scheme_save(program=world.program, text=text, actor=world.users.office)
    assert Scheme.objects.filter(program=world.program).count() == 2


def test_a_subject_with_nothing_to_count_is_not_applicable_and_has_no_overdue_notice(scored, world):
    county = Region.objects.create(code="990125", name="新设县", level="county", parent=world.city)
    unit = add_government(world, county)
    run = run_create(program=world.program, scheme=scored.run.scheme, period="2025", actor=world.users.office)
    facts = unpack(run.inputs).facts
    own = facts.filter(facts["subject"] == subject_key(unit.id))
    rows = {r["key"]: r for r in own.iter_rows(named=True)}
    assert rows["projects.investment_rate"]["na"] and rows["tasks.on_time_rate"]["na"]
    assert rows["notices.overdue_responses"]["value"] == 0
    others = facts.filter((facts["subject"] == subject_key(scored.units[0].id))
                          & (facts["key"] == "notices.overdue_responses"))
    assert others["value"].to_list() == [Decimal(1)]  # its notice was never answered
    items = {i.item: i for i in ItemScore.objects.filter(subject__run=run, subject__department=unit)}
    assert items["C2"].status == "not_applicable" and items["C2"].points == items["C2"].max
    assert items["C4"].status == "scored" and items["C4"].points == items["C4"].max
