"""The users import of the set-up pages (#12): preview old → new, all or nothing, within the office's scope,
export → import changes nothing, one-time passwords shown once and stored nowhere in clear."""

from __future__ import annotations

import base64
import io
import json
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.accounts.models import Role, RoleAssignment, User
from apps.audit.models import AuditAction, AuditEvent
from apps.core.errors import DomainError
from apps.jobs.models import Job
from apps.setup.user_imports import users_check, users_write
from apps.staging.models import StagedImport
from docimport.users import COLUMNS
from tests.conftest import ClientFor, make_user
from tests.sheets import xlsx

HEAD = list(COLUMNS)  # 用户名, 姓名, 单位, 地区, 角色, 邮箱, 停用


def _upload(data: bytes) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile("users.xlsx", data)}


def _api(world: SimpleNamespace) -> str:
    return f"/api/setup/programs/{world.program.id}/users/import"


def _page(world: SimpleNamespace) -> str:
    return f"/programs/{world.program.id}/setup/users/import/"


def _snapshot() -> list[tuple[object, ...]]:
    users = list(User.objects.order_by("pk").values_list("username", "display_name", "email", "is_active",
                                                          "password"))
    duties = list(RoleAssignment.objects.order_by("pk").values_list("user_id", "role", "region_id",
                                                                    "department_id", "program_id"))
    return [*users, *duties]


def _stored_text() -> str:
    """Everything persistent an import could leak a password into: staged imports, jobs, the audit log."""
    rows = [*StagedImport.objects.values("plan", "result", "summary", "errors", "options"),
            *Job.objects.values("args", "result", "stage", "error"),
            *AuditEvent.objects.values("details", "target_label")]
    return json.dumps(rows, ensure_ascii=False, default=str)


def test_export_then_import_changes_nothing(world: SimpleNamespace, client_for: ClientFor):
    twice = make_user("twice", Role.DEPARTMENT_REPORTER, department=world.units["市水务局"])
    RoleAssignment.objects.create(user=twice, role=Role.LEADER, region=world.counties["plain"],
                                  program=world.program)
    client = client_for(world.users.office)
    exported = client.get(f"/programs/{world.program.id}/setup/users/export/")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "outsider" not in rows and "office" in rows  # the office's own people only
    assert rows["twice"][2] == "市水务局"
    assert rows["twice"][4] == f"部门联络员、领导（平原县，{world.program.name}）"
    assert client.get("/api/setup/users/export").content[:2] == b"PK"
    before = _snapshot()
    response = client.post(_api(world), _upload(exported.content))
    assert response.status_code == 200, response.content
    assert response.json()["changes"] == [] and response.json()["unchanged"] == len(rows)
    assert _snapshot() == before


def test_preview_old_to_new_then_commit_with_passwords_shown_once(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    data = xlsx([HEAD,
                 ["wang", "王五", "市住建局", "丘陵县", "部门联络员、县区生态办", "wang@example.cn", ""],
                 ["reporter", "联络员甲", "市生态环境局", "", "部门联络员", "", ""],
                 ["leader", world.users.leader.display_name, "", "甲市", "领导", "", "是"]])
    preview = client.post(_api(world), _upload(data)).json()
    assert preview["status"] == "previewed", preview
    changed = {c["name"]: (c["created"], [(f["label"], f["old"], f["new"]) for f in c["changes"]])
               for c in preview["changes"]}
    assert changed["wang"][0] is True
    assert ("角色", "", "县区生态办、部门联络员") in changed["wang"][1]
    assert changed["reporter"] == (False, [("姓名", world.users.reporter.display_name, "联络员甲")])
    assert changed["leader"] == (False, [("停用", "", "是")])
    assert not User.objects.filter(username="wang").exists()  # nothing written before the confirm
    done = client.post(f"{_api(world)}/{preview['import_id']}/commit").json()
    assert done["result"] == {"created": 1, "updated": 2, "unchanged": 0, "granted": 2, "revoked": 0}
    [issued] = done["initial_passwords"]
    wang = User.objects.get(username="wang")
    assert issued["username"] == "wang" and wang.check_password(issued["initial_password"])
    assert wang.must_change_password and wang.email == "wang@example.cn" and wang.display_name == "王五"
    assert sorted(d.role for d in wang.duties) == [Role.COUNTY_OFFICE, Role.DEPARTMENT_REPORTER]
    assert not User.objects.get(username="leader").is_active
    assert User.objects.get(username="reporter").display_name == "联络员甲"
    # the password is nowhere persistent, and a later read of the import does not carry it
    assert issued["initial_password"] not in _stored_text()
    again = client.get(f"{_api(world)}/{preview['import_id']}").json()
    assert again["committed"] and again["initial_passwords"] == []
    audited = set(AuditEvent.objects.filter(actor=world.users.office).values_list("action", flat=True))
    assert {AuditAction.USER_CREATE, AuditAction.ROLE_ASSIGN, AuditAction.USER_DEACTIVATE,
            AuditAction.SETUP_CHANGE} <= audited


def test_the_page_previews_confirms_and_shows_the_passwords_once(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    page = client.get(_page(world)).content.decode()
    assert "用户名、角色" in page and "不保存明文" in page
    data = xlsx([HEAD, ["li", "李四", "市水务局", "", "部门联络员", "", ""],
                 ["zhao", "赵六", "", "山区县", "县区生态办", "", ""]])
    preview = client.post(_page(world), _upload(data))
    assert "李四" in preview.content.decode() and not User.objects.filter(username="li").exists()
    done = client.post(_page(world), {"token": preview.context["token"]})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    html = done.content.decode()
    passwords = re.findall(r'<code class="password">([^<]+)</code>', html)
    assert len(passwords) == 2 and User.objects.get(username="li").check_password(passwords[0])
    sheet = re.search(r'base64,([A-Za-z0-9+/=]+)"', html)
    assert sheet is not None
    rows = list(load_workbook(io.BytesIO(base64.b64decode(sheet.group(1)))).active.values)
    assert rows[0] == ("用户名", "姓名", "一次性初始密码") and rows[1] == ("li", "李四", passwords[0])
    assert not any(p in _stored_text() for p in passwords)
    listing = client.get(f"/programs/{world.program.id}/setup/users/").content.decode()
    assert "li" in listing and passwords[0] not in listing


def test_bad_rows_write_nothing_sorted_and_named(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    before = _snapshot()
    data = xlsx([HEAD,
                 ["ok1", "好", "市水务局", "", "部门联络员", "", ""],
                 ["far", "", "乙市生态环境局", "", "部门联络员", "", ""],  # another city's unit
                 ["boss", "", "", "测试省", "生态办管理员", "", ""],  # above the office's own region
                 ["outsider", "改名", "", "乙市", "生态办管理员", "", ""],  # another office's user
                 ["nobody", "", "", "甲市", "局长", "", ""],  # no such role
                 ["office", "", "", "甲市", "领导", "", ""],  # its own roles
                 ["ok1", "", "市水务局", "", "部门联络员", "", ""]])  # twice
    response = client.post(_api(world), _upload(data))
    assert response.status_code == 400
    errors = [(e["row"], e["subject"]) for e in response.json()["errors"]]
    assert errors == [(4, "far"), (5, "boss"), (6, "outsider"), (7, "nobody"), (8, "office"), (9, "ok1")]
    assert "不存在或不在您的管辖范围内" in response.json()["errors"][0]["message"]
    page = client.post(_page(world), _upload(data)).content.decode()
    assert "不在您的管理范围内" in page
    assert _snapshot() == before


def test_only_an_office_imports(world: SimpleNamespace, client_for: ClientFor):
    data = xlsx([HEAD, ["reporter", "改", "市生态环境局", "", "部门联络员", "", ""]])
    before = _snapshot()
    for persona in ("reporter", "county", "leader", "inspector"):
        client = client_for(getattr(world.users, persona))
        assert client.post(_api(world), _upload(data)).status_code == 403
        assert client.get(_page(world)).status_code == 403
        assert client.get(f"/programs/{world.program.id}/setup/users/export/").status_code == 403
        assert client.get("/api/setup/users/export").status_code == 403
    outsider = client_for(world.users.outsider)
    assert outsider.post(_api(world), _upload(data)).status_code in (403, 404)
    response = outsider.post(f"/api/setup/programs/{world.other_program.id}/users/import", _upload(data))
    assert response.status_code == 400 and response.json()["errors"][0]["subject"] == "reporter"
    assert _snapshot() == before


def test_roles_the_row_drops_are_revoked(world: SimpleNamespace, client_for: ClientFor):
    both = make_user("both", Role.DEPARTMENT_REPORTER, department=world.units["市水务局"])
    RoleAssignment.objects.create(user=both, role=Role.INSPECTOR, region=world.city)
    client = client_for(world.users.office)
    data = xlsx([HEAD, ["both", "", "", "甲市", "核查人员", "", ""]])
    response = client.post(_api(world), {**_upload(data), "commit": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["result"]["revoked"] == 1 and response.json()["initial_passwords"] == []
    assert [a.role for a in RoleAssignment.objects.filter(user=both)] == [Role.INSPECTOR]
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, actor=world.users.office).exists()


def test_a_commit_nobody_collects_passwords_for_is_refused(world: SimpleNamespace):
    planned = users_check(actor=world.users.office,
                          data=xlsx([HEAD, ["new1", "", "市水务局", "", "部门联络员", "", ""]]))
    with pytest.raises(DomainError, match="初始密码只交给确认导入的管理员"):
        users_write(actor=world.users.office, planned=planned)
    assert not User.objects.filter(username="new1").exists()


def _grow(world: SimpleNamespace, start: int, n: int) -> None:
    for i in range(start, start + n):
        person = make_user(f"p{i}", Role.DEPARTMENT_REPORTER, department=world.units["市统计局"])
        RoleAssignment.objects.create(user=person, role=Role.LEADER, region=world.counties["arid"])


def _queries(client: Client, method: str, url: str, **data: object) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_export_and_preview_run_a_constant_number_of_queries(world: SimpleNamespace, client_for: ClientFor):
    client = client_for(world.users.office)
    export = f"/programs/{world.program.id}/setup/users/export/"

    def measure() -> tuple[int, int, int]:
        sheet = client.get(export).content
        return (_queries(client, "get", export), _queries(client, "post", _api(world), **_upload(sheet)),
                _queries(client, "get", f"/programs/{world.program.id}/setup/users/"))

    _grow(world, 0, 3)
    small = measure()
    _grow(world, 3, 30)
    assert measure() == small


def test_a_sheet_creates_a_bounded_number_of_users(world: SimpleNamespace, client_for: ClientFor, settings):
    settings.ECOCIV_USER_IMPORT_MAX_NEW = 2
    rows = [[f"n{i}", "", "市水务局", "", "部门联络员", "", ""] for i in range(3)]
    response = client_for(world.users.office).post(_api(world), _upload(xlsx([HEAD, *rows])))
    assert response.status_code == 400
    assert [(e["row"], e["subject"]) for e in response.json()["errors"]] == [(5, "n2")]
    assert "最多新建2个用户" in response.json()["errors"][0]["message"]
    assert not User.objects.filter(username__startswith="n").exists()
