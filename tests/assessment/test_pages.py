"""Every page 200 for the personas allowed and 403/404 for the others; what each persona sees."""

from __future__ import annotations

import pytest

from apps.accounts.models import Role
from apps.indicators.models import Indicator
from tests.conftest import make_user

from .conftest import addresses


@pytest.mark.parametrize("persona", ["office", "leader", "inspector"])
def test_city_personas_see_everything(assess, client_for, persona):
    client = client_for(getattr(assess.world.users, persona))
    for name, url in addresses(assess).items():
        response = client.get(url)
        assert response.status_code == 200, name
    matrix = client.get(addresses(assess)["matrix"]).content.decode()
    assert matrix.count('<th class="reg"') == 5  # city + 4 counties
    cockpit = client.get(addresses(assess)["cockpit"]).content.decode()
    assert "申报条件" in cockpit and "丘陵县" in cockpit and 'id="chart-regions"' in cockpit
    assert "低于目标值20%，差1个百分点" in cockpit  # a binding blocker's sentence


def test_outsider_is_denied_everywhere(assess, client_for):
    client = client_for(assess.world.users.outsider)
    for name, url in addresses(assess).items():
        assert client.get(url).status_code == 403, name
    assert client.get("/programs/999999/assessment/").status_code == 404


def test_county_office_sees_its_own_county_only(assess, client_for):
    client = client_for(assess.world.users.county)
    hill = assess.world.counties["hill"]
    matrix = client.get(addresses(assess)["matrix"]).content.decode()
    assert matrix.count('<th class="reg"') == 1 and "丘陵县" in matrix and "山区县" not in matrix
    cockpit = client.get(addresses(assess)["cockpit"])
    assert cockpit.status_code == 200 and "丘陵县" in cockpit.content.decode()
    code = assess.code["2019-03"].id
    p = assess.program.id
    assert client.get(f"/programs/{p}/assessment/indicators/{code}/").status_code == 200  # defaults to its county
    assert client.get(f"/programs/{p}/assessment/indicators/{code}/?region={hill.id}").status_code == 200
    assert client.get(addresses(assess)["indicator"]).status_code == 403  # the city
    other = assess.world.counties["plain"].id
    assert client.get(f"/programs/{p}/assessment/indicators/{code}/?region={other}").status_code == 403
    assert client.get(addresses(assess)["department"]).status_code == 403  # a city unit


def test_department_reporter_sees_its_own_unit(assess, client_for):
    client = client_for(assess.world.users.reporter)
    u = addresses(assess)
    assert client.get(u["cockpit"]).status_code == 403
    assert client.get(u["matrix"]).status_code == 403
    page = client.get(u["department"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "生态文明建设工作占党政实绩考核的比例" in text and "牵头" in text
    assert "低于目标值20%" in text
    p = assess.program.id
    assert client.get(f"/programs/{p}/assessment/departments/{assess.other_unit.id}/").status_code == 403
    assert client.get(u["indicator"]).status_code == 200  # its unit leads 2019-03
    assert client.get(f"/programs/{p}/assessment/indicators/{assess.code['2019-29'].id}/").status_code == 403
    mine = client.get(f"/programs/{p}/assessment/mine/")
    assert mine.status_code == 302 and mine.url.endswith(f"/assessment/departments/{assess.unit.id}/")


def test_indicator_detail_shows_sentences_units_evidence_and_regions(assess, client_for):
    client = client_for(assess.world.users.office)
    text = client.get(addresses(assess)["indicator"] + "&year=2024").content.decode()
    assert "2024年生态文明建设工作占党政实绩考核的比例19%，低于目标值20%，差1个百分点" in text
    assert 'id="reach-sentence"' in text
    assert "市生态环境局" in text and "市住建局" in text
    href = f"/programs/{assess.program.id}/values/{assess.evidence.object_id}/evidence/{assess.evidence.id}/"
    assert href in text
    assert text.count("<tr") - 1 >= 5  # per-region table (header + 5 regions) besides the value table
    assert 'id="chart-indicator"' in text


def test_missing_and_parent_indicators_are_404(assess, client_for):
    client = client_for(assess.world.users.office)
    p = assess.program.id
    parent = Indicator.objects.filter(framework=assess.program.framework, scope_levels=[]).first()
    assert client.get(f"/programs/{p}/assessment/indicators/{parent.id}/").status_code == 404
    assert client.get(f"/programs/{p}/assessment/indicators/999999/").status_code == 404
    assert client.get(f"/programs/{p}/assessment/?year=1800").status_code == 200  # ignored, default year


def test_leader_lands_on_the_cockpit_and_menus_link_it(assess, client_for):
    client = client_for(assess.world.users.leader)
    response = client.get("/")
    assert response.status_code == 302 and response.url == f"/programs/{assess.program.id}/assessment/"
    text = client.get(f"/programs/{assess.program.id}/").content.decode()
    assert "驾驶舱" in text and "达标矩阵" in text
    reporter_menu = client_for(assess.world.users.reporter).get(f"/programs/{assess.program.id}/").content.decode()
    assert "本单位指标" in reporter_menu and "达标矩阵" not in reporter_menu


def test_county_leader_is_scoped_like_the_county_office(assess, client_for):
    leader = make_user("hill_leader", Role.LEADER, region=assess.world.counties["hill"])
    matrix = client_for(leader).get(addresses(assess)["matrix"]).content.decode()
    assert matrix.count('<th class="reg"') == 1
