"""The login page and the program overview in a real browser (Debian chromium through Playwright)."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_program_overview(world, browser_page):
    page = browser_page
    page.goto(f"{page.base_url}/login/")
    assert page.locator("h1").inner_text() == "生态文明建设示范区创建管理系统"
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.content()
    browser_login(page, "office")
    page.wait_for_url(f"**/programs/{world.program.id}/")
    assert page.locator("h1").inner_text() == world.program.name
    header = page.locator("#target-table thead th.region").all_inner_texts()
    assert header == ["甲市", "丘陵县", "山区县", "平原县", "旱塬县"]
    row = page.locator("#target-table tr", has_text="林草覆盖率").first.locator("td.target").all_inner_texts()
    assert row == ["≥40%", "≥40%", "≥60%", "≥18%", "≥35%"]
