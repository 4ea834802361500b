"""The facts workbook: the sheet 考核事实 and the sheet 人工评分 (the manual items' points) go down and back up
through the one staged import (preview old → new, row errors, all or nothing, download → upload changes nothing),
on the page and through the API; an office fact's key must be one the scheme reads and the system does not
supply, in the form, the API and the import. Only the office."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.scoring.models import ManualScore, OfficeFact, Scheme
from apps.scoring.services import manual_set
from docimport.scoring import FactRow, ManualRow, render_fact_sheet

MANUAL_HEADER = ["考核对象", "考核期", "评分项编码", "评分项", "得分", "满分", "理由"]


def _urls(scheme):
    page = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    api = f"/api/programs/{scheme.program_id}/scoring"
    return page, api


def _upload(data: bytes) -> dict:
    return {"file": SimpleUploadedFile("f.xlsx", data)}


def _book(office, scheme):
    page, _api = _urls(scheme)
    answer = office.get(f"{page}/facts.xlsx?period=2025")
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.content))


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_manual_sheet_goes_down_and_back_up_through_the_staged_import(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    page, api = _urls(scheme)
    manual_set(program=scheme.program, scheme_code=scheme.code, department=scored.units[1], period="2025",
               item="C5", points=Decimal("3.5"), reason="台账不全", actor=scored.world.users.office)
    kept = ManualScore.objects.get(department=scored.units[1], item="C5")
    book = _book(office, scheme)
    assert book.sheetnames == ["考核事实", "人工评分"]
    sheet = book["人工评分"]
    assert [c.value for c in sheet[3]] == MANUAL_HEADER
    rows = list(sheet.iter_rows(min_row=4))
    # the entered points first, then one row to fill per county government without points (the item is a
    # county item: no department is offered)
    assert [(r[0].value, r[2].value, r[4].value, r[5].value) for r in rows] == (
        [(scored.units[1].name, "C5", "3.5", "4")]
        + [(u.name, "C5", None, "4") for u in scored.units if u != scored.units[1]])
    rows[0][4].value, rows[0][6].value = 4, "台账已补齐"  # changed
    rows[1][4].value, rows[1][6].value = "2.25", "宣传资料不全"  # new
    page_answer = office.post(f"{page}/facts/import/?period=2025", _upload(_save(book)))
    text = page_answer.content.decode()
    assert "<s>3.5</s> → 4" in text and "宣传资料不全" in text, text[text.find("<main"):][:3000]
    token = text.split('name="token" value="')[1].split('"')[0]
    assert office.post(f"{page}/facts/import/?period=2025", {"token": token}).status_code == 302
    entry = ManualScore.objects.get(department=scored.units[1], item="C5")
    # one entry per scheme, subject, period and item, kept up to date in place as manual_set keeps it
    assert (entry.pk, entry.points, entry.reason) == (kept.pk, Decimal(4), "台账已补齐")
    new = ManualScore.objects.get(department__name=rows[1][0].value, item="C5")
    assert (new.points, new.scheme_code, new.period) == (Decimal("2.25"), scheme.code, "2025")
    # download → upload changes nothing, through the scheme's API route
    again = _book(office, scheme)
    answer = office.post(f"{api}/schemes/{scheme.id}/facts/import", _upload(_save(again)))
    assert answer.status_code == 200, answer.content
    assert answer.json()["changes"] == [] and answer.json()["unchanged"] > 0
    # the API commits in one step too
    mine = next(r for r in again["人工评分"].iter_rows(min_row=4) if r[0].value == scored.units[1].name)
    mine[4].value = 1
    committed = office.post(f"{api}/schemes/{scheme.id}/facts/import", {**_upload(_save(again)), "commit": "true"})
    assert committed.status_code == 200, committed.content
    assert committed.json()["result"]["manual"] == 1
    assert ManualScore.objects.get(pk=kept.pk).points == Decimal(1)


def test_the_program_route_takes_manual_points_only_with_one_scheme(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    _page, api = _urls(scheme)
    data = render_fact_sheet("t", "n", [], manual=("m", "n", [
        ManualRow(0, scored.units[0].name, "2025", "C5", Decimal(3), "检查记录")]))
    answer = office.post(f"{api}/facts/import", _upload(data))
    assert answer.status_code == 400  # the program has two schemes: which one the points are for is not known
    assert [(e["row"], e["column"]) for e in answer.json()["errors"]] == [(4, "评分项编码")]
    assert not ManualScore.objects.exists()
    # with one scheme left, the program's route takes them for it
    Scheme.objects.filter(program=scheme.program).exclude(code=scheme.code).delete()
    answer = office.post(f"{api}/facts/import", {**_upload(data), "commit": "true"})
    assert answer.status_code == 200, answer.content
    assert ManualScore.objects.get().scheme_code == scheme.code


def test_a_bad_workbook_is_refused_with_every_row_error_and_writes_nothing(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    _page, api = _urls(scheme)
    unit = scored.units[0].name
    facts = [
        FactRow(0, unit, "2025", "air.pm25", "", Decimal(20), "", False, "监测年报"),  # 4: fine on its own
        FactRow(0, unit, "2025", "no.such.key", "", Decimal(1), "", False, "x"),  # 5: the scheme does not read it
        FactRow(0, unit, "2025", "tasks.on_time_rate", "", Decimal(1), "", False, "x"),  # 6: the system's
        FactRow(0, unit, "2025", "air.good_days", "", Decimal(1), "", False, "x"),  # 7: a mapped indicator's
    ]
    manual = [
        ManualRow(0, unit, "2025", "C5", Decimal(3), "检查记录"),  # 4: fine on its own
        ManualRow(0, unit, "2025", "A1", Decimal(3), "x"),  # 5: not a manual item
        ManualRow(0, unit, "2025", "Z9", Decimal(1), "x"),  # 6: not in the scheme
        ManualRow(0, unit, "2025", "C5", Decimal(5), "x"),  # 7: above its 4 points (and a duplicate row)
        ManualRow(0, scored.units[1].name, "2025", "C5", Decimal("1.234"), "x"),  # 8: 3 decimals, the scheme has 2
        ManualRow(0, scored.units[2].name, "2025", "C5", Decimal(-1), "x"),  # 9: below 0
        ManualRow(0, "不存在的单位", "2025", "C5", Decimal(1), "x"),  # 10: unknown subject
        ManualRow(0, scored.units[3].name, "2025-H1", "C5", Decimal(1), "x"),  # 11: not a period of the scheme
    ]
    data = render_fact_sheet("t", "n", facts, manual=("m", "n", manual))
    answer = office.post(f"{api}/schemes/{scheme.id}/facts/import", _upload(data))
    assert answer.status_code == 400, answer.content
    fact_errors = [e for e in answer.json()["errors"] if not e["subject"].startswith("人工评分：")]
    manual_errors = [e for e in answer.json()["errors"] if e["subject"].startswith("人工评分：")]
    assert [(e["row"], e["column"]) for e in fact_errors] == [(5, "事实键"), (6, "事实键"), (7, "事实键")]
    assert all(e["message"].startswith("考核方案未使用事实键「") for e in fact_errors)
    assert sorted((e["row"], e["column"]) for e in manual_errors) == [
        (5, "评分项编码"), (6, "评分项编码"), (7, "评分项编码"), (8, "得分"), (9, "得分"), (10, "考核对象"),
        (11, "考核期")]
    messages = {e["row"]: e["message"] for e in manual_errors}
    assert "与第4行重复" in messages[7] and "最多2位小数" in messages[8] and "按规则计分" in messages[5]
    # all or nothing: the fine rows were not written either
    assert OfficeFact.objects.get(department=scored.units[0], key="air.pm25").value != Decimal(20)
    assert not ManualScore.objects.exists()


def test_an_office_fact_key_is_checked_in_the_form_and_the_api(scored, client_for):
    scheme, unit, office = scored.run.scheme, scored.units[1], client_for(scored.world.users.office)
    page, api = _urls(scheme)
    for key in ("no.such.key", "tasks.on_time_rate", "air.good_days", "meetings.eco"):  # the last: the other scheme's
        answer = office.post(f"{page}/entries/?period=2025", {"form": "fact", "department": unit.id, "key": key,
                                                             "value": "1", "reason": "x"}, follow=True)
        assert f"考核方案未使用事实键「{key}」" in answer.content.decode()
    assert not OfficeFact.objects.filter(key__in=["no.such.key", "tasks.on_time_rate", "meetings.eco"]).exists()
    # the API has no scheme: a key any of the program's schemes reads (and the system does not supply) is taken
    payload = {"department_id": unit.id, "period": "2025", "value": "1", "reason": "x"}
    for key in ("no.such.key", "tasks.on_time_rate", "air.good_days"):
        answer = office.put(f"{api}/facts", {**payload, "key": key}, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["detail"].startswith(f"考核方案未使用事实键「{key}」")
    answer = office.put(f"{api}/facts", {**payload, "key": "meetings.eco"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    answer = office.put(f"{api}/facts", {**payload, "key": " incidents.major "}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["key"] == "incidents.major"


def test_only_the_office_imports_the_workbook(scored, client_for):
    scheme, users = scored.run.scheme, scored.world.users
    page, api = _urls(scheme)
    data = render_fact_sheet("t", "n", [], manual=("m", "n", [
        ManualRow(0, scored.units[0].name, "2025", "C5", Decimal(3), "检查记录")]))
    for user in (users.reporter, users.county, users.leader):
        client = client_for(user)
        assert client.get(f"{page}/facts.xlsx?period=2025").status_code == 403
        assert client.get(f"{page}/facts/import/?period=2025").status_code == 403
        assert client.post(f"{page}/facts/import/?period=2025", _upload(data)).status_code == 403
        assert client.get(f"{api}/schemes/{scheme.id}/facts.xlsx?period=2025").status_code == 403
        assert client.post(f"{api}/schemes/{scheme.id}/facts/import", _upload(data)).status_code == 403
        assert client.post(f"{api}/schemes/{scheme.id}/facts/import/1/commit").status_code == 403
        assert client.put(f"{api}/manual", {"scheme_code": scheme.code, "department_id": scored.units[0].id,
                                            "period": "2025", "item": "C5", "points": "3", "reason": "x"},
                          content_type="application/json").status_code == 403
    assert not ManualScore.objects.exists()


def test_a_scheme_import_is_read_and_confirmed_only_at_its_own_scheme(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    _page, api = _urls(scheme)
    other = Scheme.objects.filter(program=scheme.program).exclude(pk=scheme.pk).first()
    assert other is not None
    answer = office.post(f"{api}/schemes/{scheme.id}/facts/import", _upload(_save(_book(office, scheme))))
    assert answer.status_code == 200, answer.content
    import_id = answer.json()["import_id"]
    assert office.get(f"{api}/schemes/{other.id}/facts/import/{import_id}").status_code == 404
    refused = office.post(f"{api}/schemes/{other.id}/facts/import/{import_id}/commit")
    assert refused.status_code == 400 and refused.json()["detail"] == "预览已失效，请重新上传文件。"
    assert office.get(f"{api}/schemes/{scheme.id}/facts/import/{import_id}").json()["status"] == "previewed"
    assert office.post(f"{api}/schemes/{scheme.id}/facts/import/{import_id}/commit").json()["status"] == "committed"
