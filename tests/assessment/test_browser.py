"""The cockpit draws its charts and the matrix has one cell per region × indicator, in a real browser."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = """() => Array.from(document.querySelectorAll('[data-chart]')).map(el => {
  const chart = echarts.getInstanceByDom(el);
  const option = chart ? chart.getOption() : null;
  return {id: el.id, chart: !!chart, canvas: !!el.querySelector('canvas'),
          points: option ? option.series.reduce((n, s) => n + s.data.filter(v => v !== null).length, 0) : 0};
})"""


def test_cockpit_charts_and_matrix_cells(assess, browser_page):
    page = browser_page
    browser_login(page, "leader")
    page.wait_for_url(f"**/programs/{assess.program.id}/assessment/")
    page.wait_for_function("() => typeof echarts !== 'undefined'")
    charts = page.evaluate(CHARTS)
    ids = {c["id"] for c in charts}
    assert {"chart-focus", "chart-regions"} <= ids
    assert any(i.startswith("spark-") for i in ids)
    for chart in charts:
        assert chart["chart"] and chart["canvas"] and chart["points"] > 0, chart
    assert "未达到" in page.locator("#gate h2").inner_text()
    assert page.locator("#tl-today").count() in (0, 1)

    page.goto(f"{page.base_url}/programs/{assess.program.id}/assessment/matrix/?year=2024")
    regions = page.locator("#matrix tbody tr").count()
    indicators = page.locator("#matrix thead th.ind").count()
    assert regions == 5 and indicators > 40
    page.wait_for_function("() => typeof echarts !== 'undefined'")
    heat = {c["id"]: c for c in page.evaluate(CHARTS)}["chart-matrix"]  # the heat map: every region × indicator
    assert heat["chart"] and heat["canvas"] and heat["points"] == regions * indicators, heat
    assert page.locator("#matrix tbody td a").count() == regions * indicators  # besides the 2 summary columns
    assert page.locator("#matrix tbody td.sum2").count() == regions
    assert page.locator("#matrix tbody td.not_applicable").count() > 0
    cell = page.locator("#matrix tbody tr").first.locator("td.not_attained").first
    assert "目标" in cell.get_attribute("title")
    cell.locator("a").click()
    page.wait_for_url("**/assessment/indicators/**")
    page.wait_for_function("() => typeof echarts !== 'undefined'")
    detail = page.evaluate(CHARTS)
    assert detail[0]["id"] == "chart-indicator" and detail[0]["points"] > 0
