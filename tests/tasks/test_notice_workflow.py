"""Supervision notices move only through notice_transition: table, roles, row lock, version, one event log."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.review.models import ReviewEvent
from apps.tasks.models import NoticeLevel, NoticeStatus, SupervisionNotice, TaskMilestone
from apps.tasks.notice_workflow import NOTICE_WORKFLOW, NoticeAction
from apps.tasks.selectors import notice_events
from apps.tasks.supervision import RESPONSE_DAYS, notice_transition, supervision_run
from tests.conftest import ClientFor

START = dt.date(2026, 7, 1)


@pytest.fixture
def notice(world: SimpleNamespace, plan: SimpleNamespace) -> SupervisionNotice:  # noqa: ARG001 - plan: the tasks
    TaskMilestone.objects.all().delete()
    supervision_run(program=world.program, today=START, rules=["task_overdue"])
    return SupervisionNotice.objects.get(department=world.units["市生态环境局"])


def test_issue_is_the_first_move_by_the_system(notice: SupervisionNotice):
    (event,) = ReviewEvent.objects.filter(object_id=notice.id, content_type__model="supervisionnotice")
    assert (event.action, event.old_status, event.new_status, event.actor) == ("issue", "", "open", None)
    assert event.data == {"level": NoticeLevel.REMIND, "on": "2026-07-01"}
    assert notice.version == 1 and str(event) == "下发： → 待答复"


def test_reopen_is_recorded_as_a_reopen(world: SimpleNamespace, notice: SupervisionNotice):
    notice_transition(notice=notice, action="respond", actor=world.users.reporter, comment="在办。", today=START)
    later = START + dt.timedelta(days=2)
    notice_transition(notice=notice, action="reopen", actor=world.users.office, comment="过于笼统", today=later)
    notice.refresh_from_db()
    assert (notice.status, notice.version) == (NoticeStatus.OPEN, 3)
    assert notice.response_due == later + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel.REMIND])
    events = notice_events(notice)
    assert [e.kind for e in events] == ["issued", "responded", "reopened"]
    assert events[-1].text == "答复不符合要求，请重新答复：过于笼统" and events[-1].on == later
    assert events[-1].actor == world.users.office and events[-1].label == "退回重新答复"


def test_stale_version_is_refused_and_writes_nothing(world: SimpleNamespace, notice: SupervisionNotice):
    seen = notice.version
    notice_transition(notice=notice, action="respond", actor=world.users.reporter, comment="已整改",
                      expected_version=seen)
    stale = SupervisionNotice.objects.get(pk=notice.pk)
    stale.version = seen
    with pytest.raises(ConflictError):
        notice_transition(notice=stale, action="close", actor=world.users.office, expected_version=seen)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESPONDED and len(notice_events(notice)) == 2


def test_system_moves_are_the_systems_and_people_moves_need_people(world: SimpleNamespace, notice: SupervisionNotice):
    for action in (NoticeAction.ESCALATE, NoticeAction.RESOLVE):
        with pytest.raises(PermissionDeniedError):
            notice_transition(notice=notice, action=action, actor=world.users.office)
    for action in (NoticeAction.RESPOND, NoticeAction.CLOSE, NoticeAction.REOPEN):
        with pytest.raises(PermissionDeniedError):
            notice_transition(notice=notice, action=action, actor=None, comment="x")
    with pytest.raises(DomainError):
        notice_transition(notice=notice, action="approve", actor=world.users.office)
    with pytest.raises(DomainError):  # issued already: the table has no second issue
        notice_transition(notice=notice, action="issue", actor=world.users.office)
    assert len(notice_events(notice)) == 1


def test_daily_run_escalates_and_resolves_through_the_same_function(world: SimpleNamespace, plan: SimpleNamespace, notice: SupervisionNotice):
    due = notice.response_due
    supervision_run(program=world.program, today=due + dt.timedelta(days=1), rules=["task_overdue"])
    notice.refresh_from_db()
    assert (notice.level, notice.version) == (NoticeLevel.URGE, 2)
    plan.own.status = "completed"
    plan.own.save()
    supervision_run(program=world.program, today=due + dt.timedelta(days=2), rules=["task_overdue"])
    notice.refresh_from_db()
    events = notice_events(notice)
    assert [(e.kind, e.level, e.actor) for e in events] == [
        ("issued", NoticeLevel.REMIND, None), ("escalated", NoticeLevel.URGE, None),
        ("resolved", NoticeLevel.URGE, None)]
    assert (notice.status, notice.version) == (NoticeStatus.CLOSED, 3)
    assert events[1].text.startswith("逾期未答复，升级为「催办」")


@pytest.mark.usefixtures("world")
def test_the_table_is_data():
    assert NOTICE_WORKFLOW.allowed_actions(NoticeStatus.CLOSED) == []
    assert set(NOTICE_WORKFLOW.allowed_actions(NoticeStatus.RESPONDED)) == {"respond", "reopen", "close", "resolve"}


def test_transition_endpoint_uses_the_shared_schema(world: SimpleNamespace, notice: SupervisionNotice, client_for: ClientFor):
    url = f"/api/programs/{world.program.id}/notices/{notice.id}/transition"
    response = client_for(world.users.reporter).post(url, {"action": "respond", "comment": "已整改", "expected_version": 1},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("responded", 2)
    assert [e["kind"] for e in response.json()["events"]] == ["issued", "responded"]
    office = client_for(world.users.office)  # one test client: logging in switches the persona
    stale = office.post(url, {"action": "close", "expected_version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert office.post(url, {"action": "close", "expected_version": 2},
                       content_type="application/json").json()["status"] == "closed"
    assert client_for(world.users.reporter).post(url, {"action": "respond", "comment": "x"}, content_type="application/json"
                         ).status_code == 400


def test_page_sends_the_version_it_showed(world: SimpleNamespace, notice: SupervisionNotice, client_for: ClientFor):
    url = f"/programs/{world.program.id}/supervision/{notice.id}/"
    reporter = client_for(world.users.reporter)
    assert f'name="version" value="{notice.version}"' in reporter.get(url).content.decode()
    reporter.post(url, {"action": "respond", "text": "已整改", "version": str(notice.version)})
    response = client_for(world.users.office).post(url, {"action": "close", "text": "同意",
                                                         "version": str(notice.version)}, follow=True)
    assert "已被他人修改" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RESPONDED
