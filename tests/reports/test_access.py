"""Who drafts and downloads the dossier, the update package and the self-assessment report, and who answers the
veto checklist: allowed and denied paths on the page, the API, the download and the command."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.audit.models import AuditEvent
from apps.reports.models import ReportFile, ReportKind, VetoEntry
from tests.conftest import make_user

from .conftest import PDF

YEAR = 2025


def _post(client, program, **body):  # type: ignore[no-untyped-def]
    return client.post(f"/api/programs/{program.id}/reports", {"year": YEAR, **body}, content_type="application/json")


def test_an_inspector_drafts_and_downloads_the_dossier_on_the_api_and_it_is_served_again(values, client_for):
    program, inspector = values.rep.world.program, values.rep.world.users.inspector
    client = client_for(inspector)
    answer = _post(client, program, kind="dossier")
    assert answer.status_code in (200, 202), answer.content
    report = answer.json()["report"]
    assert report["ready"] and report["filename"].endswith(".zip")
    download = client.get(f"/api/programs/{program.id}/reports/{report['id']}/download")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "index.html" in archive.namelist() and "manifest.csv" in archive.namelist()
    assert AuditEvent.objects.filter(actor=inspector).exists()  # the download is recorded
    again = _post(client, program, kind="dossier")
    assert again.status_code == 200 and not again.json()["queued"] and again.json()["report"]["id"] == report["id"]
    filtered = _post(client, program, kind="dossier", indicator_set="binding")
    assert filtered.json()["report"]["id"] != report["id"]  # other filters, another file


@pytest.mark.parametrize("persona", ["reporter", "county", "outsider"])
def test_a_unit_a_county_and_another_city_cannot_draft_or_download_the_dossier(values, client_for, persona):
    program = values.rep.world.program
    office = client_for(values.rep.world.users.office)
    stored = _post(office, program, kind="dossier").json()["report"]
    client = client_for(getattr(values.rep.world.users, persona))
    assert _post(client, program, kind="dossier").status_code in (403, 404)
    assert _post(client, program, kind="update").status_code in (403, 404)
    assert client.get(f"/api/programs/{program.id}/reports/{stored['id']}/download").status_code in (403, 404)
    assert client.get(f"/programs/{program.id}/reports/{stored['id']}/download/").status_code in (403, 404)
    assert client.post(f"/programs/{program.id}/reports/generate/",
                       {"kind": "dossier", "year": YEAR}).status_code in (302, 403, 404)
    assert ReportFile.objects.filter(kind=ReportKind.DOSSIER).count() == 1
    listed = client.get(f"/api/programs/{program.id}/reports")
    assert listed.status_code in (403, 404) or stored["id"] not in [f["id"] for f in listed.json()]


def test_the_page_offers_the_dossier_to_the_inspector_and_the_office_and_lists_the_files(values, client_for):
    program = values.rep.world.program
    inspector = client_for(values.rep.world.users.inspector)
    page = inspector.get(f"/programs/{program.id}/reports/").content.decode()
    assert 'value="dossier"' in page and 'value="annual"' not in page and 'value="binding"' in page
    response = inspector.post(f"/programs/{program.id}/reports/generate/",
                              {"kind": "update", "year": YEAR, "region": values.rep.world.counties["hill"].id})
    assert response.status_code == 302
    report = ReportFile.objects.get(kind=ReportKind.UPDATE)
    assert report.ready and report.region == values.rep.world.counties["hill"] and report.title.startswith("丘陵县")
    download = inspector.get(f"/programs/{program.id}/reports/{report.id}/download/")
    assert download.status_code == 200
    assert "变更说明.xlsx" in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    unit = client_for(values.rep.world.users.reporter).get(f"/programs/{program.id}/reports/").content.decode()
    assert 'value="dossier"' not in unit and 'value="self_assessment"' not in unit


def test_only_the_office_drafts_the_self_assessment_and_its_readers_download_it(values, client_for):
    program, users = values.rep.world.program, values.rep.world.users
    answer = _post(client_for(users.office), program, kind="self_assessment")
    assert answer.status_code in (200, 202) and answer.json()["report"]["filename"].endswith(".docx")
    rid = answer.json()["report"]["id"]
    for persona in ("reporter", "county", "inspector", "leader"):
        assert _post(client_for(getattr(users, persona)), program, kind="self_assessment").status_code == 403
    assert client_for(users.inspector).get(f"/api/programs/{program.id}/reports/{rid}/download").status_code == 200
    assert client_for(users.reporter).get(f"/api/programs/{program.id}/reports/{rid}/download").status_code == 403
    assert client_for(users.county).get(f"/programs/{program.id}/reports/{rid}/download/").status_code == 403


def test_a_department_downloads_only_its_own_progress_report(values, client_for):
    program, users, world = values.rep.world.program, values.rep.world.users, values.rep.world
    office = client_for(users.office)
    own = _post(office, program, kind="progress", department_id=world.units["市生态环境局"].id).json()["report"]
    other = _post(office, program, kind="progress", department_id=world.units["市水务局"].id).json()["report"]
    reporter = client_for(users.reporter)
    assert reporter.get(f"/api/programs/{program.id}/reports/{own['id']}/download").status_code == 200
    assert reporter.get(f"/api/programs/{program.id}/reports/{other['id']}/download").status_code == 403
    assert reporter.get(f"/programs/{program.id}/reports/{other['id']}/download/").status_code == 403


def test_the_office_answers_the_veto_checklist_on_the_page_and_the_api_and_others_cannot(values, client_for):
    program, users = values.rep.world.program, values.rep.world.users
    office = client_for(users.office)
    page = office.get(f"/programs/{program.id}/reports/veto/?year={YEAR}")
    assert page.status_code == 200 and "突发环境事件" in page.content.decode()
    posted = office.post(f"/programs/{program.id}/reports/veto/record/?year={YEAR}",
                         {"condition": "incident", "year": YEAR, "occurred": "0", "note": "无事件",
                          "documents": "甲环发〔2025〕1号", "file": SimpleUploadedFile("自查说明.pdf", PDF)})
    assert posted.status_code == 302
    api = office.post(f"/api/programs/{program.id}/veto-checklist",
                      {"condition": "inspection", "year": YEAR - 1, "occurred": "true", "note": "已整改"})
    assert api.status_code == 201, api.content
    listed = {(a["condition"], a["year"]): a for a in
              client_for(users.inspector).get(f"/api/programs/{program.id}/veto-checklist?year={YEAR}").json()}
    assert listed[("incident", YEAR)]["label"] == "无" and listed[("incident", YEAR)]["files"] == ["自查说明.pdf"]
    assert listed[("inspection", YEAR - 1)]["label"] == "有"
    for persona in ("inspector", "reporter", "county", "outsider"):
        client = client_for(getattr(users, persona))
        assert client.post(f"/api/programs/{program.id}/veto-checklist",
                           {"condition": "incident", "year": YEAR, "occurred": "true"}).status_code in (403, 404)
        assert client.post(f"/programs/{program.id}/reports/veto/record/",
                           {"condition": "incident", "year": YEAR, "occurred": "1"}).status_code in (403, 404)
    for persona in ("reporter", "county", "outsider"):
        assert client_for(getattr(users, persona)).get(
            f"/programs/{program.id}/reports/veto/").status_code in (403, 404)
    assert VetoEntry.objects.count() == 2
    office = client_for(users.office)  # one test client: log the office in again
    assert office.post(f"/api/programs/{program.id}/veto-checklist",
                       {"condition": "nonsense", "year": YEAR, "occurred": "true"}).status_code == 400


def test_the_reports_page_keeps_its_query_count_as_files_grow(values, client_for):
    program, office = values.rep.world.program, values.rep.world.users.office
    client = client_for(office)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/programs/{program.id}/reports/").status_code == 200
        return len(queries)

    _post(client, program, kind="dossier")
    few = count()
    _post(client, program, kind="update")
    _post(client, program, kind="dossier", indicator_set="binding")
    assert count() == few


def test_the_dossier_command_writes_the_zip_with_a_progress_bar(values, tmp_path):
    program = values.rep.world.program
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / "d.zip"
    call_command("dossier", program=program.id, year=YEAR, output=path, stdout=out, stderr=err)
    assert "佐证材料 3 个" in out.getvalue() and "100%" in err.getvalue()
    assert "manifest.csv" in zipfile.ZipFile(path).namelist()
    call_command("dossier", "--update", program=program.id, year=YEAR, region="丘陵县", output=path, stdout=out,
                 stderr=err)
    assert "变更说明.xlsx" in zipfile.ZipFile(path).namelist()
    with pytest.raises(CommandError):
        call_command("dossier", program=program.id, year=YEAR, indicators="x", output=path)
    report = tmp_path / "s.docx"
    call_command("report", "self-assessment", program=program.id, year=YEAR, output=report, stdout=out, stderr=err)
    assert report.stat().st_size > 10_000


def test_a_leader_of_another_region_is_denied(values, client_for):
    program = values.rep.world.program
    stranger = make_user("far-inspector", Role.INSPECTOR, region=values.rep.world.other_city)
    assert _post(client_for(stranger), program, kind="dossier").status_code in (403, 404)
