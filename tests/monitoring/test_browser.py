"""Upload a small file on the page, see the progress bar reach 100 %, the preview, and commit."""

from __future__ import annotations

import pytest

from apps.monitoring.samples import to_bytes
from apps.reporting.models import IndicatorValue
from tests.conftest import browser_login

from .test_import import _hourly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("sites", "round_2025")
def test_upload_preview_progress_and_commit(world, browser_page, tmp_path) -> None:
    page = browser_page
    path = tmp_path / "空气小时数据.csv"
    path.write_bytes(to_bytes(_hourly(), "csv"))
    browser_login(page, "office")
    page.wait_for_url(f"**/programs/{world.program.id}/")
    page.goto(f"{page.base_url}/programs/{world.program.id}/monitoring/")
    assert page.locator("h1").inner_text() == "监测数据核算"
    page.select_option("select[name=kind]", "air")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button.primary")
    page.wait_for_selector("#batch-writes")
    bar = page.locator("#batch-progress [role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "100"
    assert page.locator("#batch-progress .mon-progress > div").inner_text() == "100%"
    rows = page.locator("#batch-writes tbody tr").all_inner_texts()
    assert len(rows) == 2 and "甲市" in rows[0] and "写入并提交" in rows[0] and "按HJ 633-2012计算" in rows[0]
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.click("#commit-button")
    page.wait_for_selector("#batch-summary")
    assert "已写入并提交指标值2项" in page.locator("#batch-summary").inner_text()
    assert IndicatorValue.objects.filter(indicator__code="2019-07a", status="submitted").count() == 2
    page.goto(f"{page.base_url}/programs/{world.program.id}/monitoring/")
    city = page.locator("#results-table tbody tr").first
    assert "甲市" in city.inner_text() and "已提交" in city.inner_text()
    assert "按HJ 633-2012计算" in (city.locator("td.mon-cell").first.get_attribute("title") or "")
    page.click("#detail-990100 summary")
    assert page.locator("#detail-990100").get_by_text("有效站日").first.is_visible()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    assert page.evaluate("document.body.scrollHeight") < 2600  # one screenful of results, not 6,900 px
