"""The province sheet of 完成上级规定的考核任务 numbers: download, upload → preview (old → new) → confirm → commit,
all or nothing, for the province office only."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.indicators.models import Indicator
from apps.programs.models import AssignedTarget
from apps.province.sheet import REASON
from tests.sheets import workbook_problems, xlsx

HEADER = ["城市", "区划代码", "指标代码", "指标名称", "年度", "现值", "状态", "考核任务值", "下达文件"]


def sheet_rows(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r[:2] == ["城市", "区划代码"])
    return rows[at + 1:]


def upload(client, prov, rows, *, commit=False):
    data = xlsx([HEADER, *rows], title="考核任务")
    return client.post(f"/api/provinces/{prov.province.id}/assigned/import",
                       {"file": SimpleUploadedFile("s.xlsx", data), "commit": "true" if commit else "false"})


def test_the_sheet_has_one_row_per_city_and_indicator_needing_the_number(prov, client_for):
    world = prov.world
    AssignedTarget.objects.create(program=world.program, region=world.city, indicator=_indicator("2019-07a"),
                                  year=2025, value=Decimal("81.5"), reason="市录入", created_by=world.users.office)
    response = client_for(prov.office).get(f"/api/provinces/{prov.province.id}/assigned.xlsx?year=2025")
    assert response.status_code == 200
    assert workbook_problems(response.content) == []
    rows = sheet_rows(response.content)
    keyed = {(r[1], r[2]): r for r in rows}
    assert {city for city, _code in keyed} == {world.city.code, world.other_city.code}
    row = keyed[(world.city.code, "2019-07a")]
    assert (row[4], row[5], row[6], row[7]) == (2025, "81.5", "已录入", "81.5")
    assert keyed[(world.other_city.code, "2019-07a")][6] == "未录入"
    assert all(r[2] != "2019-29" for r in rows)  # ≥95: no number to enter


def _indicator(code):
    return Indicator.objects.get(framework__code="national-2019", code=code)


def test_upload_previews_old_to_new_and_the_confirm_writes_revisions(prov, client_for):
    world = prov.world
    AssignedTarget.objects.create(program=world.program, region=world.city, indicator=_indicator("2019-07a"),
                                  year=2025, value=Decimal("81.5"), document="甘环发〔2025〕1号", reason="市录入",
                                  created_by=world.users.office)
    client = client_for(prov.office)
    preview = upload(client, prov, [["甲市", world.city.code, "2019-07a", "", 2025, "81.5", "", "83", ""],
                                    ["乙市", world.other_city.code, "2019-07a", "", 2025, "", "", "80", "甘环发〔2025〕9号"],
                                    ["甲市", world.city.code, "2019-20", "", 2025, "", "", "", ""]])
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert body["status"] == "previewed" and body["unchanged"] == 1
    changes = {c["name"]: c for c in body["changes"]}
    first = next(c for name, c in changes.items() if name.startswith("甲市"))
    assert first["changes"][0]["old"] == "81.5" and first["changes"][0]["new"] == "83"
    assert AssignedTarget.objects.filter(reason=REASON).count() == 0  # a preview writes nothing
    again = client.get(f"/api/provinces/{prov.province.id}/assigned/import/{body['import_id']}")
    assert again.status_code == 200 and again.json()["changes"] == body["changes"]  # the uploader reads it back
    done = client.post(f"/api/provinces/{prov.province.id}/assigned/import/{body['import_id']}/commit")
    assert done.status_code == 200 and done.json()["status"] == "committed"
    written = AssignedTarget.objects.filter(reason=REASON).order_by("region__code")
    assert [(a.region_id, a.value, a.document, a.created_by_id) for a in written] == [
        (world.city.id, Decimal("83"), "甘环发〔2025〕1号", prov.office.id),  # the document kept
        (world.other_city.id, Decimal("80"), "甘环发〔2025〕9号", prov.office.id)]
    assert AssignedTarget.objects.filter(program=world.program, region=world.city).count() == 2  # a new revision


def test_one_bad_row_writes_nothing(prov, client_for):
    world = prov.world
    client = client_for(prov.office)
    response = upload(client, prov, [["甲市", world.city.code, "2019-07a", "", 2025, "", "", "83", ""],
                                     ["甲市", world.city.code, "2019-29", "", 2025, "", "", "96", ""],
                                     ["丙市", "123456", "2019-07a", "", 2025, "", "", "70", ""],
                                     ["乙市", world.other_city.code, "2019-07a", "", 2025, "", "", "八十", ""]],
                      commit=True)
    assert response.status_code == 400
    errors = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert errors == {(4, "指标代码"), (5, "区划代码"), (6, "考核任务值")}
    assert not AssignedTarget.objects.exists()


def test_only_the_province_office_enters_the_sheet(prov, client_for):
    world = prov.world
    for user in (prov.leader, world.users.office):
        client = client_for(user)
        assert client.get(f"/api/provinces/{prov.province.id}/assigned.xlsx").status_code == 403
        assert upload(client, prov, [["甲市", world.city.code, "2019-07a", "", 2025, "", "", "83", ""]],
                      commit=True).status_code == 403
        assert client.get(f"/province/{prov.province.id}/assigned/import/").status_code == 403
    assert not AssignedTarget.objects.exists()


def test_the_page_previews_and_confirms(prov, client_for):
    world = prov.world
    client = client_for(prov.office)
    url = f"/province/{prov.province.id}/assigned/import/"
    assert "下载" in client.get(url).content.decode()
    data = xlsx([HEADER, ["甲市", world.city.code, "2019-07a", "", 2025, "", "", "83", ""]], title="考核任务")
    page = client.post(url, {"file": SimpleUploadedFile("s.xlsx", data)}).content.decode()
    assert "确认导入" in page and "83" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    done = client.post(url, {"token": token})
    assert done.status_code == 302 and done.url == f"/province/{prov.province.id}/"
    assert AssignedTarget.objects.get(reason=REASON).value == Decimal("83")
