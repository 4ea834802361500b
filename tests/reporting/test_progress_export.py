"""The round's progress as xlsx (issue #12): the round page's tables with their 合计 rows, printable, audited,
refused to whoever may not open the round."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditAction, AuditEvent
from apps.reporting.services import reporting_round_create
from tests.sheets import assert_refused_and_not_recorded, sheet_values, workbook_problems

from .conftest import save


def urls(rep) -> list[str]:
    p, r = rep.world.program.id, rep.round.id
    return [f"/programs/{p}/rounds/{r}/progress.xlsx", f"/api/programs/{p}/rounds/{r}/progress.xlsx"]


def test_the_progress_by_unit_and_by_region_ends_in_a_total(rep, client_for):
    save(rep, rep.world.users.reporter, submit=True)
    client = client_for(rep.world.users.office)
    for url in urls(rep):
        response = client.get(url)
        assert response.status_code == 200, url
        assert workbook_problems(response.content) == [], url
        by_unit = sheet_values(response.content, "按填报单位")
        assert by_unit[0][0] == "2025年度调度（2025年度）填报进度"
        assert by_unit[1][0].startswith("截止 2026年1月31日；导出日期：")
        assert by_unit[2][:5] == ["名称", "应报", "已提交", "已通过", "退回"]
        lines, total = by_unit[3:-1], by_unit[-1]
        assert total[0] == "合计" and total[1] == sum(row[1] for row in lines) and total[2] == 1
        by_region = sheet_values(response.content, "按区域")
        assert [row[0] for row in by_region[3:]] == ["甲市", "丘陵县", "平原县", "合计"]
        assert by_region[-1][1:] == total[1:]


def test_the_round_page_shows_the_same_totals(rep, client_for):
    page = client_for(rep.world.users.office).get(f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/")
    html = page.content.decode()
    assert html.count('<tr class="total"><th scope="row">合计</th>') == 1  # one view at a time
    by_region = client_for(rep.world.users.office).get(
        f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/?by=region").content.decode()
    assert by_region.count('<tr class="total"><th scope="row">合计</th>') == 1
    assert f'href="/programs/{rep.world.program.id}/rounds/{rep.round.id}/progress.xlsx"' in html


def test_another_city_is_refused_and_nothing_is_recorded(rep, client_for):
    assert_refused_and_not_recorded(client_for(rep.world.users.outsider), urls(rep))


def test_each_download_is_audited(rep, client_for):
    client = client_for(rep.world.users.office)
    for url in urls(rep):
        client.get(url)
    events = AuditEvent.objects.filter(action=AuditAction.EXPORT_DOWNLOAD).order_by("id")
    assert [e.details["path"] for e in events] == urls(rep)
    assert {e.target_label for e in events} == {"2025年度调度-填报进度.xlsx"}


def test_the_page_and_the_download_take_as_many_queries_for_a_larger_round(rep, client_for):
    world = rep.world
    larger = reporting_round_create(
        program=world.program, actor=world.users.office, name="2024年度调度", period_type="year", year=2024,
        due=dt.date(2026, 1, 31), indicators=[rep.numeric, rep.qualitative],
        regions=[world.city, *world.counties.values()])
    save(rep, world.users.reporter, submit=True)
    save(SimpleNamespace(round=larger, world=world, numeric=rep.numeric), world.users.reporter, submit=True)
    client = client_for(world.users.office)

    def queries(round_id: int) -> list[int]:
        counts = []
        for url in (f"/programs/{world.program.id}/rounds/{round_id}/",
                    f"/programs/{world.program.id}/rounds/{round_id}/progress.xlsx"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    assert queries(rep.round.id) == queries(larger.id)
