"""The one inbox (待办) counts the unit's indicator values: overdue first, then returned, then due soon."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.reporting.services import reporting_round_create
from apps.tasks import selectors
from tests.conftest import ClientFor

from .conftest import save
from .test_workflow import act


def _later_round(rep):
    world = rep.world
    return reporting_round_create(
        program=world.program, actor=world.users.office, name="2026年上半年调度", period_type="half", year=2026,
        period_number=1, due=timezone.localdate() + dt.timedelta(days=30), indicators=[rep.numeric],
        regions=[world.city],
    )


def test_reporter_sees_overdue_and_returned_values_overdue_first(rep, client_for: ClientFor):
    users = rep.world.users
    value = save(rep, users.reporter)
    act(value, "submit", users.reporter)
    act(value, "return", users.office, "请附佐证")
    later = _later_round(rep)
    data = client_for(users.reporter).get(f"/api/programs/{rep.world.program.id}/inbox").json()
    assert [(r["title"], r["overdue"], r["returned"]) for r in data["due_reports"]] == [
        ("2025年度调度：被退回的数值 1 项", True, True),
        ("2025年度调度：待填报的数值 1 项", True, False),
        ("2026年上半年调度：待填报的数值 1 项", False, False),
    ]
    assert data["due_reports"][0]["url"] == f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/inbox/"
    page = client_for(users.reporter).get(f"/programs/{rep.world.program.id}/inbox/").content.decode()
    assert "待报送（3）" in page
    assert page.index("2025年度调度：被退回") < page.index("2026年上半年调度") and later.name in page


def test_submitted_values_leave_the_inbox(rep):
    users = rep.world.users
    unit = rep.world.units["市生态环境局"]
    before = selectors.department_inbox(rep.world.program, unit, today=dt.date(2026, 1, 1)).due_reports
    assert [(r.title, r.overdue) for r in before] == [("2025年度调度：待填报的数值 2 项", False)]
    for indicator in (rep.numeric, rep.qualitative):
        value = save(rep, users.reporter, indicator=indicator, **({} if indicator == rep.numeric else
                                                                    {"number": None, "qualitative": "achieved"}))
        act(value, "submit", users.reporter)
    assert selectors.department_inbox(rep.world.program, unit, today=dt.date(2026, 1, 1)).due_reports == []


def test_due_reports_order_not_overdue_is_by_returned_then_due():
    a = selectors.DueReport("a", dt.date(2026, 3, 1))
    b = selectors.DueReport("b", dt.date(2026, 4, 1), returned=True)
    c = selectors.DueReport("c", dt.date(2026, 5, 1), overdue=True)
    assert [r.title for r in sorted([a, b, c], key=selectors.due_report_order)] == ["c", "b", "a"]


def test_another_units_inbox_is_denied(rep, client_for: ClientFor):
    client = client_for(rep.world.users.reporter)
    other = rep.world.units["市住建局"].id
    assert client.get(f"/api/programs/{rep.world.program.id}/inbox?department_id={other}").status_code == 403
    assert client.get(f"/programs/{rep.world.program.id}/inbox/?department={other}").status_code == 403
