"""The public questionnaire in a real browser at a phone's and a desktop's width: it fits, and it is answered."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from apps.surveys import services
from apps.surveys.models import Response
from apps.surveys.services import invitations_create, survey_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("width", [360, 1366])
def test_the_survey_form_fits_and_is_answered(survey, browser_page, width, monkeypatch):
    monkeypatch.setattr(services, "MIN_FILL_SECONDS", 1)  # a test reads faster than a person
    world = survey.world
    survey_transition(survey=survey.survey, action="start", actor=world.users.office)
    code = invitations_create(survey=survey.survey, actor=world.users.office, count=1)[0].code
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{page.base_url}/public/{world.program.id}/survey/{code}/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    trap = page.locator("input[name=website]").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0  # the honeypot is out of sight
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"survey-form-{width}.png"), full_page=True)
    page.select_option("select[name=region_code]", world.counties["hill"].code)
    for name, label in (("urban_rural", "乡村"), ("sex", "女"), ("age_band", "60岁及以上")):
        page.get_by_role("group", name=name_of(name)).get_by_label(label, exact=True).check()
    page.select_option("select[name=occupation]", "离退休")
    for item, label in (("Q1", "知道"), ("Q2", "参与过"), ("Q3", "满意"), ("Q4", "比较满意"), ("Q5", "满意"),
                        ("Q6", "不清楚"), ("Q7", "比较满意")):
        page.locator(f"input[name=item_{item}][value='{label}']").check()
    time.sleep(1.1)
    page.get_by_role("button", name="提交问卷").click()
    page.wait_for_selector("text=问卷已提交")
    page.screenshot(path=str(SHOTS / f"survey-done-{width}.png"), full_page=True)
    response = Response.objects.get(survey=survey.survey)
    assert response.answers["Q6"] == "不清楚" and response.age_band == "60岁及以上"


def name_of(field: str) -> str:
    return {"urban_rural": "您居住在", "sex": "性别", "age_band": "年龄"}[field]
