"""The portal in a real browser at a phone's and a desktop's width: no overflow, charts and the county map drawn,
focus visible, the 公示 page's form usable. Screenshots go to ``$ECOCIV_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.utils import timezone

from apps.publication.services import map_layer_upload, notice_create, notice_transition

from .conftest import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = """(id) => { const el = document.getElementById(id); const chart = el && echarts.getInstanceByDom(el);
  return chart ? chart.getOption().series.reduce((n, s) => n + s.data.length, 0) : 0; }"""


def square(code: str, name: str, x: float, y: float) -> dict:
    ring = [[x, y], [x + 0.5, y], [x + 0.5, y + 0.4], [x, y + 0.4], [x, y]]
    return {"type": "Feature", "properties": {"code": code, "name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def shoot(page, name: str) -> None:
    folder = os.environ.get("ECOCIV_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def with_map(public_world):
    world = public_world.world
    office = world.users.office
    counties = world.counties
    features = [square(counties[key].code, counties[key].name, x, y)
                for key, x, y in (("hill", 104, 35.4), ("mountain", 104.5, 35.4), ("plain", 104, 35),
                                  ("arid", 104.5, 35))]
    map_layer_upload(program=world.program, actor=office,
                     data=json.dumps({"type": "FeatureCollection", "features": features}).encode(), name="甲市县区示意图")
    publish(world.program, office, "indicators", "2024年度指标数值", 2024)
    publish(world.program, office, "attainment", "2024年度达标情况", 2024)
    publish(world.program, office, "projects", "2024年重点项目进展", 2024)
    notice = notice_create(program=world.program, actor=office, title="关于推荐丘陵县申报省级生态县的公示",
                           scope="拟推荐以下县区申报，现予公示。", columns=["县区", "拟申报称号", "初审意见"],
                           rows=[["丘陵县", "省级生态文明建设示范县", "符合申报条件"]], start=timezone.localdate(),
                           days=7, phone="0931-1234567", email="sthj@example.cn", address="甲市人民路1号",
                           issuer="甲市生态办")
    notice_transition(notice=notice, action="publish", actor=office)
    return notice


@pytest.mark.parametrize("width", [360, 1366])
def test_home_map_county_and_notice_fit_and_draw(public_world, with_map, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    program, hill = public_world.program, public_world.world.counties["hill"]
    pages = ((f"/public/{program.id}/", "chart-regions", "home"), (f"/public/{program.id}/{hill.code}/", "chart-county",
             "county"))
    for url, chart, name in pages:
        page.goto(f"{page.base_url}{url}")
        page.wait_for_function("() => typeof echarts !== 'undefined'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        assert page.evaluate(CHART, chart) > 0, url
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert page.locator(f"#{chart}").get_attribute("aria-label")
        shoot(page, f"{name}-{width}")
        page.keyboard.press("Tab")  # the skip link comes into view with a visible focus ring
        focused = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
            return {text: el.textContent, outline: s.outlineStyle, left: el.getBoundingClientRect().left}; }""")
        assert focused["text"] == "跳到正文" and focused["left"] >= 0
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
    page.goto(f"{page.base_url}/public/{program.id}/")
    page.wait_for_function("() => typeof echarts !== 'undefined'")
    assert page.evaluate(CHART, "chart-map") == 4  # every county of the map has its share
    assert page.locator("#chart-map").get_attribute("aria-label")
    page.locator("#chart-map").scroll_into_view_if_needed()
    box = page.locator("#chart-map").bounding_box()
    x, y = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-map'))
        .convertToPixel({seriesIndex: 0}, [104.25, 35.6])""")  # the middle of 丘陵县
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/public/{program.id}/{hill.code}/")
    assert page.locator("h1").inner_text().endswith("年建设指标情况")
    page.goto(f"{page.base_url}/public/{program.id}/notices/{with_map.number}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("#c-body").is_visible()
    assert page.locator("input[name=website]").bounding_box()["x"] < -1000  # the honeypot is off screen
    shoot(page, f"notice-{width}")
