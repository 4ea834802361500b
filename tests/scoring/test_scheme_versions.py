"""Schemes edited in the app: downloaded (TOML, 评分细则表), uploaded as a new version through the staged import
(problems as row errors, old → new per item), an item edited in a form; runs keep the version they scored."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.scoring.models import Scheme, ScoreRun
from apps.scoring.services import run_create
from calc.scoring.schemefile import dumps


def _sheet(data: bytes) -> tuple[object, list[str]]:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    header = [c.value for c in sheet[3]]
    return book, header


def _xlsx(book) -> SimpleUploadedFile:
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("细则.xlsx", out.getvalue())


def test_the_sheet_goes_down_and_back_up_as_a_new_version(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    base = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    response = office.get(f"{base}/scheme.xlsx")
    assert response.status_code == 200
    book, header = _sheet(response.content)
    assert header[:5] == ["考核内容", "序号", "考核指标", "分值", "数据来源"]
    sheet = book.active
    a1 = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == "A1")
    a1[3].value = 8  # 分值 6 → 8, and the rule's parameters
    a1[6].value = a1[6].value.replace("deduct = 0.5", "deduct = 1")
    a2 = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == "A2")
    a2[3].value = 1  # keeps the total at 100 (A2 is 3 points)
    preview = office.post(f"{base}/import/", {"file": _xlsx(book)})
    page = preview.content.decode()
    assert preview.status_code == 200 and "确认导入" in page
    assert "<s>6</s> → 8" in page and "deduct = 1" in page and "<s>3</s> → 1" in page
    assert Scheme.objects.filter(code=scheme.code).count() == 1  # nothing stored before the confirm
    token = page.split('name="token" value="')[1].split('"')[0]
    done = office.post(f"{base}/import/", {"token": token})
    assert done.status_code == 302
    new = Scheme.objects.get(code=scheme.code, version=scheme.version + 1)
    assert new.data.item("A1").points == 8 and str(new.data.item("A1").rule.deduct) == "1"
    scored.run.refresh_from_db()
    assert scored.run.scheme_id == scheme.id and scored.run.scheme_version == scheme.version  # old runs keep theirs
    fresh = run_create(program=scheme.program, scheme=new, period="2025", actor=scored.world.users.office)
    assert ScoreRun.objects.get(pk=fresh.pk).scheme_version == scheme.version + 1


def test_problems_are_row_errors_and_nothing_is_stored(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    base = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    book, _ = _sheet(office.get(f"{base}/scheme.xlsx").content)
    rows = list(book.active.iter_rows(min_row=4))
    rows[0][3].value = "六"  # not a number
    rows[1][6].value = "key = "  # not an inline table
    page = office.post(f"{base}/import/", {"file": _xlsx(book)}).content.decode()
    assert "未写入任何数据" in page and "应为数字" in page and "键 = 值" in page
    api = office.post(f"/api/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/import",
                      {"file": _xlsx(book)})
    assert api.status_code == 400
    assert {e["row"] for e in api.json()["errors"]} == {4, 5}
    assert Scheme.objects.filter(code=scheme.code).count() == 1


def test_a_toml_upload_through_the_api_and_its_checks(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    url = f"/api/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/import"
    same = office.post(url, {"file": SimpleUploadedFile("s.toml", scheme.text.encode())})
    assert same.status_code == 400 and "相同" in str(same.json())
    wrong_total = scheme.text.replace("total = 100", "total = 90")
    refused = office.post(url, {"file": SimpleUploadedFile("s.toml", wrong_total.encode())})
    assert refused.status_code == 400 and "总分90" in str(refused.json())
    changed = scheme.text.replace('name = "PM2.5年均浓度"', 'name = "细颗粒物（PM2.5）年均浓度"')
    answer = office.post(url, {"file": SimpleUploadedFile("s.toml", changed.encode()), "commit": "true"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "committed"
    new = Scheme.objects.get(code=scheme.code, version=scheme.version + 1)
    assert new.data.item("A1").name == "细颗粒物（PM2.5）年均浓度"
    for url in (f"/api/programs/{scheme.program_id}/scoring/schemes/{new.id}/scheme.toml",
                f"/programs/{scheme.program_id}/scoring/schemes/{new.id}/scheme.toml"):
        toml = office.get(url)
        assert toml.status_code == 200 and "细颗粒物" in toml.content.decode(), url


def test_an_item_edited_in_the_form_is_a_new_version(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    url = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/items/A1/"
    page = office.get(url).content.decode()
    assert "air.pm25" in page
    data = {"name": "PM2.5年均浓度", "points": "6", "source": "监测年报",
            "params": 'key = "air.pm25", comparison = "<=", deduct = 0.25, target_key = "air.pm25.target", unit = "µg/m³"',
            "other": ""}
    assert office.post(url, data).status_code == 302
    new = Scheme.objects.get(code=scheme.code, version=scheme.version + 1)
    assert new.data.item("A1").zero_if is None and new.data.item("A1").source == "监测年报"
    bad = office.post(url, {**data, "points": "7"})  # the base points no longer add up to 100
    assert bad.status_code == 200 and "总分" in bad.content.decode()
    api = office.put(f"/api/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/items/A1",
                     {**data, "source": "年报"}, content_type="application/json")
    assert api.status_code == 201 and api.json()["version"] == scheme.version + 2
    assert dumps(Scheme.objects.get(pk=api.json()["id"]).data)  # a valid scheme


def test_only_the_office_changes_schemes_everyone_in_the_program_downloads(scored, client_for):
    scheme, users = scored.run.scheme, scored.world.users
    page = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    api = f"/api/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    for user in (users.reporter, users.county, users.leader):
        client = client_for(user)
        assert client.get(f"{page}/scheme.xlsx").status_code == 200
        assert client.get(f"{page}/import/").status_code == 403
        assert client.post(f"{page}/import/", {"file": SimpleUploadedFile("s.toml", b"x")}).status_code == 403
        assert client.get(f"{page}/items/A1/").status_code == 403
        assert client.post(f"{api}/import", {"file": SimpleUploadedFile("s.toml", b"x")}).status_code == 403
        assert client.put(f"{api}/items/A1", {"name": "x", "points": "6"},
                          content_type="application/json").status_code == 403
        assert "上传新版本" not in client.get(f"{page}/").content.decode()
    outsider = client_for(users.outsider)
    assert outsider.get(f"{page}/scheme.toml").status_code in (403, 404)
    assert Scheme.objects.filter(code=scheme.code).count() == 1
