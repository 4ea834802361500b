"""The plan import pages and API: upload → preview → correct → confirm, for the program's office only."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.test import Client

from apps.accounts.models import Role
from apps.planimport.models import PlanSummary
from apps.staging.models import StagedImport
from apps.tasks.models import Task
from tests.conftest import ClientFor, make_user
from tests.planimport.conftest import plan_extraction, plan_file
from tests.queries import page_queries


def _base(world: SimpleNamespace) -> str:
    return f"/programs/{world.program.id}/plan-import/"


def test_upload_preview_correct_and_confirm_on_the_pages(world: SimpleNamespace, client_for: ClientFor,
                                                          read_as) -> None:  # noqa: ARG001
    client = client_for(world.users.office)
    assert "导入规划文件" in client.get(_base(world)).content.decode()
    response = client.post(_base(world), {"file": plan_file()})
    staged = StagedImport.objects.get(kind="planimport.plan")
    assert response.status_code == 302 and response.url == f"{_base(world)}{staged.id}/"
    page = client.get(response.url).content.decode()
    assert 'data-span="' in page and "推进第1项工作" in page and "市教育局" in page and "项目汇总" in page
    assert "planimport/spans.js" in page
    response = client.post(f"{_base(world)}{staged.id}/correct/", {"kind": "title", "key": "t1", "version": "0",
                                                                   "title": "燃煤锅炉整治"})
    assert response.status_code == 302 and response.url.endswith("#item-t1")
    response = client.post(f"{_base(world)}{staged.id}/correct/", {"kind": "units", "key": "t2", "version": "1",
                                                                   "lead": "市水务局、市财政局", "cooperating": ""})
    assert response.status_code == 302
    client.post(f"{_base(world)}{staged.id}/confirm/")
    staged.refresh_from_db()
    assert staged.status == "committed"
    task = Task.objects.get(program=world.program, title="推进第2项工作")
    assert sorted(u.department.name for u in task.units.all()) == ["市水务局", "市财政局"]
    assert Task.objects.filter(program=world.program, title="燃煤锅炉整治").exists()
    assert "共 12 个项目" in client.get(_base(world)).content.decode()
    overview = client.get(f"/programs/{world.program.id}/").content.decode()
    assert "甲市生态文明建设示范市创建实施方案" in overview and "共 12 个项目" in overview


def test_a_stale_correction_shows_a_message_and_changes_nothing(world: SimpleNamespace, client_for: ClientFor,
                                                                staged: StagedImport) -> None:
    client = client_for(world.users.office)
    response = client.post(f"{_base(world)}{staged.id}/correct/", {"kind": "title", "key": "t1", "version": "9",
                                                                   "title": "别的"}, follow=True)
    assert "预览已被更新" in response.content.decode()
    staged.refresh_from_db()
    assert staged.plan["version"] == 0


def test_a_file_of_another_type_is_refused(world: SimpleNamespace, client_for: ClientFor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415
    client = client_for(world.users.office)
    response = client.post(_base(world), {"file": SimpleUploadedFile("plan.txt", b"\x00\x01binary")})
    assert response.status_code == 200 and "不是允许的类型" in response.content.decode()
    assert not StagedImport.objects.filter(kind="planimport.plan").exists()


def test_the_api_upload_preview_correct_matches_commit(world: SimpleNamespace, client_for: ClientFor,
                                                       read_as) -> None:  # noqa: ARG001
    client = client_for(world.users.office)
    base = f"/api/programs/{world.program.id}/plan-imports"
    response = client.post(base, {"file": plan_file()})
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "previewed" and len(body["sha256"]) == 64
    span = plan_extraction().tasks[0].span
    assert body["tasks"][0]["span"] == [span.start, span.end]
    assert body["text"].startswith("甲市") and any(c["name"] == "项目汇总" for c in body["changes"])
    url = f"{base}/{body['import_id']}"
    matches = client.get(f"{url}/matches").json()
    unit = next(m for m in matches["units"] if m["name"] == "市住房城乡建设局")
    assert (unit["matched"], unit["confidence"]) == ("市住建局", 0.9) and "住建局" in unit["reason"]
    assert matches["indicators"][0] | {"reason": ""} == {"name": "林草覆盖率", "matched": "林草覆盖率",
                                                       "id": matches["indicators"][0]["id"], "confidence": 1.0,
                                                       "reason": ""}
    response = client.post(f"{url}/corrections", json.dumps({"kind": "drop", "key": "t2", "version": 0}),
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["tasks"][1]["dropped"] and response.json()["version"] == 1
    response = client.post(f"{url}/corrections", json.dumps({"kind": "bogus", "version": 1}),
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"{url}/commit")
    assert response.status_code == 200 and response.json()["status"] == "committed"
    assert response.json()["result"]["tasks_created"] == 1
    assert PlanSummary.objects.filter(program=world.program).count() == 1


def test_permissions_on_pages_and_api(world: SimpleNamespace, client: Client, staged: StagedImport) -> None:
    own = f"{_base(world)}{staged.id}/"
    api = f"/api/programs/{world.program.id}/plan-imports"
    second_office = make_user("office2", Role.OFFICE_ADMIN, region=world.city)
    cases = [(world.users.reporter, 403), (world.users.leader, 403), (world.users.outsider, 403)]  # another city: access_program says 403
    for user, status in cases:
        client.force_login(user)
        assert client.get(_base(world)).status_code == status, user
        assert client.get(own).status_code == status, user
        assert client.post(f"{own}correct/", {"kind": "drop", "key": "t1", "version": "0"}).status_code == status
        assert client.post(f"{own}confirm/").status_code == status
        assert client.post(f"{own}discard/").status_code == status
        assert client.post(f"{api}/{staged.id}/corrections", json.dumps({"kind": "drop", "key": "t1", "version": 0}),
                           content_type="application/json").status_code == status
        assert client.post(api, {"file": plan_file()}).status_code == status
        assert client.get(f"{api}/{staged.id}").status_code == status
        assert client.get(f"{api}/{staged.id}/matches").status_code == status
        assert client.post(f"{api}/{staged.id}/commit").status_code == status
    client.force_login(second_office)  # the same office, but not the uploader: someone else's import
    assert client.get(own).status_code == 404
    assert client.get(f"{api}/{staged.id}").status_code == 404
    assert client.post(f"{api}/{staged.id}/commit").status_code == 404
    assert client.post(f"{own}discard/").status_code == 404
    staged.refresh_from_db()
    assert staged.status == "previewed" and staged.plan["version"] == 0
    assert StagedImport.objects.filter(kind="planimport.plan").count() == 1


def _count(client: Client, url: str) -> int:
    return page_queries(client, url, cold=True)


def test_the_preview_page_runs_a_constant_number_of_queries(world: SimpleNamespace, client_for: ClientFor,
                                                            read_as) -> None:
    client = client_for(world.users.office)
    counts = []
    for size in (2, 30):
        read_as(plan_extraction(tasks=size))
        client.post(_base(world), {"file": plan_file(f"plan{size}.txt")})
        staged = StagedImport.objects.filter(kind="planimport.plan").first()
        assert len(staged.plan["draft"]["tasks"]) == size
        counts.append((_count(client, f"{_base(world)}{staged.id}/"),
                       _count(client, f"/api/programs/{world.program.id}/plan-imports/{staged.id}")))
    assert counts[0] == counts[1]


def test_the_pages_lists_name_units_and_indicators(world: SimpleNamespace, client_for: ClientFor,
                                                   staged: StagedImport) -> None:
    client = client_for(world.users.office)
    url = f"{_base(world)}{staged.id}/correct/"
    client.post(url, {"kind": "unit", "unit": "市教育局", "action": "match", "department": "市统计局", "version": "0"})
    client.post(url, {"kind": "indicator", "key": "g1", "indicator": "城镇污水处理率", "version": "1"})
    response = client.post(url, {"kind": "unit", "unit": "市教育局", "action": "match", "department": "乙市生态环境局",
                                 "version": "2"}, follow=True)
    assert "不属于本创建工作区域" in response.content.decode()
    staged.refresh_from_db()
    assert staged.plan["version"] == 2
    draft = staged.plan["draft"]
    assert next(u for u in draft["units"] if u["name"] == "市教育局")["department_id"] == world.units["市统计局"].id
    assert draft["targets"][0]["indicator_name"] == "城镇污水处理率"


def test_a_document_the_reader_cannot_read_fails_with_its_reason(world: SimpleNamespace, client_for: ClientFor,
                                                                 monkeypatch) -> None:
    from apps.planimport import imports  # noqa: PLC0415
    from docimport.plan import UnreadableDocument  # noqa: PLC0415

    def unreadable(_data: bytes, _name: str) -> None:
        raise UnreadableDocument("PDF 没有文字层（扫描件需先做文字识别）")

    monkeypatch.setattr(imports, "read_plan", unreadable)
    client = client_for(world.users.office)
    response = client.post(_base(world), {"file": plan_file()}, follow=True)
    assert "PDF 没有文字层" in response.content.decode()
    staged = StagedImport.objects.get(kind="planimport.plan")
    body = client.get(f"/api/programs/{world.program.id}/plan-imports/{staged.id}").json()
    assert body["status"] == "failed" and "PDF 没有文字层" in body["errors"][0]["message"] and body["tasks"] == []


def test_discard_drops_the_import_and_its_file(world: SimpleNamespace, client_for: ClientFor,
                                               staged: StagedImport) -> None:
    client = client_for(world.users.office)
    response = client.post(f"{_base(world)}{staged.id}/discard/")
    assert response.status_code == 302 and response.url == _base(world)
    staged.refresh_from_db()
    assert staged.status == "discarded" and not staged.file.storage.exists(staged.file.name)
    response = client.post(f"{_base(world)}{staged.id}/confirm/", follow=True)
    assert "不能写入" in response.content.decode() and not Task.objects.filter(program=world.program).exists()
