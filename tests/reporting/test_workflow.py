from __future__ import annotations

from decimal import Decimal

import pytest

from apps.accounts.models import User
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.reporting.models import IndicatorValue
from apps.reporting.services import (
    ValueInput,
    WarningsUnconfirmed,
    indicator_value_save,
    indicator_value_transition,
    reporting_round_create,
)
from apps.review.services import review_history

from .conftest import save


def act(value: IndicatorValue, action: str, user: User, comment: str = "") -> IndicatorValue:
    value = IndicatorValue.objects.select_related("program__region").get(pk=value.pk)
    return indicator_value_transition(value=value, action=action, actor=user, comment=comment)


@pytest.mark.parametrize("persona, allowed", [
    ("reporter", True), ("office", True), ("county", False), ("leader", False), ("inspector", False),
    ("outsider", False),
])
def test_city_row_report_and_submit_by_role(rep, persona, allowed):
    user = getattr(rep.world.users, persona)
    if allowed:
        value = save(rep, user)
        act(value, "submit", user)
        assert IndicatorValue.objects.get(pk=value.pk).status == "submitted"
    else:
        with pytest.raises(PermissionDeniedError):
            save(rep, user)
        value = save(rep, rep.world.users.reporter)
        with pytest.raises(PermissionDeniedError):
            act(value, "submit", user)
        assert IndicatorValue.objects.get(pk=value.pk).status == "draft"


def test_county_office_reports_only_its_county(rep):
    users = rep.world.users
    value = save(rep, users.county, region=rep.world.counties["hill"])
    act(value, "submit", users.county)
    with pytest.raises(PermissionDeniedError):
        save(rep, users.county, region=rep.world.counties["plain"])
    with pytest.raises(PermissionDeniedError):
        save(rep, users.reporter, region=rep.world.counties["hill"], indicator=rep.qualitative, number=None,
             qualitative="achieved", version=0)


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector", "outsider"])
def test_only_office_reviews(rep, persona):
    value = save(rep, rep.world.users.reporter)
    act(value, "submit", rep.world.users.reporter)
    user = getattr(rep.world.users, persona)
    for action, comment in [("approve", ""), ("return", "口径不对")]:
        with pytest.raises(PermissionDeniedError):
            act(value, action, user, comment)
    assert IndicatorValue.objects.get(pk=value.pk).status == "submitted"


def test_full_cycle_and_lock(rep):
    users = rep.world.users
    value = save(rep, users.reporter, number="25")
    act(value, "submit", users.reporter)
    with pytest.raises(DomainError):
        act(value, "return", users.office)  # a return needs a comment
    act(value, "return", users.office, "请补充统计口径")
    value.refresh_from_db()
    assert value.status == "returned"
    value = save(rep, users.reporter, number="26", version=value.version, caliber="全市", reason="补充口径")
    act(value, "submit", users.reporter)
    assert IndicatorValue.objects.get(pk=value.pk).status == "resubmitted"
    act(value, "approve", users.office)
    value.refresh_from_db()
    assert value.status == "approved" and value.approved_revision.number == 26
    with pytest.raises(DomainError, match="锁定"):
        save(rep, users.reporter, number="27", version=value.version)
    with pytest.raises(PermissionDeniedError):
        act(value, "reopen", users.reporter, "想改")
    with pytest.raises(DomainError):
        act(value, "reopen", users.office)  # a reopen needs a reason
    act(value, "reopen", users.office, "统计局更正数据")
    value.refresh_from_db()
    assert value.status == "draft"
    assert value.approved_revision.number == 26  # the approved number stays until a new approval
    actions = [e.action for e in review_history(value)]
    assert actions == ["submit", "return", "submit", "approve", "reopen"]


def test_submit_from_approved_refused(rep):
    users = rep.world.users
    value = save(rep, users.reporter)
    act(value, "submit", users.reporter)
    act(value, "approve", users.office)
    with pytest.raises(DomainError):
        act(value, "submit", users.reporter)
    with pytest.raises(DomainError):
        act(value, "approve", users.office)


def test_optimistic_lock_conflict(rep):
    users = rep.world.users
    value = save(rep, users.reporter, number="25")
    seen = value.version
    save(rep, users.office, number="30", version=seen, reason="生态办更正")
    with pytest.raises(ConflictError):
        save(rep, users.reporter, number="28", version=seen)
    with pytest.raises(ConflictError):
        save(rep, users.reporter, number="28", version=0)  # creating what someone else already created
    value.refresh_from_db()
    assert value.current_revision.number == 30
    assert [r.number for r in value.revisions.order_by("id")] == [25, 30]  # nothing lost or overwritten


def test_range_errors_and_jump_warnings(rep):
    users = rep.world.users
    with pytest.raises(DomainError, match="超出合理范围"):
        save(rep, users.reporter, number="120")
    with pytest.raises(DomainError, match="定性指标"):
        save(rep, users.reporter, indicator=rep.qualitative, number="1")
    # an approved 2024 value makes 2025's jump checkable

    previous = reporting_round_create(program=rep.world.program, actor=users.office, name="2024年度调度",
                                      period_type="year", year=2024, due=rep.round.due,
                                      indicators=[rep.numeric], regions=[rep.world.city])

    old = indicator_value_save(reporting_round=previous, region=rep.world.city, indicator=rep.numeric,
                               actor=users.reporter, data=ValueInput(number=Decimal("20")), expected_version=0)
    act(old, "submit", users.reporter)
    act(old, "approve", users.office)
    with pytest.raises(WarningsUnconfirmed):
        save(rep, users.reporter, number="35")
    with pytest.raises(WarningsUnconfirmed):
        save(rep, users.reporter, number="35", confirm_warnings=True)  # confirming needs a note
    value = save(rep, users.reporter, number="35", confirm_warnings=True, note="新增考核项目")
    assert value.current_revision.warnings and "75%" in value.current_revision.warnings[0]
    assert save(rep, users.reporter, number="28", version=value.version).current_revision.warnings == []
