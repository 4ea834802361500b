"""A local indicator's targets are rows per level, from the page's per-level fields and from the API."""

from __future__ import annotations

from apps.indicators.models import Indicator


def test_page_form_writes_one_row_per_level_given(world, client_for):
    client = client_for(world.users.office)
    response = client.post(f"/programs/{world.program.id}/targets/edits/", {
        "action": "add", "name": "城市建成区绿化覆盖率", "unit": "%", "direction": "higher",
        "target_city": ">=40", "target_county": "", "reason": "地方特色"})
    assert response.status_code == 302
    local = Indicator.objects.get(program=world.program)
    assert (local.scope_levels, local.target_texts) == (["city"], {"city": ">=40"})
    page = client.get(f"/programs/{world.program.id}/targets/edits/").content.decode()
    assert 'name="target_city"' in page and 'name="target_county"' in page and "<td>≥40%</td>" in page
    assert "&gt;=40" not in page.split('name="target_city"')[0]  # the table prints words, not the expression


def test_api_takes_the_per_level_fields_and_a_level_mapping(world, client_for):
    client = client_for(world.users.office)
    url = f"/api/programs/{world.program.id}/local-indicators"
    first = client.post(url, {"name": "甲", "target_city": ">=40", "reason": "r"}, content_type="application/json")
    second = client.post(url, {"name": "乙", "targets": {"county": "qual:建立"}, "target_city": "<=5", "reason": "r"},
                         content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 201)
    assert Indicator.objects.get(pk=first.json()["id"]).target_texts == {"city": ">=40"}
    assert Indicator.objects.get(pk=second.json()["id"]).target_texts == {"city": "<=5", "county": "qual:建立"}
    bad = client.post(url, {"name": "丙", "targets": {"town": ">=1"}, "reason": "r"}, content_type="application/json")
    assert bad.status_code == 400 and "未知层级" in bad.json()["detail"]
