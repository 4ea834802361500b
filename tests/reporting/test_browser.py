"""Report, submit, and approve a value in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import pytest

from apps.reporting.models import IndicatorValue
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_submit_approve(rep, browser_page):
    page, world = browser_page, rep.world
    browser_login(page, "reporter")
    page.wait_for_url("**/programs/**")
    page.goto(f"{page.base_url}/programs/{world.program.id}/reporting/inbox/")
    row = page.locator("tr", has_text="生态文明建设工作占党政实绩考核的比例")
    row.get_by_role("link", name="填报").click()
    page.fill("input[name=number]", "23.5")
    page.fill("input[name=source]", "市委组织部考核文件")
    page.click("button[name=submit]")
    page.wait_for_url("**/values/**")
    assert "已保存并提交审核" in page.content()
    value = IndicatorValue.objects.get()
    assert value.status == "submitted" and value.current_revision.number == 23.5

    page.context.clear_cookies()
    browser_login(page, "office")
    page.wait_for_url("**/programs/**")
    page.goto(f"{page.base_url}/programs/{world.program.id}/reporting/review/")
    page.check(f"input[name=value][value='{value.id}']")
    page.click("text=批量审核通过所选")
    page.wait_for_load_state()
    assert "已审核通过 1 项" in page.content()
    value.refresh_from_db()
    assert value.status == "approved" and value.approved_revision.number == 23.5
