"""The dashboards as pages show them: the default year, gate headline and grouped blockers, readable matrix,
empty states, projections within range."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.utils import timezone

from apps.assessment.dashboards import within_range
from apps.assessment.selectors import program_assessment
from apps.indicators.models import Indicator
from apps.programs.models import Responsibility
from apps.reporting.models import IndicatorValue, ReportingRound, ValueRevision

from .conftest import approve

TODAY = dt.date(2025, 3, 1)


def test_the_latest_year_with_data_is_the_default_and_the_page_says_why(assess, client_for):
    approve(assess.program, assess.world.city, assess.code["2019-29"], 2025, 94, author=assess.world.users.office)
    a = program_assessment(assess.program, today=TODAY)
    assert 2025 in a.years and a.year == a.default_year == 2025
    office = client_for(assess.world.users.office)
    data = office.get(f"/api/programs/{assess.program.id}/assessment/gates").json()
    assert data["year"] == 2025 and data["coverage"]["default_year"] == 2025
    years = {y["year"]: y for y in data["coverage"]["years"]}
    assert years[2025]["approved"] == 1 and years[2024]["approved"] > 1 and years[2025]["default"]
    page = office.get(f"/programs/{assess.program.id}/assessment/").content.decode()
    y = years[2025]
    assert f"2025年度已审核 {y['approved']}/{y['applicable']} 项" in page
    assert "显示有数据的最近年份：2025年" in page and "该年审核尚未完成" in page
    # another year stays one choice away, and the page offers the way back
    page = office.get(f"/programs/{assess.program.id}/assessment/?year=2024").content.decode()
    assert "正在查看2024年" in page and "回到有数据的最近年份（2025年）" in page
    assert "显示有数据的最近年份" not in page
    assert f"2025年（已审核 {years[2025]['percent']}%）" in page
    # a county office's coverage counts its own county only
    county = client_for(assess.world.users.county).get(f"/api/programs/{assess.program.id}/assessment/gates").json()
    mine = {c["year"]: c for c in county["coverage"]["years"]}
    assert mine[2024]["applicable"] < y["applicable"] and mine[2025]["approved"] == 0


def test_cockpit_gate_headline_and_grouped_blockers(assess, client_for):
    page = client_for(assess.world.users.office).get(f"/programs/{assess.program.id}/assessment/?year=2024")
    text = page.content.decode()
    gate = text[text.index('id="gate"'):text.index("</section>", text.index('id="gate"'))]
    headline = re.search(r'id="gate-headline"[^>]*>([^<]*)<', gate).group(1)
    assert re.fullmatch(r"约束性指标 \d+/\d+ 达标：(\d+项未达标、)?\d+项无数据；参考性指标达标率 [\d.]+%", headline), headline
    assert "（" not in headline  # no inline list of names
    # 未达标 with its sentence first, then 无数据 names, the rest behind "展开全部"
    assert gate.index("未达标</span>") < gate.index("无数据</span>")
    assert "低于目标值20%，差1个百分点" in gate
    no_data = int(re.search(r'no_data">无数据</span> (\d+)项', gate).group(1))
    assert no_data > 6 and f"展开全部 {no_data} 项" in gate
    api = client_for(assess.world.users.office).get(
        f"/api/programs/{assess.program.id}/assessment/gates?year=2024").json()["gate"]
    assert api["headline"] == headline.replace("&amp;", "&")
    assert [g["status"] for g in api["groups"]] == ["not_attained", "no_data"]
    assert sum(g["count"] for g in api["groups"]) == len(api["blockers"])


def test_matrix_headers_summaries_filter_and_sort(assess, client_for):
    client = client_for(assess.world.users.office)
    base = f"/programs/{assess.program.id}/assessment/matrix/?year=2024"
    text = client.get(base).content.decode()
    for domain in ("生态制度", "生态安全", "生态空间", "生态经济", "生态生活", "生态文化"):
        assert f'title="{domain}"' in text
    assert "生态文明建设工作占" in text  # a readable (shortened) name in the column header
    columns = text.count('<th class="ind')
    binding = client.get(base + "&only=binding").content.decode()
    assert 0 < binding.count('<th class="ind b"') == binding.count('<th class="ind') < columns
    api = client.get(f"/api/programs/{assess.program.id}/assessment/matrix?year=2024&only=binding&sort=attained").json()
    assert all(i["binding"] for i in api["indicators"]) and len(api["indicators"]) == binding.count('<th class="ind')
    attained = [s["attained"] for s in api["region_summaries"]]
    assert attained == sorted(attained, reverse=True)
    full = client.get(f"/api/programs/{assess.program.id}/assessment/matrix?year=2024&sort=attained").json()
    counts = [s["attained"] for s in full["region_summaries"]]
    assert counts == sorted(counts, reverse=True)
    order = re.findall(r'<th class="reg" scope="row" title="([^"]+)"', client.get(base + "&sort=attained").content.decode())
    assert order == [r["name"] for r in full["regions"]]
    city = next(s for s in full["region_summaries"] if s["region_id"] == assess.world.city.id)
    cells = [c for c in full["cells"] if c["region_id"] == assess.world.city.id]
    assert city["attained"] == sum(c["status"] == "attained" for c in cells)
    assert sum(d["span"] for d in full["domains"]) == len(full["indicators"])
    assert client.get(f"/api/programs/{assess.program.id}/assessment/matrix?sort=bogus").status_code == 422
    assert client.get(base + "&sort=bogus&only=bogus").status_code == 200  # the page falls back to the defaults


def test_indicator_without_data_shows_an_empty_state_and_the_latest_report(assess, client_for):
    program, city, office = assess.program, assess.world.city, assess.world.users.office
    code = assess.code["2019-05"]  # no values, no responsible unit in the fixture
    url = f"/programs/{program.id}/assessment/indicators/{code.id}/?region={city.id}&year=2024"
    client = client_for(office)
    text = client.get(url).content.decode()
    assert 'id="indicator-empty"' in text and 'id="chart-indicator"' not in text
    assert "还没有填报记录" in text
    assert "未分配牵头单位" in text and f"<a href=\"/programs/{program.id}/responsibilities/\">到责任清单分配" in text
    leader = client_for(assess.world.users.leader).get(url).content.decode()
    assert "未分配牵头单位" in leader and "到责任清单分配" not in leader
    round_ = ReportingRound.objects.create(program=program, name="2024年度调度", year=2024,
                                           due=dt.date(2025, 1, 31), created_by=office)
    value = IndicatorValue.objects.create(program=program, region=city, indicator=code, year=2024, round=round_,
                                          status="submitted", first_submitted_at=timezone.now())
    value.current_revision = ValueRevision.objects.create(value=value, number=Decimal("1"), version=1, author=office)
    value.save(update_fields=["current_revision"])
    text = client.get(url).content.decode()
    assert "最近一次填报：2024年，状态：已提交" in text and f"/rounds/{round_.id}/" in text
    data = client.get(f"/api/programs/{program.id}/assessment/indicators/{code.id}?region={city.id}&year=2024").json()
    assert data["has_data"] is False and data["latest_report"]["status"] == "submitted"
    Responsibility.objects.create(program=program, indicator=code, department=assess.unit, role="lead")
    assert "未分配牵头单位" not in client.get(url).content.decode()
    # an indicator with data draws its chart
    with_data = client.get(f"/programs/{program.id}/assessment/indicators/{assess.code['2019-03'].id}/"
                           f"?region={city.id}&year=2024").content.decode()
    assert 'id="chart-indicator"' in with_data and 'id="indicator-empty"' not in with_data


def test_a_region_outside_the_program_is_404_not_500(assess, client_for):
    client = client_for(assess.world.users.office)
    p, code, province = assess.program.id, assess.code["2019-03"].id, assess.world.province.id
    assert client.get(f"/programs/{p}/assessment/indicators/{code}/?region={province}").status_code == 404
    assert client.get(f"/api/programs/{p}/assessment/indicators/{code}?region={province}").status_code == 404



def test_a_projection_never_leaves_the_range_of_its_quantity(world, client_for):
    program, plain, office = world.program, world.counties["plain"], world.users.office
    sewage = Indicator.objects.get(framework=program.framework, code="2019-29")  # 城镇污水处理率 (%)
    approve(program, plain, sewage, 2022, 80, author=office)
    approve(program, plain, sewage, 2024, 99, author=office)  # 9.5 points a year: 108.5 % in 2025 unclamped
    data = client_for(office).get(f"/api/programs/{program.id}/assessment/indicators/{sewage.id}"
                                  f"?region={plain.id}&year=2024").json()
    # attained: the status says it all, so no reachability is given next to it (cell_state)
    assert data["status"] == "attained" and data["reach"] is None
    assert [(p["year"], Decimal(str(p["value"]))) for p in data["projection"]] == [(2025, Decimal(100))]
    decline = Indicator.objects.get(framework=program.framework, code="2019-07b")  # 下降幅度 (%): may be negative
    assert within_range(Decimal("-30"), decline) == Decimal("-30")
    assert within_range(Decimal("130"), decline) == Decimal(100)
    assert within_range(Decimal("57.5"), sewage) == Decimal("57.5")
    assert within_range(Decimal("-1"), sewage) == Decimal(0)
