"""The office's audit log page, its export and its API: scoped to the office's region, refused to others."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from openpyxl import load_workbook

from apps.accounts.models import Role
from apps.audit.access import OFFICE_ADMIN
from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import record
from tests.conftest import ClientFor
from tests.sheets import workbook_problems


@pytest.fixture
def log(world: SimpleNamespace) -> SimpleNamespace:
    users = world.users
    return SimpleNamespace(
        mine=record(users.reporter, AuditAction.EXPORT_DOWNLOAD, target_label="=HYPERLINK(\"x\")任务清单.xlsx"),
        county=record(users.county, AuditAction.LOGIN),
        other=record(users.outsider, AuditAction.EXPORT_DOWNLOAD, target_label="乙市任务清单.xlsx"),
        nameless=record(None, AuditAction.LOGIN_FAILED, actor_name="nobody"),
    )


def test_the_role_name_matches_accounts():
    assert OFFICE_ADMIN == Role.OFFICE_ADMIN


def test_an_office_sees_its_region_only(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor):
    response = client_for(world.users.office).get("/audit/")
    assert response.status_code == 200
    shown = {e.pk for e in response.context["page_obj"]}
    assert {log.mine.pk, log.county.pk} <= shown
    assert log.other.pk not in shown and log.nameless.pk not in shown
    html = response.content.decode()
    assert "任务清单.xlsx" in html and "乙市任务清单" not in html


@pytest.mark.parametrize("persona", ["reporter", "county", "leader", "inspector"])
def test_other_roles_are_refused(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor,  # noqa: ARG001
                                 persona: str):
    client = client_for(getattr(world.users, persona))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert client.get("/api/audit/events").status_code == 403


def test_anonymous_is_sent_to_login(db: None):  # noqa: ARG001
    assert Client().get("/audit/").status_code == 302
    assert Client().get("/api/audit/events").status_code == 401


def test_search(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)

    def shown(**params: str) -> set[int]:
        return {e.pk for e in client.get("/audit/", params).context["page_obj"]}

    assert shown(actor="county") == {log.county.pk}
    assert shown(action=AuditAction.EXPORT_DOWNLOAD) == {log.mine.pk}
    assert shown(q="任务清单") == {log.mine.pk}
    today = dt.date.today()
    assert log.mine.pk in shown(since=str(today - dt.timedelta(days=1)), until=str(today + dt.timedelta(days=1)))
    assert shown(until=str(today - dt.timedelta(days=2))) == set()
    response = client.get("/audit/", {"since": "2026-13-45"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.get("/audit/", {"since": str(today), "until": str(today - dt.timedelta(days=1))})
    assert "起始日期不能晚于截止日期" in response.content.decode()


def test_pages(world: SimpleNamespace, client_for: ClientFor):
    for n in range(60):
        record(world.users.office, AuditAction.EXPORT_DOWNLOAD, target_label=f"{n}.xlsx")
    client = client_for(world.users.office)
    first = client.get("/audit/")
    assert len(first.context["page_obj"]) == 50 and first.context["page_obj"].has_next()
    second = client.get("/audit/", {"page": "2"})
    assert len(second.context["page_obj"]) >= 10


def test_the_query_count_does_not_grow(world: SimpleNamespace, client_for: ClientFor, django_assert_max_num_queries):
    client = client_for(world.users.office)
    client.get("/audit/")
    for n in range(30):
        record(world.users.county, AuditAction.LOGIN, target_label=str(n))
    with django_assert_max_num_queries(12):
        client.get("/audit/")


def test_the_export_is_scoped_text_only_and_audited(world: SimpleNamespace, log: SimpleNamespace,
                                                    client_for: ClientFor):
    response = client_for(world.users.office).get("/audit/export.xlsx", {"action": AuditAction.EXPORT_DOWNLOAD})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join([response.content]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "审计日志" and rows[2][0] == "时间" and len(rows) == 4  # title, note, header, the event
    assert rows[3][6] == log.mine.target_label
    cell = sheet.cell(row=4, column=7)
    assert cell.data_type == "s"  # stored as text, never a formula
    assert workbook_problems(response.content) == []
    exported = AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOAD, actor=world.users.office).get()
    assert exported.target_label.startswith("审计日志-") and exported.details["path"].startswith("/audit/export.xlsx")


def test_the_api(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    response = client.get("/api/audit/events")
    assert response.status_code == 200
    body = response.json()
    ids = {item["id"] for item in body["items"]}
    assert {log.mine.pk, log.county.pk} <= ids and log.other.pk not in ids
    assert client.get("/api/audit/events", {"actor": "county"}).json()["count"] == 1
    assert client.get("/api/audit/events", {"since": "nope"}).status_code == 422


def test_the_api_has_no_write(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/api/audit/events/{log.mine.pk}")
        assert response.status_code in (404, 405), method
        assert getattr(client, method)("/api/audit/events").status_code == 405
    assert AuditEvent.objects.filter(pk=log.mine.pk).exists()


def test_a_superuser_sees_everything(world: SimpleNamespace, log: SimpleNamespace, client_for: ClientFor):
    world.users.leader.is_superuser = True
    world.users.leader.save()
    shown = {e.pk for e in client_for(world.users.leader).get("/audit/").context["page_obj"]}
    assert {log.mine.pk, log.other.pk, log.nameless.pk} <= shown
