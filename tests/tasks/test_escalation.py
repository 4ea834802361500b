"""提醒 → 催办 → 通报 when the response deadline passes without a response; a response stops it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from apps.core.errors import DomainError, PermissionDeniedError
from apps.programs.models import Program
from apps.tasks.models import NoticeLevel, NoticeStatus, SupervisionNotice, TaskMilestone
from apps.tasks.selectors import notice_events
from apps.tasks.supervision import (
    RESPONSE_DAYS,
    RULES,
    Flag,
    notice_close,
    notice_issue,
    notice_respond,
    register_rule,
    supervision_run,
)

START = dt.date(2026, 7, 1)  # the day after plan.own's deadline


@pytest.fixture
def notice(world: SimpleNamespace, plan: SimpleNamespace) -> SupervisionNotice:  # noqa: ARG001 - plan: the tasks
    TaskMilestone.objects.all().delete()
    supervision_run(program=world.program, today=START)
    return SupervisionNotice.objects.get(rule="task_overdue", department=world.units["市生态环境局"])


def test_escalation_steps(world: SimpleNamespace, notice: SupervisionNotice):
    assert (notice.level, notice.colour) == (NoticeLevel.REMIND, "yellow")
    first_due = START + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel.REMIND])
    assert notice.response_due == first_due
    supervision_run(program=world.program, today=first_due)  # deadline day itself: not yet
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.REMIND
    supervision_run(program=world.program, today=first_due + dt.timedelta(days=1))
    notice.refresh_from_db()
    assert (notice.level, notice.colour) == (NoticeLevel.URGE, "orange")
    second_due = notice.response_due
    assert second_due == first_due + dt.timedelta(days=1 + RESPONSE_DAYS[NoticeLevel.URGE])
    supervision_run(program=world.program, today=second_due + dt.timedelta(days=1))
    notice.refresh_from_db()
    assert (notice.level, notice.colour) == (NoticeLevel.CIRCULATE, "red")
    supervision_run(program=world.program, today=second_due + dt.timedelta(days=60))
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.CIRCULATE  # 通报 is the top
    assert [e.kind for e in notice_events(notice)] == ["issued", "escalated", "escalated"]


def test_response_stops_escalation_and_office_closes(world: SimpleNamespace, notice: SupervisionNotice):
    notice_respond(notice=notice, actor=world.users.reporter, text="已制定整改方案。", today=START)
    supervision_run(program=world.program, today=START + dt.timedelta(days=30))
    notice.refresh_from_db()
    assert (notice.level, notice.status) == (NoticeLevel.REMIND, NoticeStatus.RESPONDED)
    notice_close(notice=notice, actor=world.users.office, text="同意。")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert [e.kind for e in notice_events(notice)] == ["issued", "responded", "closed"]
    with pytest.raises(DomainError):
        notice_respond(notice=notice, actor=world.users.reporter, text="再次答复")


def test_returned_response_escalates_again(world: SimpleNamespace, notice: SupervisionNotice):
    notice_respond(notice=notice, actor=world.users.reporter, text="在办。", today=START)
    notice_close(notice=notice, actor=world.users.office, text="答复过于笼统。", reopen=True, today=START)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    supervision_run(program=world.program, today=notice.response_due + dt.timedelta(days=1))
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.URGE


def test_only_the_addressed_unit_responds_and_only_the_office_closes(world: SimpleNamespace, notice: SupervisionNotice):
    for user in (world.users.leader, world.users.inspector, world.users.office):
        with pytest.raises(PermissionDeniedError):
            notice_respond(notice=notice, actor=user, text="x")
    with pytest.raises(PermissionDeniedError):
        notice_close(notice=notice, actor=world.users.reporter, text="x")
    with pytest.raises(PermissionDeniedError):
        notice_close(notice=notice, actor=world.users.outsider, text="x")


@pytest.mark.usefixtures("plan")
def test_manual_notice(world: SimpleNamespace):
    notice = notice_issue(program=world.program, department=world.units["市水务局"], title="河长制巡河记录不全",
                          reason="请补齐。", actor=world.users.office, level=NoticeLevel.URGE, today=START)
    assert (notice.rule, notice.key, notice.colour) == ("manual", None, "orange")
    assert notice.response_due == START + dt.timedelta(days=RESPONSE_DAYS[NoticeLevel.URGE])
    with pytest.raises(PermissionDeniedError):
        notice_issue(program=world.program, department=world.units["市水务局"], title="x", reason="",
                     actor=world.users.leader)
    with pytest.raises(DomainError):
        notice_issue(program=world.program, department=world.other_unit, title="x", reason="",
                     actor=world.users.office)


@pytest.mark.usefixtures("plan")
def test_plugged_in_rule(world: SimpleNamespace):
    """A rule registered by another app (e.g. reports not submitted) flows through the same run."""
    unit = world.units["市统计局"]

    @register_rule("test_report_not_submitted", "逾期未报送")
    def not_submitted(program: Program, today: dt.date) -> Iterator[Flag]:
        if today > dt.date(2026, 1, 10):
            yield Flag(key=f"test_report_not_submitted:{program.id}:{unit.id}", department_id=unit.id,
                       title="2025年度指标数据未报送", reason="截止日期为2026年1月10日。")

    try:
        supervision_run(program=world.program, today=dt.date(2026, 1, 10), rules=["test_report_not_submitted"])
        assert not SupervisionNotice.objects.exists()
        supervision_run(program=world.program, today=dt.date(2026, 1, 11), rules=["test_report_not_submitted"])
        assert SupervisionNotice.objects.get().department == unit
    finally:
        RULES.pop("test_report_not_submitted")


@pytest.mark.usefixtures("plan")
def test_command_twice_creates_no_duplicates(world: SimpleNamespace):
    call_command("run_supervision", "--date", "2026-07-01", stdout=open("/dev/null", "w"))
    first = SupervisionNotice.objects.count()
    events = SupervisionNotice.objects.values_list("events__id", flat=True).count()
    assert first == 4  # two overdue tasks, the overdue milestone, the overdue project (each to its lead unit)
    call_command("run_supervision", "--date", "2026-07-01", stdout=open("/dev/null", "w"))
    assert SupervisionNotice.objects.count() == first
    assert SupervisionNotice.objects.values_list("events__id", flat=True).count() == events
    call_command("run_supervision", "--date", "2026-07-02", "--program", str(world.program.id),
                 stdout=open("/dev/null", "w"))
    assert SupervisionNotice.objects.count() == first
