"""The page decorator and the forms: a refused POST comes back as a message, a bad value as a field error."""

from __future__ import annotations

from django.urls import reverse

from apps.programs.models import AssignedTarget
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


def test_bad_form_value_shows_the_field_error_and_writes_nothing(world, client_for):
    url = reverse("notices", args=[world.program.id])
    response = client_for(world.users.office).post(url, {
        "department": world.units["市水务局"].id, "level": "1", "title": "河道整治滞后", "response_due": "下周",
    })
    body = response.content.decode()
    assert response.status_code == 200
    field = body[body.index('name="response_due"'):]
    assert field.index("日期格式不正确。") < field.index("</p>")  # next to its field
    assert 'value="河道整治滞后"' in body  # the input is kept
    assert not SupervisionNotice.objects.exists()


def test_domain_error_in_a_form_is_shown_with_the_input(world, client_for):
    url = reverse("notices", args=[world.program.id])
    response = client_for(world.users.office).post(url, {
        "department": world.units["市水务局"].id, "level": "1", "title": "  ", "reason": "原因",
    })
    body = response.content.decode()
    assert response.status_code == 200 and "请填写督办事项。" in body and "原因" in body
    assert not SupervisionNotice.objects.exists()
