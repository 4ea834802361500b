"""Targets in words on pages and in the API, the target form (clauses → expression, round trip, Chinese
errors, live preview) and the message for a region without the attribute its target depends on."""

from __future__ import annotations

import pytest

from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.programs.models import TargetEdit, TargetOverride
from apps.programs.selectors import program_indicators, resolve_targets
from apps.programs.target_form import target_widget


def ind(code: str) -> Indicator:
    return Indicator.objects.get(framework__code="national-2019", code=code)


def _clauses(field: str, *rows: dict[str, str]) -> dict[str, str]:
    data = {f"{field}-mode": "form"}
    for i, row in enumerate(rows):
        data.update({f"{field}-{key}-{i}": value for key, value in row.items()})
    return data


def test_the_form_composes_the_expression_people_read(world, client_for):
    client = client_for(world.users.office)
    post = {"indicator": ind("2019-37").id, "level": "city", "reason": "《规划》确定",
            **_clauses("target", {"kind": "assigned"}, {"kind": "number", "op": ">=", "value": "90", "join": "and"},
                       {"kind": "trend", "rule": "improving", "join": "or"})}
    assert client.post(f"/programs/{world.program.id}/targets/edits/", post).status_code == 302
    edit = TargetEdit.objects.get(program=world.program)
    assert edit.target == "assigned & (>=90 | trend:improving)"
    page = client.get(f"/programs/{world.program.id}/targets/edits/").content.decode()
    assert "完成上级规定的考核任务，且≥90%或持续提高" in page


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"kind": "number", "op": ">=", "value": ""}], "第1项：请填写数值"),
        ([{"kind": "number", "op": ">=", "value": "90"}, {"kind": "qual", "text": "", "join": "and"}], "第2项：请填写定性要求"),
        ([{"kind": "trend", "rule": "sideways"}], "请选择趋势要求"),
        ([{"kind": "qual", "text": "建立 & 运行"}], "不能含有"),
    ],
)
def test_the_form_refuses_in_chinese_and_writes_nothing(world, client_for, rows, message):
    client = client_for(world.users.office)
    post = {"indicator": ind("2019-37").id, "level": "city", "reason": "r", **_clauses("target", *rows)}
    response = client.post(f"/programs/{world.program.id}/targets/edits/", post, follow=True)
    assert message in response.content.decode()
    assert not TargetEdit.objects.exists()


def test_an_override_opens_in_the_form_and_what_clauses_cannot_say_in_the_expression_field(world, client_for):
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/regions/{world.counties['hill'].id}/"
    page = client.get(url).content.decode()
    # 林草覆盖率 resolves for a hilly county to ≥40: the form opens on it as a number clause
    row = page[page.index("林草覆盖率"):page.index("</tr>", page.index("林草覆盖率"))]
    assert 'name="target-value-0" value="40"' in row and '<option value="form" selected>' in row
    TargetOverride.objects.create(program=world.program, region=world.counties["hill"], indicator=ind("2019-11"),
                                  target=">=90 | qual:建立 & >=45", reason="r", created_by=world.users.office)
    page = client.get(url).content.decode()
    row = page[page.index("林草覆盖率"):page.index("</tr>", page.index("林草覆盖率"))]
    assert "≥90%或建立，且≥45%" in row
    assert '<option value="advanced" selected>' in row and 'value="&gt;=90 | qual:建立 &amp; &gt;=45"' in row


@pytest.mark.parametrize(
    ("expression", "advanced", "kinds"),
    [("", False, ["", "", "", ""]), (">=95", False, ["number", "", "", ""]),
     ("assigned & (>=90 | trend:improving)", False, ["assigned", "number", "trend", ""]),
     ("region{arid: >=35; else: >=60}", True, ["", "", "", ""]), (">=1 & >=2 & >=3 & >=4 & >=5", True, ["", "", "", ""]),
     ("not a target", True, ["", "", "", ""])],
)
def test_the_widget_opens_on_an_expression(expression, advanced, kinds):
    widget = target_widget("target", expression)
    assert (widget.advanced, [c.kind if c else "" for _, c in widget.rows], widget.expression) == (advanced, kinds, expression)


def test_the_live_preview_reads_the_clauses_with_the_indicators_unit(world, client_for):
    client = client_for(world.users.office)
    url = f"/programs/{world.program.id}/targets/words/"
    post = {"field": "target", "indicator": ind("2019-37").id,
            **_clauses("target", {"kind": "number", "op": "<=", "value": "25"})}
    assert client.post(url, post).content.decode() == "≤25%"
    advanced = client.post(url, {"field": "target", "target-mode": "advanced", "target": ">=4x", "unit": "%"})
    assert "目标表达式有误：第4个字符附近无法识别" in advanced.content.decode()
    local = client.post(url, {"field": "target_city", "unit": "吨/万元", **_clauses("target_city", {"kind": "number",
                                                                                                "op": "<=", "value": "0.5"})})
    assert local.content.decode() == "≤0.5吨/万元"


def test_the_preview_is_refused_outside_the_users_programs(world, client_for):
    client = client_for(world.users.outsider)
    response = client.post(f"/programs/{world.program.id}/targets/words/", {"target": ">=1"})
    assert response.status_code in (403, 404)


def test_the_api_reads_clauses_and_expressions_as_words(world, client_for):
    client = client_for(world.users.office)
    url = f"/api/programs/{world.program.id}/target-words"
    clauses = [{"kind": "assigned"}, {"kind": "number", "op": ">=", "value": "90"},
               {"kind": "trend", "rule": "improving", "join": "or"}]
    got = client.post(url, {"clauses": clauses, "indicator_id": ind("2019-37").id}, content_type="application/json")
    assert got.json() == {"expression": "assigned & (>=90 | trend:improving)",
                          "target_text": "完成上级规定的考核任务，且≥90%或持续提高"}
    bad = client.post(url, {"clauses": [{"kind": "number", "value": "x"}]}, content_type="application/json")
    assert bad.status_code == 400 and "请填写数值" in bad.json()["detail"]
    denied = client_for(world.users.outsider).post(url, {"expression": ">=1"}, content_type="application/json")
    assert denied.status_code in (403, 404)


def test_the_targets_api_gives_words_next_to_the_expression(world, client_for):
    rows = client_for(world.users.office).get(
        f"/api/programs/{world.program.id}/targets?region_id={world.counties['hill'].id}").json()
    row = next(r for r in rows if r["indicator_code"] == "2019-11")
    assert (row["expression"], row["target_text"], row["undetermined_attributes"]) == (">=40", "≥40%", [])
    indicators = client_for(world.users.office).get("/api/frameworks/national-2019/indicators").json()
    for indicator in indicators:
        for words in indicator["target_words"].values():
            assert not any(raw in words for raw in (">=", "qual:", "trend:", "&", "|")), words


def test_a_region_without_the_attribute_says_which_to_set_and_where(world, client_for):
    bare = Region.objects.create(code="990125", name="新设县", level="county", parent=world.city)
    resolved = resolve_targets(world.program, [bare], program_indicators(world.program))[(bare.id, ind("2019-11").id)]
    assert resolved.source == "error" and resolved.undetermined.missing == ("terrain",)
    assert resolved.text == "无法确定：本区域尚未设置「地形类别」，请在区域属性（管理后台 › 区域）中设置。"
    assert "no branch" not in resolved.text and "region{" not in resolved.text
    link = f"/admin/geo/region/{bare.id}/change/"
    office_page = client_for(world.users.office).get(f"/programs/{world.program.id}/regions/{bare.id}/")
    assert "尚未设置「地形类别」" in office_page.content.decode() and link in office_page.content.decode()
    assert client_for(world.users.office).get(link).status_code == 200  # the link can be followed
    overview = client_for(world.users.office).get(f"/programs/{world.program.id}/").content.decode()
    assert link in overview
    leader_page = client_for(world.users.leader).get(f"/programs/{world.program.id}/regions/{bare.id}/").content.decode()
    assert "尚未设置「地形类别」" in leader_page and link not in leader_page  # no link the leader cannot follow
    assert client_for(world.users.leader).get(link).status_code in (302, 403)
    api = client_for(world.users.office).get(f"/api/programs/{world.program.id}/targets?region_id={bare.id}").json()
    assert next(r for r in api if r["indicator_code"] == "2019-11")["undetermined_attributes"] == ["地形类别"]


def test_a_region_whose_attribute_fits_no_branch_is_told_to_check_it(world):
    plain_city = world.other_city  # a medium city: 公共交通出行分担率 has branches for every size, so drop them
    plain_city.city_size = ""
    plain_city.save()
    resolved = resolve_targets(world.other_program, [plain_city], program_indicators(world.other_program))
    texts = [r.text for r in resolved.values() if r.source == "error"]
    assert texts and all("城市规模" in t and "请在区域属性" in t for t in texts)
