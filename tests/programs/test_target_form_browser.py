"""The target form in a real browser: the kind shows its inputs, the preview reads the target in words as it is
written, and the saved edit prints in words. ``ECOCIV_SHOTS=<dir>`` keeps screenshots for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import TargetEdit
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str, element=None) -> None:
    shots = os.environ.get("ECOCIV_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        if element is not None:
            element.screenshot(path=str(Path(shots) / f"{name}.png"))
        else:
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)


def test_a_target_is_written_in_clauses_and_read_in_words(world, browser_page):
    page = browser_page
    indicator = Indicator.objects.get(framework__code="national-2019", code="2019-37")
    browser_login(page, "office")
    page.goto(f"{page.base_url}/programs/{world.program.id}/targets/edits/")
    form = page.locator("form.card").first
    form.locator("select[name=indicator]").select_option(str(indicator.id))
    assert not form.locator("input[name=target-value-0]").is_visible()  # no kind chosen: no number box
    form.locator("select[name=target-kind-0]").select_option("assigned")
    form.locator("select[name=target-kind-1]").select_option("number")
    form.locator("input[name=target-value-1]").fill("90")
    form.locator("select[name=target-kind-2]").select_option("trend")
    form.locator("select[name=target-join-2]").select_option("or")
    form.locator("select[name=target-rule-2]").select_option("improving")
    words = form.locator(".tf-words")
    words.filter(has_text="完成上级规定的考核任务，且≥90%或持续提高").wait_for()
    assert not form.locator("input[name=target]").is_visible()  # the expression field is for the advanced mode
    _shot(page, "target-form-1366")
    form.locator("input[name=reason]").fill("《规划》确定")
    form.locator("button.primary").click()
    page.wait_for_load_state()
    assert TargetEdit.objects.get().target == "assigned & (>=90 | trend:improving)"
    assert "完成上级规定的考核任务，且≥90%或持续提高" in page.content()
    page.set_viewport_size({"width": 360, "height": 740})
    _shot(page, "target-form-360")


def test_the_region_page_says_which_attribute_to_set(world, browser_page):
    page = browser_page
    bare = Region.objects.create(code="990125", name="新设县", level="county", parent=world.city)
    browser_login(page, "office")
    page.goto(f"{page.base_url}/programs/{world.program.id}/regions/{bare.id}/")
    row = page.locator("tr", has_text="林草覆盖率").first
    assert "尚未设置「地形类别」" in row.inner_text()
    row.locator("summary").click()
    _shot(page, "region-undetermined-1366", row)
    row.get_by_role("link", name="设置「地形类别」").click()
    page.wait_for_url(f"**/admin/geo/region/{bare.id}/change/")


def test_a_regions_target_opens_in_its_clauses(world, browser_page):
    page = browser_page
    browser_login(page, "office")
    page.goto(f"{page.base_url}/programs/{world.program.id}/regions/{world.city.id}/")
    row = page.locator("tr", has_text="PM2.5").first
    row.locator("summary").click()
    kinds = [row.locator(f"select[name=target-kind-{i}]").input_value() for i in range(3)]
    assert kinds == ["assigned", "trend", ""]
    assert row.locator(".tf-words").inner_text() == "完成上级规定的考核任务，且保持稳定或持续改善"
    _shot(page, "region-clauses-1366", row)
