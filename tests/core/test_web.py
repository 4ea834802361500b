"""The page decorator and the forms: a refused POST comes back as a message, a bad value as a field error."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from apps.core.errors import DomainError
from apps.core.forms import StepForm
from apps.core.web import cleaned
from apps.programs.models import AssignedTarget
from apps.reporting.models import ReportingRound
from apps.tasks.models import SupervisionNotice


def test_domain_error_on_a_post_is_a_message_after_redirect(world, client_for):
    url = reverse("region_assigned", args=[world.program.id, world.city.id])
    page = reverse("region", args=[world.program.id, world.city.id])
    office = client_for(world.users.office)
    response = office.post(url, {"indicator": "999999", "year": "2026", "value": "1", "reason": "r"})
    assert response.status_code == 302 and response["Location"] == page  # post/redirect/get
    shown = office.get(page).content.decode()
    assert "指标不属于本创建工作。" in shown
    assert not AssignedTarget.objects.exists()


def test_permission_error_on_a_post_stays_a_403_page(world, client_for):
    url = reverse("region_assigned", args=[world.program.id, world.city.id])
    response = client_for(world.users.leader).post(url, {"indicator": "1", "year": "2026", "value": "1"})
    assert response.status_code == 403


def test_bad_value_from_another_page_is_refused_whole(world, client_for):
    url = reverse("region_assigned", args=[world.program.id, world.city.id])
    response = client_for(world.users.office).post(url, {"indicator": "1", "year": "今年", "value": "1"}, follow=True)
    assert "请填写正确的年度和数值。" in response.content.decode()
    assert not AssignedTarget.objects.exists()


def post_notice(world, client_for, **fields: str) -> str:
    """The office posts the supervision-notice form to the water bureau; the page it answers with (200)."""
    url = reverse("notices", args=[world.program.id])
    response = client_for(world.users.office).post(url, {"department": world.units["市水务局"].id, "level": "1",
                                                         **fields})
    assert response.status_code == 200
    return response.content.decode()


def test_bad_form_value_shows_the_field_error_and_writes_nothing(world, client_for):
    body = post_notice(world, client_for, title="河道整治滞后", response_due="下周")
    field = body[body.index('name="response_due"'):]
    assert field.index("日期格式不正确。") < field.index("</p>")  # next to its field
    assert 'value="河道整治滞后"' in body  # the input is kept
    assert not SupervisionNotice.objects.exists()


def test_domain_error_in_a_form_is_shown_with_the_input(world, client_for):
    body = post_notice(world, client_for, title="  ", reason="原因")
    assert "请填写督办事项。" in body and "原因" in body
    assert not SupervisionNotice.objects.exists()


@pytest.mark.parametrize(("page", "refusal"), [
    ("reporting_rounds", "只有生态办管理员可以发起调度。"),
    ("notices", "只有生态办管理员可以下发督办。"),
    ("target_edits", "只有生态办管理员可以调整指标体系。"),
])
def test_office_only_form_on_a_page_every_role_sees(world, client_for, page, refusal):
    url = reverse(page, args=[world.program.id])
    leader = client_for(world.users.leader)
    assert leader.get(url).status_code == 200
    refused = leader.post(url, {"name": "x", "title": "x", "action": "add"})
    assert refused.status_code == 403 and refusal in refused.content.decode()
    assert not ReportingRound.objects.exists() and not SupervisionNotice.objects.exists()


def test_a_403_page_explains_in_chinese_and_links_back_to_the_page_the_user_came_from(world, client_for):
    came_from = "http://testserver" + reverse("program", args=[world.program.id])
    url = reverse("reporting_review", args=[world.program.id])
    response = client_for(world.users.leader).get(url, HTTP_REFERER=came_from)
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "请联系本级生态办管理员" in html
    assert f'<a href="{came_from}">返回上一页</a>' in html and 'href="/">返回首页' in html


def test_a_403_page_never_links_back_to_another_site_or_to_itself(world, client_for):
    url = reverse("reporting_review", args=[world.program.id])
    leader = client_for(world.users.leader)
    for referer in ("https://evil.example/", "http://testserver" + url, ""):
        html = leader.get(url, HTTP_REFERER=referer).content.decode()
        assert "返回上一页" not in html and "返回首页" in html, referer


def test_a_step_form_gives_the_move_as_the_transitions_arguments():
    class ReasonStepForm(StepForm):
        reason = forms.CharField(required=False, max_length=5)

    assert ReasonStepForm({"action": "withdraw", "version": "3", "reason": "过期"}).move() == {
        "action": "withdraw", "expected_version": 3, "reason": "过期"}
    # a garbled version is ignored, a missing or invalid text is empty: the service judges the move
    assert ReasonStepForm({"version": "x", "reason": "太长的理由文字"}).move() == {
        "action": "", "expected_version": None, "reason": ""}


def test_cleaned_refuses_an_invalid_form_with_the_views_message_or_the_forms_errors():
    class YearForm(forms.Form):
        year = forms.IntegerField(label="年度")

    assert cleaned(YearForm({"year": "2024"}), "请选择年度。") == {"year": 2024}
    with pytest.raises(DomainError, match="^请选择年度。$"):
        cleaned(YearForm({"year": "x"}), "请选择年度。")
    with pytest.raises(DomainError, match="^年度："):
        cleaned(YearForm({"year": "x"}))
