"""The public portal: no login, published snapshots only, no link into the app, cached, constant queries."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from apps.publication.exports import csv_safe
from apps.publication.services import publication_transition
from tests.assessment.conftest import approve
from tests.queries import page_queries

from .conftest import HIDDEN, publish


def _pages(program_id: int, county: str) -> list[str]:
    return [f"/public/{program_id}/", f"/public/{program_id}/{county}/"]


def _downloads(program_id: int) -> list[str]:
    return [f"/public/{program_id}/data.csv", f"/public/{program_id}/data.xlsx"]


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)
    return response.content.decode("utf-8-sig")


@pytest.mark.usefixtures("published")
def test_home_and_county_are_public_in_chinese(client, public_world):
    program, hill = public_world.program, public_world.world.counties["hill"]
    response = client.get(f"/public/{program.id}/", HTTP_ACCEPT_LANGUAGE="en", headers={"Cookie": "django_language=en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "创建状态" in html and "创建中" in html
    assert "19.5" in html and "市统计局年报" in html and "达标" in html
    assert "我市召开生态文明建设推进会" in html and "城区污水管网改造" in html
    assert 'id="portal-chart"' in html and "<table" in html  # the chart's data and its table
    county = client.get(f"/public/{program.id}/{hill.code}/")
    assert county.status_code == 200
    assert "丘陵县" in county.content.decode() and "23" in county.content.decode()


def test_nothing_published_is_a_404_and_unknown_county_too(client, public_world):
    assert client.get(f"/public/{public_world.program.id}/").status_code == 404
    publish(public_world.program, public_world.world.users.office, "news", "动态", body="正文")
    assert client.get(f"/public/{public_world.program.id}/").status_code == 200
    assert client.get(f"/public/{public_world.program.id}/990121/").status_code == 404  # no indicator snapshot
    assert client.get(f"/public/{public_world.world.other_program.id}/").status_code == 404


@pytest.mark.usefixtures("published")
def test_unapproved_values_never_appear_on_pages_or_downloads(client, public_world):
    program, hill = public_world.program, public_world.world.counties["hill"]
    for url in _pages(program.id, hill.code) + _downloads(program.id):
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        for status, number in HIDDEN.items():
            assert number not in text, (url, status)
        assert "不应公开的来源" not in text


def test_withdrawn_publications_disappear(client, public_world, published):
    program, office = public_world.program, public_world.world.users.office
    assert "我市召开生态文明建设推进会" in client.get(f"/public/{program.id}/").content.decode()  # cached now
    publication_transition(publication=published.news, action="withdraw", actor=office, reason="重复发布")
    publication_transition(publication=published.indicators, action="withdraw", actor=office, reason="数据更正")
    html = client.get(f"/public/{program.id}/").content.decode()
    assert "我市召开生态文明建设推进会" not in html
    assert "19.5" not in html and "尚未公开指标数值" in html
    assert client.get(f"/public/{program.id}/data.csv").status_code == 404


@pytest.mark.usefixtures("published")
def test_a_later_approval_does_not_reach_the_portal_until_published_again(client, public_world):
    world = public_world.world
    approve(public_world.program, world.counties["plain"], public_world.code["2019-03"], 2024, "444.4",
            author=world.users.office)
    url = f"/public/{public_world.program.id}/data.csv"
    assert "444.4" not in _text(client.get(url))
    publish(public_world.program, world.users.office, "indicators", "2024年度指标数值（更新）", 2024)
    assert "444.4" in _text(client.get(url))


LINK = re.compile(r'(?:href|src|action)="([^"]*)"')


@pytest.mark.usefixtures("published")
def test_public_pages_never_link_into_the_app_nor_show_internal_ids(client, public_world):
    program, hill = public_world.program, public_world.world.counties["hill"]
    for url in _pages(program.id, hill.code):
        html = client.get(url).content.decode()
        for link in LINK.findall(html):
            assert link.startswith((f"/public/{program.id}/", "/static/", "#")), (url, link)
        assert "/programs/" not in html and "/api/" not in html and "/evidence/" not in html
        assert "<form" not in html  # no input, no CSRF token on a cached page
    hrefs = LINK.findall(client.get(f"/public/{program.id}/").content.decode())
    for link in hrefs:
        tail = link.removeprefix(f"/public/{program.id}/")
        assert not re.fullmatch(r"\d{1,5}/?", tail), link  # only region codes (6+ digits), no row ids


@pytest.mark.usefixtures("published")
def test_downloads_are_formula_safe_and_printable(client, public_world):
    program = public_world.program
    rows = list(csv.reader(io.StringIO(_text(client.get(f"/public/{program.id}/data.csv")))))
    assert rows[0][:3] == ["区划代码", "区域", "领域"]
    assert any(r[8] == "19.5" for r in rows[1:])
    response = client.get(f"/public/{program.id}/data.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"  # title, note, header
    assert [ws.title for ws in book][1].endswith("重点项目进展")


def test_csv_cells_that_look_like_formulas_are_escaped():
    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("-12.5") == "-12.5"
    assert csv_safe("市统计局") == "市统计局"


@pytest.mark.usefixtures("published")
def test_queries_are_constant_and_a_cached_page_costs_one(client, public_world):
    program, hill = public_world.program, public_world.world.counties["hill"]
    first = page_queries(client, f"/public/{program.id}/")
    assert first <= 3
    assert page_queries(client, f"/public/{program.id}/") == 1  # the program and its generation
    assert page_queries(client, f"/public/{program.id}/{hill.code}/") == 1
    office = public_world.world.users.office
    for n in range(6):
        publish(program, office, "news", f"动态{n}", body="正文")
    publish(program, office, "indicators", "2024年度指标数值（再次）", 2024)
    assert page_queries(client, f"/public/{program.id}/") == first
    assert page_queries(client, f"/public/{program.id}/") == 1


@pytest.mark.parametrize("method", ["post", "put", "delete"])
@pytest.mark.usefixtures("published")
def test_the_portal_only_reads(client, public_world, method):
    assert getattr(client, method)(f"/public/{public_world.program.id}/").status_code == 405
