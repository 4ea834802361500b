"""The preview in a real browser: a click on an item scrolls its source text into view and highlights it."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_items_button_highlights_its_source(world, staged, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    browser_login(page, "office")
    page.wait_for_url(f"**/programs/{world.program.id}/**")
    page.goto(f"{page.base_url}/programs/{world.program.id}/plan-import/{staged.id}/")
    assert page.locator("#plan-text p.hit").count() == 0
    page.locator("#item-t2 button[data-span]").click()
    hit = page.locator("#plan-text p.hit")
    assert hit.count() == 1 and hit.inner_text().startswith("2.推进第2项工作")
    page.locator("#item-g1 button[data-span]").click()
    assert page.locator("#plan-text p.hit").inner_text() == "到2025年底，全市林草覆盖率稳定在41%以上。"
    assert page.locator("#plan-text p.hit").is_visible()
