from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import DomainError, PermissionDeniedError
from apps.reporting.models import IndicatorValue
from apps.reporting.selectors import inbox, inbox_obligations, round_obligations
from apps.reporting.services import reporting_round_create

from .conftest import save
from .test_import_evidence_api import fill, template_for
from .test_workflow import act


def test_obligations_split_between_lead_units_and_county_offices(rep):
    world = rep.world
    rows = round_obligations(rep.round)
    city_rows = {(o.reporter.label, o.indicator.code) for o in rows if o.region == world.city}
    assert city_rows == {("市生态环境局", "2019-03"), ("市生态环境局", "2019-01")}  # cooperating 市统计局 does not report
    county_rows = {(o.reporter.label, o.region.name) for o in rows if o.region != world.city}
    assert county_rows == {("丘陵县生态办", "丘陵县"), ("平原县生态办", "平原县")}
    assert {o.region for o in round_obligations(rep.round, department=world.units["市生态环境局"])} == {world.city}
    assert round_obligations(rep.round, department=world.units["市统计局"]) == []
    hill = round_obligations(rep.round, county=world.counties["hill"])
    assert {o.region for o in hill} == {world.counties["hill"]} and len(hill) == 2


def test_round_create_rules(rep):
    world = rep.world
    with pytest.raises(PermissionDeniedError):
        reporting_round_create(program=world.program, actor=world.users.reporter, name="x", period_type="year",
                               year=2026, due=dt.date(2027, 1, 31))
    with pytest.raises(DomainError, match="已经发起"):
        reporting_round_create(program=world.program, actor=world.users.office, name="重复", period_type="year",
                               year=2025, due=dt.date(2026, 1, 31))
    with pytest.raises(DomainError, match="期次"):
        reporting_round_create(program=world.program, actor=world.users.office, name="x", period_type="half",
                               year=2025, period_number=3, due=dt.date(2025, 7, 31))
    half = reporting_round_create(program=world.program, actor=world.users.office, name="2025年上半年调度",
                                  period_type="half", year=2025, period_number=1, due=dt.date(2025, 7, 15))
    assert half.period_label == "2025年上半年" and half.indicators.count() > 30


def test_inbox_due_overdue_returned(rep):
    users = rep.world.users
    value = save(rep, users.reporter)
    act(value, "submit", users.reporter)
    act(value, "return", users.office, "请附佐证")
    before = inbox(users.reporter, rep.round, today=dt.date(2026, 1, 1))
    assert not before.overdue
    assert [row.obligation.indicator.code for row in before.returned] == ["2019-03"]
    assert inbox_obligations(list(before.returned))[0].value.return_comment == "请附佐证"
    assert [row.obligation.indicator.code for row in before.to_do] == ["2019-01"]
    assert inbox(users.reporter, rep.round, today=dt.date(2026, 2, 1)).overdue
    assert inbox(users.leader, rep.round).to_do == ()


def test_entry_form_conflict_keeps_input(rep, client_for):
    users, world = rep.world.users, rep.world
    url = f"/programs/{world.program.id}/rounds/{rep.round.id}/entry/{world.city.id}/{rep.numeric.id}/"
    client = client_for(users.reporter)
    response = client.post(url, {"version": "0", "number": "24", "source": "统计公报"})
    assert response.status_code == 302
    save(rep, users.office, number="26", version=1, reason="生态办更正")
    response = client.post(url, {"version": "1", "number": "25.5", "source": "我的来源"})
    body = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in body and "我的来源" in body and "25.5" in body
    value = IndicatorValue.objects.get()
    assert value.current_revision.number == 26 and value.revisions.count() == 2
    client.post(url, {"version": str(value.version), "number": "27", "submit": "1"})
    assert IndicatorValue.objects.get().status == "submitted"
    assert client_for(users.county).get(url).status_code == 403


def test_import_page_preview_then_commit(rep, client_for):

    client = client_for(rep.world.users.reporter)
    data = template_for(client, rep)
    filled = fill(data, {3: (None, "已建立") if rep.qualitative.order < rep.numeric.order else (22, None),
                         4: (22, None) if rep.qualitative.order < rep.numeric.order else (None, "已建立")})
    url = f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/import/"
    response = client.post(url, {"file": SimpleUploadedFile("t.xlsx", filled)})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert IndicatorValue.objects.count() == 0
    response = client.post(url, {"token": response.context["token"]})
    assert response.status_code == 302 and IndicatorValue.objects.count() == 2
