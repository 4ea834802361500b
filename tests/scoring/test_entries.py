"""The office's entries: facts the system does not hold and manual points, per subject and period, with their
basis and evidence files, on a page, through the API and as a staged sheet import; the engine reads them and the
trace names them as sources. Departments and county offices enter nothing."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.geo.models import Region
from apps.scoring.models import ItemScore, ManualScore, OfficeFact
from apps.scoring.services import run_create, unpack
from calc.scoring.scheme import Manual
from docimport.scoring import FactRow, render_fact_sheet

from .conftest import add_facts, add_government

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _manual_item(scheme):
    return next(i for i in scheme.data.items if isinstance(i.rule, Manual))


def test_the_office_enters_a_fact_and_manual_points_with_evidence(scored, client_for):
    scheme, unit, office = scored.run.scheme, scored.units[1], client_for(scored.world.users.office)
    url = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/entries/"
    page = office.get(url + "?period=2025").content.decode()
    assert "考核事实与人工评分" in page and "air.pm25" in page
    answer = office.post(url, {"form": "fact", "period": "2025", "department": unit.id, "key": "incidents.major",
                               "value": "1", "reason": "市应急管理局通报",
                               "evidence": [SimpleUploadedFile("通报.pdf", PDF)]})
    assert answer.status_code == 302
    fact = OfficeFact.objects.get(department=unit, key="incidents.major", period="2025")
    assert fact.evidence.get().original_name == "通报.pdf"
    manual = _manual_item(scheme)
    office.post(url, {"form": "manual", "period": "2025", "department": unit.id, "item": manual.code,
                      "points": str(manual.points - 1), "reason": "资料不全", "evidence": [SimpleUploadedFile("检查记录.pdf", PDF)]})
    entry = ManualScore.objects.get(department=unit, item=manual.code)
    assert entry.points == manual.points - 1 and entry.evidence.count() == 1
    page = office.get(url + "?period=2025").content.decode()
    assert "通报.pdf" in page and "检查记录.pdf" in page
    run = run_create(program=scheme.program, scheme=scheme, period="2025", actor=scored.world.users.office)
    rows = {i.item: i for i in ItemScore.objects.filter(subject__run=run, subject__department=unit)}
    assert rows[manual.code].points == manual.points - 1 and "资料不全" in rows[manual.code].sentence
    assert (rows[manual.code].trace["source_kind"], rows[manual.code].trace["source_id"]) == ("manual_score", entry.id)
    incident = next(i for i in scheme.data.items if "incidents.major" in i.keys())
    assert rows[incident.code].points < 0
    # the fact and its source are in the run's inputs
    facts = unpack(run.inputs).facts
    mine = facts.filter((facts["key"] == "incidents.major") & (facts["subject"] == f"department:{unit.id}"))
    assert mine["source_kind"].to_list() == ["office_fact"] and mine["source_id"].to_list() == [fact.id]


def test_the_facts_sheet_goes_down_and_back_up_through_the_staged_import(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    base = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}"
    book = load_workbook(io.BytesIO(office.get(f"{base}/facts.xlsx?period=2025").content))
    sheet = book.active
    header = [c.value for c in sheet[3]]
    assert header == ["考核对象", "考核期", "事实键", "分项", "数值", "等级", "不涉及", "依据"]
    rows = list(sheet.iter_rows(min_row=4))
    pm25 = next(r for r in rows if r[0].value == scored.units[0].name and r[2].value == "air.pm25")
    pm25[4].value = 41
    blank = next(r for r in rows if r[2].value == "creation.townships" and not r[7].value)
    blank[4].value, blank[7].value = 2, "验收文件"
    out = io.BytesIO()
    book.save(out)
    page = office.post(f"{base}/facts/import/?period=2025", {"file": SimpleUploadedFile("f.xlsx", out.getvalue())})
    text = page.content.decode()
    assert "<s>33</s> → 41" in text and "验收文件" in text, text[text.find("<main"):][:3000]  # 33 + n, n = 0
    token = text.split('name="token" value="')[1].split('"')[0]
    assert office.post(f"{base}/facts/import/?period=2025", {"token": token}).status_code == 302
    assert OfficeFact.objects.get(department=scored.units[0], key="air.pm25").value == Decimal(41)
    assert OfficeFact.objects.filter(key="creation.townships", reason="验收文件").count() == 1
    # unchanged: downloading and uploading again changes nothing
    again = office.get(f"{base}/facts.xlsx?period=2025").content
    api = office.post(f"/api/programs/{scheme.program_id}/scoring/facts/import",
                      {"file": SimpleUploadedFile("f.xlsx", again)})
    assert api.status_code == 200 and api.json()["changes"] == []


def test_a_bad_facts_sheet_is_refused_with_its_row_errors(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    data = render_fact_sheet("t", "n", [FactRow(0, "不存在的单位", "2025", "air.pm25", "", Decimal(1), "", False, "x"),
                                        FactRow(0, scored.units[0].name, "2025", "air.pm25", "", None, "", False, "依据")])
    answer = office.post(f"/api/programs/{scheme.program_id}/scoring/facts/import",
                         {"file": SimpleUploadedFile("f.xlsx", data)})
    assert answer.status_code == 400
    assert {(e["row"], e["column"]) for e in answer.json()["errors"]} == {(4, "考核对象"), (5, "数值")}


def test_only_the_office_enters_facts(scored, client_for):
    scheme, users, unit = scored.run.scheme, scored.world.users, scored.units[0]
    base = f"/programs/{scheme.program_id}/scoring"
    fact = OfficeFact.objects.filter(department=unit).first()
    for user in (users.reporter, users.county, users.leader):
        client = client_for(user)
        assert client.get(f"{base}/schemes/{scheme.id}/entries/").status_code == 403
        assert client.post(f"{base}/schemes/{scheme.id}/entries/", {"form": "fact", "department": unit.id,
                                                                    "key": "air.pm25", "value": "1",
                                                                    "reason": "x"}).status_code == 403
        assert client.get(f"{base}/schemes/{scheme.id}/facts.xlsx").status_code == 403
        assert client.post(f"/api{base}/facts/import", {"file": SimpleUploadedFile("f.xlsx", b"x")}).status_code == 403
        assert client.get(f"/api{base}/facts?period=2025").status_code == 403
        assert client.post(f"/api{base}/facts/{fact.id}/evidence",
                           {"evidence": [SimpleUploadedFile("a.pdf", PDF)]}).status_code == 403
    assert OfficeFact.objects.get(pk=fact.pk).value == fact.value and not fact.evidence.exists()
    # The evidence of an office fact: the office and the unit it is about, nobody else.
    office = client_for(users.office)
    answer = office.post(f"/api{base}/facts/{fact.id}/evidence", {"evidence": [SimpleUploadedFile("a.pdf", PDF)]})
    assert answer.status_code == 201
    url = answer.json()["evidence"][0]["url"]
    assert office.get(url).status_code == 200
    assert client_for(users.county).get(url).status_code == 200  # 丘陵县's office: the fact is about its government
    assert client_for(users.reporter).get(url).status_code == 403


def test_the_entries_page_keeps_its_queries_as_subjects_grow(scored, client_for):
    scheme, office = scored.run.scheme, client_for(scored.world.users.office)
    url = f"/programs/{scheme.program_id}/scoring/schemes/{scheme.id}/entries/?period=2025"
    office.get(url)
    with CaptureQueriesContext(connection) as small:
        office.get(url)
    for n in range(4):
        county = Region.objects.create(code=f"96{n:04d}", name=f"新县{n}", level="county", parent=scored.world.city)
        add_facts(scored.world, add_government(scored.world, county), n)
    with CaptureQueriesContext(connection) as big:
        office.get(url)
    assert len(big) == len(small)
