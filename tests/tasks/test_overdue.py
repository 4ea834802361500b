"""Overdue means due date < today in Asia/Shanghai; due today is not overdue."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone

from apps.tasks.models import NoticeStatus, SupervisionNotice, TaskMilestone, TaskStatus
from apps.tasks.selectors import notice_events
from apps.tasks.supervision import supervision_run
from tests.conftest import ClientFor

DUE = dt.date(2026, 6, 30)


def _at_utc(*args: int) -> AbstractContextManager[object]:
    return mock.patch("django.utils.timezone.now", return_value=dt.datetime(*args, tzinfo=dt.UTC))


def test_task_due_today_is_not_overdue(plan: SimpleNamespace):
    assert plan.own.is_overdue(DUE) is False
    assert plan.own.is_overdue(DUE - dt.timedelta(days=1)) is False
    assert plan.own.is_overdue(DUE + dt.timedelta(days=1)) is True


def test_completed_task_is_never_overdue(plan: SimpleNamespace):
    plan.own.status = TaskStatus.COMPLETED
    assert plan.own.is_overdue(DUE + dt.timedelta(days=100)) is False


@pytest.mark.django_db
@pytest.mark.usefixtures("plan")
def test_rule_flags_only_after_the_due_date(world: SimpleNamespace):
    TaskMilestone.objects.all().delete()
    supervision_run(program=world.program, today=DUE)
    assert not SupervisionNotice.objects.filter(rule="task_overdue").exists()
    supervision_run(program=world.program, today=DUE + dt.timedelta(days=1))
    flagged = SupervisionNotice.objects.filter(rule="task_overdue")
    assert {n.department.name for n in flagged} == {"市生态环境局", "市住建局"}
    assert all(n.issued_on == DUE + dt.timedelta(days=1) for n in flagged)


@pytest.mark.django_db
@pytest.mark.usefixtures("plan")
def test_milestone_boundary(world: SimpleNamespace):
    milestone_due = dt.date(2026, 3, 31)
    supervision_run(program=world.program, today=milestone_due)
    assert not SupervisionNotice.objects.filter(rule="milestone_overdue").exists()
    supervision_run(program=world.program, today=milestone_due + dt.timedelta(days=1))
    notice = SupervisionNotice.objects.get(rule="milestone_overdue")
    assert notice.department == world.units["市生态环境局"]
    assert "规划颁布" in notice.title


@pytest.mark.django_db
@pytest.mark.usefixtures("plan")
def test_shanghai_midnight_in_utc(world: SimpleNamespace):
    """2026-06-30 15:59 UTC is 23:59 on the due day in Shanghai; 16:00 UTC is already 1 July there."""
    TaskMilestone.objects.all().delete()
    with _at_utc(2026, 6, 30, 15, 59, 59):
        assert timezone.localdate() == DUE
        supervision_run(program=world.program, rules=["task_overdue"])
    assert not SupervisionNotice.objects.exists()
    with _at_utc(2026, 6, 30, 16, 0, 0):
        assert timezone.localdate() == DUE + dt.timedelta(days=1)
        supervision_run(program=world.program, rules=["task_overdue"])
    assert SupervisionNotice.objects.filter(rule="task_overdue").count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("plan")
def test_task_page_marks_overdue_by_shanghai_date(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    with _at_utc(2026, 6, 30, 15, 59, 0):
        assert "（逾期）" not in client.get(f"/programs/{world.program.id}/tasks/").content.decode()
    with _at_utc(2026, 6, 30, 16, 1, 0):
        assert "（逾期）" in client.get(f"/programs/{world.program.id}/tasks/").content.decode()


@pytest.mark.django_db
def test_overdue_project_rule_and_resolution(world: SimpleNamespace, plan: SimpleNamespace):
    end = plan.other_project.end
    supervision_run(program=world.program, today=end, rules=["project_overdue"])
    assert not SupervisionNotice.objects.exists()
    supervision_run(program=world.program, today=end + dt.timedelta(days=1), rules=["project_overdue"])
    notice = SupervisionNotice.objects.get(rule="project_overdue")
    assert notice.department == world.units["市住建局"]
    plan.other_project.status = "completed"
    plan.other_project.save()
    supervision_run(program=world.program, today=end + dt.timedelta(days=2), rules=["project_overdue"])
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert [e.kind for e in notice_events(notice)] == ["issued", "resolved"]
