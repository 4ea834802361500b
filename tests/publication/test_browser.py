"""The portal in a real browser at a phone's and a desktop's width: no overflow, charts drawn, focus visible."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHART = """(id) => { const el = document.getElementById(id); const chart = el && echarts.getInstanceByDom(el);
  return chart ? chart.getOption().series.reduce((n, s) => n + s.data.length, 0) : 0; }"""


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.usefixtures("published")
def test_home_and_county_fit_and_draw(public_world, browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    program, hill = public_world.program, public_world.world.counties["hill"]
    for url, chart in ((f"/public/{program.id}/", "chart-regions"), (f"/public/{program.id}/{hill.code}/", "chart-county")):
        page.goto(f"{page.base_url}{url}")
        page.wait_for_function("() => typeof echarts !== 'undefined'")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        assert page.evaluate(CHART, chart) > 0, url
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert page.locator(f"#{chart}").get_attribute("aria-label")
        page.keyboard.press("Tab")  # the skip link comes into view with a visible focus ring
        focused = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
            return {text: el.textContent, outline: s.outlineStyle, left: el.getBoundingClientRect().left}; }""")
        assert focused["text"] == "跳到正文" and focused["left"] >= 0
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
