"""The matrix page as a snapshot per data version: a warm request checks the version and reads the presented page
(its table rows and heat map), without the program's frames; a data change, another user's regions, another page or
another language is presented afresh."""

from __future__ import annotations

import copy
import re
from dataclasses import replace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from apps.accounts.models import Role
from apps.assessment import dashboards, views
from apps.assessment.selectors import assessment_key, program_assessment
from tests.conftest import make_user

from .conftest import assign
from .test_selectors import TODAY


@pytest.mark.parametrize("year", [None, 2024, 2023])
def test_assessment_key_names_the_entry_program_assessment_stores(assess, year):
    where = assessment_key(assess.program, year=year, today=TODAY)
    a = program_assessment(assess.program, year=year, today=TODAY)
    assert (where.key, where.version) == (a.key, a.version)
    assert [r.id for r in where.regions] == [r.id for r in a.regions]
    assert cache.get(where.key) is not None  # the frames' entry itself


def spy(monkeypatch) -> list[int]:
    """Count the matrix page's calls of program_assessment (the frames are read only to present afresh)."""
    calls: list[int] = []
    original = views.program_assessment

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "program_assessment", counted)
    return calls


def get(client, url: str) -> str:
    """The page without its per-request CSRF token."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'[A-Za-z0-9]{64}', "", response.content.decode())


def body(content: str) -> str:
    return re.search(r"<tbody>.*</tbody>", content, re.S).group(0)


def rows(content: str) -> list[str]:
    return re.findall(r'<th class="reg" scope="row" title="([^"]+)"', content)


def test_a_warm_matrix_page_is_read_back_and_a_data_change_presents_it_afresh(assess, client_for, monkeypatch):
    calls = spy(monkeypatch)
    client = client_for(assess.world.users.office)
    url = f"/programs/{assess.program.id}/assessment/matrix/?year=2024"
    first = get(client, url)
    assert len(calls) == 1
    assert get(client, url) == first and len(calls) == 1  # read back: no frames
    client.get(f"{url}&page=1&sort=order&only=all")  # the same page, asked for in full: the same snapshot
    client.get(f"{url}&only=bogus")  # an unknown choice is the default one
    assert len(calls) == 1
    client.get(f"{url}&sort=name")
    assert len(calls) == 2  # another order, another snapshot

    city, indicator = assess.world.city, assess.code["2019-20"]  # lower: 0.47 in 2024, assigned 0.49
    cell = re.escape(f"{city.name} · {indicator.number_label} {indicator.full_name}：") + r"([^；<\"]+)"
    assign(assess.program, city, indicator, 2024, "0.4", author=assess.world.users.office)  # a new number
    changed = get(client, url)
    assert len(calls) == 3  # a new data version: presented afresh
    assert re.search(cell, first).group(1) == "达标" and re.search(cell, changed).group(1) == "未达标"
    fresh = program_assessment(assess.program, year=2024)
    scope = views.access_assessment(assess.world.users.office, assess.program.id)
    assert views.matrix_table(fresh, scope, "all", "order", 1).body in changed  # what was stored is what a fresh
    assert views.matrix_heat_json(fresh, scope, "all", "order") in changed  # presentation gives


def test_the_snapshot_is_per_scope_page_and_language(assess, client_for, monkeypatch):
    monkeypatch.setattr(views.dashboards, "MATRIX_PAGE_ROWS", 2)
    url = f"/programs/{assess.program.id}/assessment/matrix/"
    office = client_for(assess.world.users.office)
    whole = office.get(url).content.decode()
    county = assess.world.counties["hill"]
    user = make_user("matrix-county", Role.COUNTY_OFFICE, region=county)
    other = Client()  # client_for logs one client in as another persona: the office's stays the office's
    other.force_login(user)
    own = get(other, url)  # after the office's page was stored
    assert rows(own) == [county.name] and len(rows(whole)) == 2 and 'id="matrix-data"' not in own
    assert body(get(other, f"{url}?page=3")) == body(own)  # one page only: past it, that page
    last = get(office, f"{url}?page=3")
    assert body(get(office, f"{url}?page=99")) == body(last) and rows(last) != rows(whole)

    office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = office.get(url).content.decode()
    assert '<html lang="en">' in english and "Binding only" in english
    assert "：达标" not in english and "：未达标" not in english  # the rows' titles, presented in English
    heat = re.search(r'id="matrix-data" type="application/json">(.*?)</script>', english, re.S).group(1)
    assert '"a": "Attained"' in heat  # the heat map's words too


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("only", "sort"), [("all", "order"), ("binding", "name")])
def test_the_rows_joined_in_python_are_the_templates_markup(assess, language, only, sort):
    """views.matrix_rows_html (the page's rows, without a template node per cell) gives exactly the markup of
    templates/assessment/_matrix_rows.html, the reference: escaping, plain digits, glyphs, words in each language."""
    scope = views.access_assessment(assess.world.users.office, assess.program.id)
    detail = views.indicator_url(assess.program.id)
    with translation.override(language):
        for year in (None, 2023):
            data = dashboards.matrix(program_assessment(assess.program, year=year), scope, only=only, sort=sort,
                                     page=1)
            shown = {(c.status, c.reach_status) for r in data.rows for c in r.cells}
            assert {s for s, _ in shown} == {"attained", "not_attained", "no_data", "not_applicable"}
            assert year or {r for _, r in shown} >= {"off_track", "accelerate", "on_track"}  # every glyph
            # and markup in a region's name and a cell's words (as a person may type them) is escaped alike
            region = copy.copy(data.rows[0].region)
            region.name = 'A&B <i>"县"</i>'
            odd = replace(data.rows[0], region=region, cells=tuple(replace(c, title=f'{c.title} <b>"&\'</b>')
                                                                   for c in data.rows[0].cells))
            for case in (data, replace(data, rows=(odd, *data.rows[1:]))):
                expected = render_to_string("assessment/_matrix_rows.html", {"data": case, "detail": detail})
                assert views.matrix_rows_html(case, detail) == expected
