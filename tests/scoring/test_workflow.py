"""The run workflow: draft → objection → rulings → final → published, one transition function, its events and
audit entries; objections and rulings; the comparison of a rerun with the run it replaced."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.review.services import review_history
from apps.scoring.models import ManualScore, SubjectScore
from apps.scoring.selectors import comparison
from apps.scoring.services import objection_create, objection_rule, office_fact_set, run_rerun, run_transition
from apps.scoring.workflow import ObjectionStatus, RunStatus


def test_the_run_moves_through_its_workflow_with_events_and_audit(scored):
    run, users = scored.run, scored.world.users
    subject = SubjectScore.objects.get(run=run, department=scored.units[0])
    with pytest.raises(DomainError, match="不能"):
        run_transition(run=run, action="publish", actor=users.office)
    run_transition(run=run, action="open", actor=users.office, expected_version=1)
    objection = objection_create(run=run, subject=subject, item="A1", reason="PM2.5数据有误", actor=users.county)
    with pytest.raises(DomainError, match="未裁定"):
        run_transition(run=run, action="finalise", actor=users.office)
    objection_rule(objection=objection, upheld=False, ruling="数据来自监测年报，无误。", actor=users.office)
    with pytest.raises(ConflictError):
        run_transition(run=run, action="finalise", actor=users.office, expected_version=1)
    run_transition(run=run, action="finalise", actor=users.office)
    run_transition(run=run, action="publish", actor=users.office)
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED and run.version == 4
    assert [e.new_status for e in review_history(run)] == ["objection", "final", "published"]
    actions = list(AuditEvent.objects.filter(target_type="scoring.scorerun", target_id=str(run.pk))
                   .values_list("action", flat=True))
    assert "publication.publish" in actions and actions.count("scoring.step") >= 3


@pytest.mark.parametrize("persona", ["county", "reporter", "leader", "inspector", "outsider"])
def test_only_the_office_moves_a_run(scored, persona):
    with pytest.raises(PermissionDeniedError):
        run_transition(run=scored.run, action="open", actor=getattr(scored.world.users, persona))
    scored.run.refresh_from_db()
    assert scored.run.status == RunStatus.DRAFT


def test_only_the_subject_objects_and_only_in_the_objection_period(scored):
    run, users = scored.run, scored.world.users
    own = SubjectScore.objects.get(run=run, department=scored.units[0])
    other = SubjectScore.objects.get(run=run, department=scored.units[1])
    with pytest.raises(PermissionDeniedError):  # still a draft
        objection_create(run=run, subject=own, item="", reason="x", actor=users.county)
    run_transition(run=run, action="open", actor=users.office)
    with pytest.raises(PermissionDeniedError):
        objection_create(run=run, subject=other, item="", reason="x", actor=users.county)
    with pytest.raises(DomainError, match="理由"):
        objection_create(run=run, subject=own, item="", reason="  ", actor=users.county)
    objection = objection_create(run=run, subject=own, item="", reason="总分有误", actor=users.county)
    with pytest.raises(PermissionDeniedError):
        objection_rule(objection=objection, upheld=True, ruling="x", actor=users.county)


def test_an_upheld_objection_is_corrected_and_the_rerun_says_what_moved(scored):
    run, users, unit = scored.run, scored.world.users, scored.units[0]
    run_transition(run=run, action="open", actor=users.office)
    subject = SubjectScore.objects.get(run=run, department=unit)
    objection = objection_create(run=run, subject=subject, item="A1", reason="PM2.5应为40（复核）",
                                 actor=users.county)
    objection_rule(objection=objection, upheld=True, ruling="复核后PM2.5为40µg/m³，予以更正。", actor=users.office)
    office_fact_set(program=run.program, department=unit, period="2025", key="air.pm25", value=Decimal(40),
                    reason="复核结论", actor=users.office)
    new = run_rerun(run=run, actor=users.office, note="异议成立，更正PM2.5")
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED and new.previous_id == run.id
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    data = comparison(new)
    assert data.other == run
    moves = [m for m in data.moves if m.department_id == unit.id and m.item == "A1"]
    assert len(moves) == 1 and moves[0].delta < 0
    assert "33" in moves[0].sentence_before and "40" in moves[0].sentence_after
    assert all(m.department_id == unit.id for m in data.moves if m.item == "A1")


def test_an_upheld_objection_on_a_manual_item_sets_its_points(scored):
    run, users = scored.run, scored.world.users
    manual = next(i for i in run.scheme.data.items if i.rule.__class__.__name__ == "Manual")
    run_transition(run=run, action="open", actor=users.office)
    subject = SubjectScore.objects.get(run=run, department=scored.units[0])
    objection = objection_create(run=run, subject=subject, item=manual.code, reason="材料已补齐", actor=users.county)
    with pytest.raises(DomainError, match="之间"):
        objection_rule(objection=objection, upheld=True, ruling="成立", points=manual.points + 1, actor=users.office)
    objection_rule(objection=objection, upheld=True, ruling="成立", points=manual.points, actor=users.office)
    entry = ManualScore.objects.get(department=scored.units[0], item=manual.code)
    assert entry.points == manual.points and "异议成立" in entry.reason
    new = run_rerun(run=run, actor=users.office)
    assert new.subjects.get(department=scored.units[0]).items.get(item=manual.code).points == manual.points
