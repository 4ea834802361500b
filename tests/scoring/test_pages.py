"""Pages, API and files of scoring: who sees what before and after publication, the denied paths, the exports and
a constant number of queries as subjects grow."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from docx import Document
from openpyxl import load_workbook

from apps.geo.models import Region
from apps.scoring.services import run_create, run_transition
from tests.queries import page_queries

from .conftest import add_facts, add_government


def urls(run, unit_id: int) -> dict[str, str]:
    p, r = run.program_id, run.id
    return {
        "index": f"/programs/{p}/scoring/", "run": f"/programs/{p}/scoring/runs/{r}/",
        "sheet": f"/programs/{p}/scoring/runs/{r}/units/{unit_id}/",
        "compare": f"/programs/{p}/scoring/runs/{r}/compare/",
        "xlsx": f"/programs/{p}/scoring/runs/{r}/ranking.xlsx", "docx": f"/programs/{p}/scoring/runs/{r}/notice.docx",
        "api_run": f"/api/programs/{p}/scoring/runs/{r}", "api_sheet": f"/api/programs/{p}/scoring/runs/{r}/units/{unit_id}",
        "api_compare": f"/api/programs/{p}/scoring/runs/{r}/compare",
    }


def test_the_office_sees_everything(scored, client_for):
    client = client_for(scored.world.users.office)
    for name, url in urls(scored.run, scored.units[1].id).items():
        assert client.get(url).status_code == 200, name
    page = client.get(urls(scored.run, 0)["run"]).content.decode()
    assert "开放异议" in page and "丘陵县人民政府" in page and "山区县人民政府" in page
    assert "考核" in client.get(f"/programs/{scored.run.program_id}/").content.decode()


def test_a_county_sees_only_its_own_sheet_until_publication(scored, client_for):
    run, users = scored.run, scored.world.users
    own, other = urls(run, scored.units[0].id), urls(run, scored.units[1].id)
    client = client_for(users.county)
    assert client.get(own["sheet"]).status_code == 403  # a draft is the office's alone
    assert client.get(own["api_run"]).status_code == 403
    run_transition(run=run, action="open", actor=users.office)
    assert client.get(own["sheet"]).status_code == 200
    assert json.loads(client.get(own["api_sheet"]).content)["rank"] is None
    for url in (other["sheet"], other["api_sheet"], own["compare"], own["api_compare"], own["docx"]):
        assert client.get(url).status_code == 403, url
    page = client.get(own["run"]).content.decode()
    assert "丘陵县人民政府" in page and "山区县人民政府" not in page
    ranking = json.loads(client.get(own["api_run"]).content)
    assert [r["name"] for g in ranking["groups"] for r in g["rows"]] == ["丘陵县人民政府"]
    book = load_workbook(io.BytesIO(client.get(own["xlsx"]).content))
    assert [c.value for c in book["评分表"][3]][5:] == ["丘陵县人民政府"]
    assert client.post(own["run"], {"action": "finalise"}).status_code in (302, 403)
    run.refresh_from_db()
    assert run.status == "objection"
    assert client.post(f"/api/programs/{run.program_id}/scoring/runs/{run.id}/steps",
                       {"action": "finalise"}, content_type="application/json").status_code == 403
    run_transition(run=run, action="finalise", actor=users.office)
    run_transition(run=run, action="publish", actor=users.office)
    for url in (other["sheet"], other["api_sheet"], own["compare"]):
        assert client.get(url).status_code == 200, url
    assert client.get(own["docx"]).status_code == 403


@pytest.mark.parametrize("persona", ["leader", "inspector", "reporter"])
def test_others_see_nothing_before_publication(scored, client_for, persona):
    client = client_for(getattr(scored.world.users, persona))
    run_transition(run=scored.run, action="open", actor=scored.world.users.office)
    for name in ("run", "sheet", "api_run", "api_sheet"):
        assert client.get(urls(scored.run, scored.units[0].id)[name]).status_code == 403, name
    assert json.loads(client.get(f"/api/programs/{scored.run.program_id}/scoring/runs").content) == []


def test_another_city_is_refused(scored, client_for):
    client = client_for(scored.world.users.outsider)
    for name, url in urls(scored.run, scored.units[0].id).items():
        assert client.get(url).status_code in (403, 404), name


def test_objection_and_ruling_through_the_pages(scored, client_for):
    run, users = scored.run, scored.world.users
    run_transition(run=run, action="open", actor=users.office)
    own = urls(run, scored.units[0].id)
    client = client_for(users.county)
    response = client.post(own["sheet"], {"item": "A1", "reason": "数据有误"})
    assert response.status_code == 302
    objection = run.objections.get()
    office = client_for(users.office)
    office.post(f"/programs/{run.program_id}/scoring/runs/{run.id}/objections/{objection.id}/",
                {"decision": "reject", "ruling": "无误"})
    objection.refresh_from_db()
    assert objection.status == "rejected" and objection.ruling == "无误"
    assert "无误" in client_for(users.county).get(own["sheet"]).content.decode()


def test_in_english_a_ruling_reads_as_a_status_and_the_groups_are_named(scored, client_for):
    """The ruling's buttons say what to do (Uphold / Reject); the objection's status says what was done
    (Rejected), and the ranking's subject groups are named in the reader's language."""
    run, users = scored.run, scored.world.users
    run_transition(run=run, action="open", actor=users.office)
    client_for(users.county).post(urls(run, scored.units[0].id)["sheet"], {"item": "A1", "reason": "数据有误"})
    office = client_for(users.office)
    page = f"/programs/{run.program_id}/scoring/runs/{run.id}/"
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert ">Reject</button>" in office.get(page).content.decode()
    objection = run.objections.get()
    office.post(f"{page}objections/{objection.id}/", {"decision": "reject", "ruling": "无误"})
    english = office.get(page).content.decode()
    assert "<td>Rejected</td>" in english and "County governments" in english
    # the table and the 通报 are the office's Chinese forms, whatever the page's language
    sheets = load_workbook(io.BytesIO(office.get(f"{page}ranking.xlsx").content))
    cells = {str(c.value) for ws in sheets.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert "县（市、区）政府" in cells and not any("County" in c for c in cells)
    notice = "".join(p.text for p in Document(io.BytesIO(office.get(f"{page}notice.docx").content)).paragraphs)
    assert "县（市、区）政府：" in notice and "County" not in notice
    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = office.get(page).content.decode()
    assert "<td>异议不成立</td>" in chinese and "县（市、区）政府" in chinese


def test_the_exports_have_the_layout_and_no_formulas(scored, client_for):
    client = client_for(scored.world.users.office)
    own = urls(scored.run, scored.units[0].id)
    book = load_workbook(io.BytesIO(client.get(own["xlsx"]).content))
    sheet = book["评分表"]
    assert [c.value for c in sheet[3]][:5] == ["考核内容", "序号", "考核指标", "分值", "数据来源"]
    assert len([c.value for c in sheet[3]]) == 5 + len(scored.units)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("生态文明建设类考核分值占基本分" in t for t in texts)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
    assert [c.value for c in book["排名"][2]][:5] == ["类别", "排名", "考核对象", "总分", "等次"]
    document = Document(io.BytesIO(client.get(own["docx"]).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "通报" in text and "各县（市、区）人民政府" in text
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_pages_keep_a_constant_number_of_queries_as_subjects_grow(scored, client_for):
    world = scored.world
    client = client_for(world.users.office)
    small_run = scored.run
    small = {name: page_queries(client, url) for name, url in urls(small_run, scored.units[0].id).items()}
    for n in range(8):
        county = Region.objects.create(code=f"97{n:04d}", name=f"增设县{n}", level="county", parent=world.city)
        add_facts(world, add_government(world, county), n + 4)
    big_run = run_create(program=world.program, scheme=small_run.scheme, period="2025", actor=world.users.office)
    assert big_run.subjects.count() == 12
    large = {name: page_queries(client, url) for name, url in urls(big_run, scored.units[0].id).items()}
    assert small == large


def test_a_subject_does_not_see_its_rank_before_publication(scored, client_for):
    run, users = scored.run, scored.world.users
    run_transition(run=run, action="open", actor=users.office)
    client = client_for(users.county)
    ranking = json.loads(client.get(urls(run, 0)["api_run"]).content)
    assert [r["rank"] for g in ranking["groups"] for r in g["rows"]] == [None]
    book = load_workbook(io.BytesIO(client.get(urls(run, 0)["xlsx"]).content))
    assert [c.value for c in book["排名"][3]][1] is None
