"""The cockpit and the matrix as xlsx (issue #12): the page's scope, audited, printable, formula-safe."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditAction, AuditEvent
from tests.sheets import assert_refused_and_not_recorded, sheet_values, workbook_problems


def urls(assess, *, api: bool = False) -> dict[str, str]:
    p = assess.program.id
    if api:
        return {"cockpit": f"/api/programs/{p}/assessment/cockpit.xlsx?year=2024",
                "matrix": f"/api/programs/{p}/assessment/matrix.xlsx?year=2024"}
    return {"cockpit": f"/programs/{p}/assessment/cockpit.xlsx?year=2024",
            "matrix": f"/programs/{p}/assessment/matrix.xlsx?year=2024"}


@pytest.mark.parametrize("api", [False, True])
def test_the_office_downloads_both_as_printable_office_tables(assess, client_for, api):
    client = client_for(assess.world.users.office)
    for name, url in urls(assess, api=api).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), name
        assert workbook_problems(response.content) == [], name
    cockpit = client.get(urls(assess, api=api)["cockpit"]).content
    regions = sheet_values(cockpit, "各区域达标情况")
    assert "2024年达标情况" in regions[0][0] and regions[1][0].startswith("导出日期：")
    assert [row[0] for row in regions[3:]] == ["甲市", "丘陵县", "山区县", "平原县", "旱塬县"]
    hill = next(row for row in regions if row[0] == "丘陵县")
    assert hill[1:4] == ["2024年创建国家生态文明建设示范区", "2024年", 2]


def test_the_matrix_holds_status_words_targets_in_words_and_values(assess, client_for):
    content = client_for(assess.world.users.office).get(urls(assess)["matrix"]).content
    grid = sheet_values(content, "达标矩阵")
    header = grid[2]
    assert header[:3] == ["区域", "达标（项）", "约束性达标/适用"]
    assert grid[-1][0] == "达标区域数"  # the 合计 row of the matrix
    detail = sheet_values(content, "明细")
    city_29 = next(row for row in detail if row[0] == "甲市" and row[2] == "城镇污水处理率")
    assert city_29[3:] == ["%", "约束性", "≥95%", 93, "未达标", 2, "需加快"]
    plan = next(row for row in detail if row[0] == "甲市" and row[2] == "生态文明建设规划")
    assert plan[5:8] == ["制定实施", None, "达标"]  # a qualitative target in words, no number


def test_a_county_downloads_its_own_county_only(assess, client_for):
    client = client_for(assess.world.users.county)
    for url in (*urls(assess).values(), *urls(assess, api=True).values()):
        response = client.get(url)
        assert response.status_code == 200, url
        names = {row[0] for row in sheet_values(response.content)[3:]} - {"合计", "达标区域数"}
        assert names == {"丘陵县"}, url
    detail = sheet_values(client.get(urls(assess)["matrix"]).content, "明细")
    assert {row[0] for row in detail[3:]} == {"丘陵县"}


@pytest.mark.parametrize("persona", ["outsider", "reporter"])
def test_the_denied_are_refused_and_nothing_is_recorded_as_downloaded(assess, client_for, persona):
    assert_refused_and_not_recorded(client_for(getattr(assess.world.users, persona)),
                                    [*urls(assess).values(), *urls(assess, api=True).values()])


def test_each_download_is_audited_as_an_export(assess, client_for):
    client = client_for(assess.world.users.office)
    for url in (*urls(assess).values(), *urls(assess, api=True).values()):
        assert client.get(url).status_code == 200
    events = list(AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOAD).order_by("id"))
    assert [e.details["path"] for e in events] == [*urls(assess).values(), *urls(assess, api=True).values()]
    assert events[0].target_label == "甲市创建国家生态文明建设示范市-驾驶舱-甲市-2024年.xlsx"


def test_a_formula_in_a_name_stays_text(assess, client_for):
    county = assess.world.counties["hill"]
    county.name = '=HYPERLINK("http://x","丘陵县")'
    county.save(update_fields=["name"])
    content = client_for(assess.world.users.office).get(urls(assess)["matrix"]).content
    assert workbook_problems(content) == []
    assert any(row[0] == county.name for row in sheet_values(content))
