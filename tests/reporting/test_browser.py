"""Report, submit, and approve a value in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from apps.reporting.models import IndicatorValue

if TYPE_CHECKING:
    from playwright.sync_api import Page
from tests.conftest import browser_login

from .conftest import save

SHOTS = os.environ.get("ECOCIV_SHOTS", "")  # a directory: the test saves its screenshots there (1366 and 360 px)


def shots(page: Page, name: str) -> None:
    if not SHOTS:
        return
    page.screenshot(path=f"{SHOTS}/{name}-1366.png", full_page=True)
    width = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=f"{SHOTS}/{name}-360.png", full_page=True)
    if width:
        page.set_viewport_size(width)

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


def test_submit_all_my_drafts(rep, browser_page):
    page, world = browser_page, rep.world
    save(rep, world.users.reporter)
    save(rep, world.users.reporter, indicator=rep.qualitative, number=None, qualitative="achieved")
    browser_login(page, "reporter")
    page.wait_for_url("**/programs/**")
    page.goto(f"{page.base_url}/programs/{world.program.id}/inbox/")
    shots(page, "unit-inbox")
    page.get_by_role("link", name="2025年度调度：待填报的数值 2 项").click()
    page.wait_for_url("**/rounds/**/inbox/")
    shots(page, "drafts")
    page.get_by_role("button", name="提交我的全部草稿（2 项）").click()
    page.wait_for_load_state()
    assert "已提交 2 项" in page.content()
    shots(page, "drafts-submitted")
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"submitted"}
