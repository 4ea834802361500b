from __future__ import annotations

import hashlib
import io
import os
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from apps.core.errors import DomainError, ImportRejected
from apps.evidence.models import Evidence
from apps.geo.models import Region
from apps.indicators.models import Indicator
from apps.reporting.bulk import reporting_import_commit
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.services import evidence_upload, indicator_value_transition
from docimport.values import HEADERS
from tests.sheets import saved, xlsx

from .conftest import save
from .test_workflow import act

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def template_for(client: Client, rep: SimpleNamespace) -> bytes:
    response = client.get(f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/template.xlsx")
    assert response.status_code == 200
    return response.content


def fill(data: bytes, values: dict[int, tuple]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    for row, (number, status) in values.items():
        sheet.cell(row=row, column=8, value=number)
        sheet.cell(row=row, column=9, value=status)
    return saved(workbook)


def test_template_has_rows_and_dropdown(rep, client_for):
    data = template_for(client_for(rep.world.users.reporter), rep)
    sheet = load_workbook(io.BytesIO(data)).active
    codes = {sheet.cell(row=r, column=3).value for r in range(3, sheet.max_row + 1)}
    assert codes == {"2019-03", "2019-01"}
    assert any("已建立" in (dv.formula1 or "") for dv in sheet.data_validations.dataValidation)


def test_import_with_one_bad_row_writes_nothing(rep, client_for):
    data = template_for(client_for(rep.world.users.reporter), rep)
    rows = {load_workbook(io.BytesIO(data)).active.cell(row=r, column=3).value: r for r in (3, 4)}
    filled = fill(data, {rows["2019-01"]: (None, "实施中"), rows["2019-03"]: ("abc", None)})
    with pytest.raises(ImportRejected) as exc:
        reporting_import_commit(reporting_round=rep.round, actor=rep.world.users.reporter, data=filled)
    assert [(e.row, e.column) for e in exc.value.errors] == [(rows["2019-03"], "本期数值")]
    assert IndicatorValue.objects.count() == 0 and ValueRevision.objects.count() == 0
    good = fill(data, {rows["2019-01"]: (None, "实施中"), rows["2019-03"]: (24.5, None)})
    preview = reporting_import_commit(reporting_round=rep.round, actor=rep.world.users.reporter, data=good)
    assert len(preview.lines) == 2 and IndicatorValue.objects.count() == 2


def test_import_unknown_region_wrong_unit_out_of_range(rep):

    data = xlsx([
        HEADERS,
        ["000000", "无", "2019-03", "", "%", "", "", 30, None],
        ["990100", "甲市", "2019-03", "", "吨", "", "", 30, None],
        ["990100", "甲市", "2019-99", "", "%", "", "", 30, None],
        ["990121", "丘陵县", "2019-03", "", "%", "", "", 130, None],
    ], title="标题")
    with pytest.raises(ImportRejected) as exc:
        reporting_import_commit(reporting_round=rep.round, actor=rep.world.users.office, data=data)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "区域代码"), (4, "单位"), (5, "指标编码"),
                                                             (6, "本期数值")]
    assert IndicatorValue.objects.count() == 0


def test_evidence_checks(rep: SimpleNamespace, settings: Settings):
    value = save(rep, rep.world.users.reporter)
    settings.ECOCIV_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(DomainError, match="过大"):
        evidence_upload(value=value, upload=SimpleUploadedFile("a.pdf", PDF + b"0" * 2000), actor=rep.world.users.reporter)
    for payload in (b"MZ\x90\x00" + b"\x00" * 200, b"\x7fELF\x02\x01\x01" + b"\x00" * 200):
        with pytest.raises(DomainError, match="不是允许的类型"):
            evidence_upload(value=value, upload=SimpleUploadedFile("report.pdf", payload),
                            actor=rep.world.users.reporter)
    evidence = evidence_upload(value=value, upload=SimpleUploadedFile("../../../etc/passwd.pdf", PDF),
                               actor=rep.world.users.reporter, checklist_item="统计年鉴、统计公报或部门统计报表")
    assert evidence.original_name == "passwd.pdf"
    path = os.path.realpath(evidence.file.path)
    assert path.startswith(os.path.realpath(settings.MEDIA_ROOT) + os.sep) and ".." not in evidence.file.name

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    with pytest.raises(DomainError, match="清单"):
        evidence_upload(value=value, upload=SimpleUploadedFile("b.pdf", PDF), actor=rep.world.users.reporter,
                        checklist_item="随便写")
    assert Evidence.objects.count() == 1


def test_download_allowed_and_denied(rep, client_for):
    value = save(rep, rep.world.users.reporter)
    evidence = evidence_upload(value=value, upload=SimpleUploadedFile("说明.pdf", PDF), actor=rep.world.users.reporter)
    url = f"/programs/{rep.world.program.id}/values/{value.id}/evidence/{evidence.id}/"
    api_url = f"/api/programs/{rep.world.program.id}/values/{value.id}/evidence/{evidence.id}"
    response = client_for(rep.world.users.inspector).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(rep.world.users.outsider).get(url).status_code == 403
    assert client_for(rep.world.users.outsider).get(api_url).status_code == 403
    assert client_for(rep.world.users.county).get(url).status_code == 403  # not the county's value
    # no public media URL serves the file
    assert client_for(rep.world.users.outsider).get(settings.MEDIA_URL + evidence.file.name).status_code == 404


def test_history_lists_every_change(rep, client_for):
    users = rep.world.users
    value = save(rep, users.reporter, number="21", source="统计公报")
    value = save(rep, users.reporter, number="22", version=value.version, reason="更正")

    act(value, "submit", users.reporter)
    act(value, "return", users.office, "请附统计公报")
    response = client_for(users.office).get(f"/programs/{rep.world.program.id}/values/{value.id}/")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("21", "22", "更正", "提交", "退回", "请附统计公报", "统计公报"):
        assert text in body
    detail = client_for(users.leader).get(f"/api/programs/{rep.world.program.id}/values/{value.id}").json()
    assert [Decimal(r["number"]) for r in detail["revisions"]] == [21, 22]
    assert [e["action"] for e in detail["events"]] == ["submit", "return"]


def test_api_paths(rep, client_for):
    users, pid, rid = rep.world.users, rep.world.program.id, rep.round.id
    payload = {"region_id": rep.world.city.id, "indicator_id": rep.numeric.id, "number": "25", "expected_version": 0}
    outsider = client_for(users.outsider)
    assert outsider.get(f"/api/programs/{pid}/rounds").status_code == 403
    assert outsider.post(f"/api/programs/{pid}/rounds/{rid}/values", payload,
                         content_type="application/json").status_code == 403
    leader = client_for(users.leader)
    assert leader.post(f"/api/programs/{pid}/rounds/{rid}/values", payload,
                       content_type="application/json").status_code == 403
    assert leader.get(f"/api/programs/{pid}/values").status_code == 403
    assert leader.post(f"/api/programs/{pid}/rounds", {"name": "x", "year": 2026, "due": "2026-12-31"},
                       content_type="application/json").status_code == 403
    reporter = client_for(users.reporter)
    response = reporter.post(f"/api/programs/{pid}/rounds/{rid}/values", payload, content_type="application/json")
    assert response.status_code == 200, response.content
    value_id = response.json()["id"]
    again = reporter.post(f"/api/programs/{pid}/rounds/{rid}/values", payload, content_type="application/json")
    assert again.status_code == 409
    obligations = reporter.get(f"/api/programs/{pid}/rounds/{rid}/obligations").json()
    assert {o["indicator_code"] for o in obligations} == {"2019-03", "2019-01"}
    assert reporter.post(f"/api/programs/{pid}/values/{value_id}/transition", {"action": "approve"},
                         content_type="application/json").status_code == 403
    assert reporter.post(f"/api/programs/{pid}/values/{value_id}/transition", {"action": "submit"},
                         content_type="application/json").status_code == 200
    office = client_for(users.office)
    queue = office.get(f"/api/programs/{pid}/values").json()
    assert [v["id"] for v in queue] == [value_id]
    result = office.post(f"/api/programs/{pid}/bulk-approve", {"value_ids": [value_id]},
                         content_type="application/json").json()
    assert result["approved"] == [value_id]
    series = office.get(f"/api/programs/{pid}/approved-values?years=2025").json()
    assert [(s["year"], float(s["number"])) for s in series] == [(2025, 25.0)]
    progress = office.get(f"/api/programs/{pid}/rounds/{rid}/progress").json()
    assert progress["total"]["approved"] == 1


def test_pages_render(rep, client_for):
    users, pid, rid = rep.world.users, rep.world.program.id, rep.round.id
    save(rep, users.reporter)
    for user, url in [(users.office, f"/programs/{pid}/rounds/"), (users.office, f"/programs/{pid}/rounds/{rid}/"),
                      (users.reporter, f"/programs/{pid}/rounds/{rid}/inbox/"),
                      (users.county, f"/programs/{pid}/rounds/{rid}/inbox/"),
                      (users.office, f"/programs/{pid}/reporting/review/?status=draft"),
                      (users.reporter, f"/programs/{pid}/rounds/{rid}/entry/{rep.world.city.id}/{rep.numeric.id}/"),
                      (users.reporter, f"/programs/{pid}/rounds/{rid}/import/")]:
        assert client_for(user).get(url).status_code == 200, url
    assert client_for(users.reporter).get(f"/programs/{pid}/reporting/review/").status_code == 403
    assert client_for(users.outsider).get(f"/programs/{pid}/rounds/{rid}/").status_code == 403


def test_queries_constant(rep, client_for):
    """The review queue and progress page cost the same whatever the number of values."""
    users, pid, rid = rep.world.users, rep.world.program.id, rep.round.id
    client = client_for(users.office)

    def add(region: Region, indicator: Indicator, number: str | None, qualitative: str = "") -> None:
        value = save(rep, users.office, region=region, indicator=indicator,
                     number=number, qualitative=qualitative)
        value.program = rep.world.program
        indicator_value_transition(value=value, action="submit", actor=users.office)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add(rep.world.city, rep.numeric, "25")
    urls = [f"/programs/{pid}/reporting/review/", f"/programs/{pid}/rounds/{rid}/",
            f"/programs/{pid}/rounds/{rid}/inbox/", f"/api/programs/{pid}/values"]
    for url in urls:  # warm the process-wide caches (content types) that a first request fills, whatever the data
        client.get(url)
    small = [count(u) for u in urls]
    add(rep.world.counties["hill"], rep.numeric, "30")
    add(rep.world.counties["plain"], rep.numeric, "31")
    add(rep.world.counties["plain"], rep.qualitative, None, "achieved")
    add(rep.world.city, rep.qualitative, None, "in_progress")
    assert [count(u) for u in urls] == small


def test_api_round_create_and_evidence_upload(rep, client_for):
    users, pid = rep.world.users, rep.world.program.id
    office = client_for(users.office)
    response = office.post(f"/api/programs/{pid}/rounds", {"name": "2026年第1季度调度", "period_type": "quarter",
                                                           "year": 2026, "period_number": 1, "due": "2026-04-15"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["period_label"] == "2026年第1季度"
    value = save(rep, users.reporter)
    url = f"/api/programs/{pid}/values/{value.id}/evidence"
    reporter = client_for(users.reporter)
    bad = reporter.post(url, {"file": SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 300)})
    assert bad.status_code == 400
    good = reporter.post(url, {"file": SimpleUploadedFile("公报.pdf", PDF),
                               "checklist_item": "监测报告或计算过程说明"})
    assert good.status_code == 201 and good.json()["checklist_item"] == "监测报告或计算过程说明"
    assert client_for(users.leader).post(url, {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 403
    detail = client_for(users.office).get(f"/api/programs/{pid}/values/{value.id}").json()
    assert detail["evidence_missing"] == ["统计年鉴、统计公报或部门统计报表"]


def test_review_queue_filters(rep, client_for):
    users, world = rep.world.users, rep.world
    city = save(rep, users.reporter)
    act(city, "submit", users.reporter)
    county = save(rep, users.county, region=world.counties["hill"])
    act(county, "submit", users.county)
    office, pid = client_for(users.office), world.program.id

    def ids(query: str) -> list[int]:
        return [v["id"] for v in office.get(f"/api/programs/{pid}/values?{query}").json()]

    assert sorted(ids("")) == sorted([city.id, county.id])
    assert ids(f"region_id={world.counties['hill'].id}") == [county.id]
    assert ids(f"department_id={world.units['市生态环境局'].id}") == [city.id]
    assert ids(f"department_id={world.units['市统计局'].id}") == []
    assert ids(f"round_id={rep.round.id}&status=draft") == []
