"""The set-up pages in a browser at 1366 × 768 and 360 px: they fit, and a first login lands on the password page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from apps.accounts.models import Role, User
from apps.programs.models import Milestone, Phase
from docimport.setup import COLUMNS
from docimport.users import COLUMNS as USER_COLUMNS
from tests.conftest import browser_login
from tests.sheets import xlsx

pytestmark = pytest.mark.django_db(transaction=True)

#: Where screenshots go when asked (``ECOCIV_SHOTS=/work/shots/setup``); nothing is written otherwise.
SHOTS = os.environ.get("ECOCIV_SHOTS")
#: The user manual's images of these pages, written with ``ECOCIV_MANUAL_SHOTS=1`` (as tests/manual/test_shots.py).
MANUAL_IMG = Path(__file__).resolve().parents[2] / "docs" / "manual" / "img"


def _manual(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("ECOCIV_MANUAL_SHOTS"):
        page.screenshot(path=str(MANUAL_IMG / f"{name}.png"), clip={"x": 0, "y": 0, "width": 1366, "height": 768})


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


def test_the_users_import_previews_shows_the_passwords_once_and_fits(world: SimpleNamespace, browser_page):  # type: ignore[no-untyped-def]
    page = browser_page
    browser_login(page, "office")
    page.goto(f"{page.base_url}/programs/{world.program.id}/setup/users/import/")
    _fits(page, "users-import-1366")
    sheet = xlsx([list(USER_COLUMNS),
                  ["wangwu", "王五", "市水务局", "", "部门联络员", "wangwu@example.cn", ""],
                  ["zhaoliu", "赵六", "", "平原县", "县区生态办、领导（甲市）", "", ""],
                  ["reporter", "联络员甲", "市生态环境局", "", "部门联络员", "", ""]])
    page.set_input_files("input[name=file]", files=[{"name": "users.xlsx", "buffer": sheet,
                                                     "mimeType": "application/octet-stream"}])
    page.click("form.card button")
    assert "zhaoliu" in page.inner_text("main") and not User.objects.filter(username="wangwu").exists()
    _fits(page, "users-import-preview-1366")
    _manual(page, "setup-users-import")
    page.set_viewport_size({"width": 360, "height": 740})
    _fits(page, "users-import-preview-360", ".page")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("form.card button.primary")
    passwords = page.locator("code.password").all_inner_texts()
    assert len(passwords) == 2 and User.objects.get(username="wangwu").check_password(passwords[0])
    _fits(page, "users-imported-1366")
    _manual(page, "setup-users-imported")
    page.set_viewport_size({"width": 360, "height": 740})
    _fits(page, "users-imported-360", ".page")
    page.goto(f"{page.base_url}/programs/{world.program.id}/setup/users/")
    assert passwords[0] not in page.content()  # shown once


def test_the_phase_edit_page_fits(world: SimpleNamespace, browser_page):  # type: ignore[no-untyped-def]
    phase = Phase.objects.create(program=world.program, name="规划阶段", start=dt.date(2021, 1, 1),
                                 end=dt.date(2022, 12, 31), description="编制规划，分解任务。")
    milestone = Milestone.objects.create(phase=phase, title="方案印发", due=dt.date(2021, 6, 30))
    page = browser_page
    browser_login(page, "office")
    base = f"{page.base_url}/programs/{world.program.id}/setup/program/"
    page.goto(base)
    page.click(f"a[href$='/phase/{phase.id}/']")
    assert page.input_value("input[name=start]") == "2021-01-01"  # the stored dates are in the pickers
    _fits(page, "phase-edit-1366")
    _manual(page, "setup-phase-edit")
    page.fill("input[name=end]", "2031-06-30")
    page.click("button.primary")
    assert "阶段须在创建工作的年限内（基准年2020年至目标年后5年，即2030年）" in page.inner_text("main")
    _fits(page, "phase-edit-refused-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}milestone/{milestone.id}/")
    assert page.input_value("input[name=due]") == "2021-06-30"
    _fits(page, "milestone-edit-360", ".page")
