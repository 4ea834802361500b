"""The set-up pages in a browser at 1366 × 768 and 360 px: they fit, and a first login lands on the password page."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from apps.accounts.models import Role, User
from docimport.setup import COLUMNS
from tests.conftest import browser_login
from tests.sheets import xlsx

pytestmark = pytest.mark.django_db(transaction=True)

#: Where screenshots go when asked (``ECOCIV_SHOTS=/work/shots/setup``); nothing is written otherwise.
SHOTS = os.environ.get("ECOCIV_SHOTS")


def _fits(page, name: str, selector: str = "html") -> None:  # type: ignore[no-untyped-def]
    """The element (the whole page by default) is no wider than the window."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    width = page.evaluate(f"[document.querySelector('{selector}').scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], (name, width)


def test_the_setup_pages_fit_and_a_new_user_changes_the_password(world: SimpleNamespace, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    browser_login(page, "office")
    base = f"{page.base_url}/programs/{world.program.id}/setup/"
    for tail, name in (("users/", "users"), ("departments/", "departments"), ("program/", "program")):
        page.goto(base + tail)
        _fits(page, f"{name}-1366")
    page.goto(base + "users/")
    page.fill("input[name=username]", "wang")
    page.select_option("select[name=role]", Role.DEPARTMENT_REPORTER)
    page.select_option("select[name=department]", str(world.units["市水务局"].id))
    page.click("form button.primary")
    password = page.inner_text("code.password")
    _fits(page, "users-created-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(base + "users/")
    _fits(page, "users-360", ".page")  # the header at 360 px is the layout work's (#12), not these pages'
    page.set_viewport_size({"width": 1366, "height": 768})
    page.context.clear_cookies()
    browser_login(page, "wang", password)
    assert page.url.endswith("/password/")
    _fits(page, "first-login-1366")
    assert User.objects.get(username="wang").must_change_password


def test_the_units_import_previews_and_fits(world: SimpleNamespace, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    browser_login(page, "office")
    page.goto(f"{page.base_url}/programs/{world.program.id}/setup/departments/import/")
    sheet = xlsx([list(COLUMNS), ["市水务局", "990100", "部门", "", "水务局、市水利局", "2"],
                  ["平原县人民政府", "990100", "县区政府", "990123", "", ""]])
    page.set_input_files("input[name=file]", files=[{"name": "units.xlsx", "buffer": sheet,
                                                     "mimeType": "application/octet-stream"}])
    page.click("form.card button")
    assert "平原县人民政府" in page.inner_text("main")
    _fits(page, "units-preview-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    _fits(page, "units-preview-360", ".page")
