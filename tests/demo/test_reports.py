"""Reports on the demo city: the annual and progress reports as Word files, stored and served again while the
data is unchanged, with the page, the API, the command and the denied paths."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from docx.oxml.ns import qn

from apps.accounts.models import User
from apps.assessment.selectors import program_assessment
from apps.geo.models import Department, Region
from apps.programs.models import Program
from apps.reports.exports import report_document
from apps.reports.models import ReportFile, ReportKind
from apps.reports.selectors import ReportTarget, attachment_targets, report_data_version, report_facts
from apps.reports.self_assessment import veto_checklist
from apps.reports.services import package_write, report_render
from apps.scoring.models import ScoreRun, SubjectScore
from apps.tasks.models import Task
from docgen import Heading, cn_number
from tests.docgen.docx_checks import (
    assert_page_setup,
    body_text,
    east_asia_font,
    footer_text,
    heading_texts,
    open_docx,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

YEAR = 2025


@pytest.fixture(autouse=True)
def _no_drafts_yet():
    """The demo drafts three reports; these tests start from none (the demo's are tested below)."""
    ReportFile.objects.all().delete()


def _program() -> Program:
    return Program.objects.select_related("region").get()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _county(name: str = "北塬县") -> Region:
    return Region.objects.get(name=name)


def _unit(name: str = "市生态环境局") -> Department:
    return Department.objects.select_related("region").get(name=name, region__level="city")


def test_the_annual_report_follows_gb_t_9704_and_states_every_binding_indicator_with_its_value():
    program = _program()
    document = open_docx(report_render(ReportTarget(ReportKind.ANNUAL, program, YEAR)))
    assert_page_setup(document)
    assert document.settings.odd_and_even_pages_header_footer
    assert footer_text(document.sections[0].footer) == "— {PAGE} —"
    assert footer_text(document.sections[0].even_page_footer) == "— {PAGE} —"
    assert east_asia_font(document.styles["Title"]) == "方正小标宋简体"
    assert east_asia_font(document.styles["Heading 1"]) == "黑体"
    assert document.paragraphs[0].text == f"秦川市{YEAR}年度国家生态文明建设示范区创建工作报告"
    assert heading_texts(document, 1)[:3] == ["一、基本情况与总体进展", "二、指标完成情况", "三、重点任务和节点推进情况"]
    assert heading_texts(document, 1)[-1] == f"七、{YEAR + 1}年工作计划"
    assert all(re.match(r"（[一二三四五六七八九十]+）", h) for h in heading_texts(document, 2))

    assessment = program_assessment(program, year=YEAR)
    results = assessment.scalar([(program.region_id, i.id) for i in assessment.indicators])
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "指标")
    rows = {row.cells[1].text: row for row in table.rows[1:]}
    binding = [i for i in assessment.indicators if i.binding and results[(program.region_id, i.id)][0].status
               != "not_applicable"]
    assert binding
    for indicator in binding:
        row = next(r for name, r in rows.items() if name.startswith(indicator.full_name) and name.endswith("★"))
        evaluation = results[(program.region_id, indicator.id)][0]
        assert row.cells[3].text == cn_number(evaluation.value)
        assert row.cells[5].text == evaluation.label
    # binding first: no reference indicator above a binding one
    marks = [row.cells[1].text.endswith("★") for row in table.rows[1:]]
    assert marks == sorted(marks, reverse=True)
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None


def test_the_annual_report_states_projects_tasks_and_drafts_problems_from_the_weak_spots():
    program = _program()
    facts = report_facts(ReportTarget(ReportKind.ANNUAL, program, YEAR))
    text = body_text(open_docx(report_render(ReportTarget(ReportKind.ANNUAL, program, YEAR))))
    assert f"共{facts.projects.count}个项目、总投资" in text and "亿元" in text
    assert f"共承担任务{Task.objects.filter(program=program, children__isnull=True).count()}项" in text
    assert "【请办公室补充" in text
    for missing in facts.binding_without_data:
        assert missing in text
    assert len(facts.regions) == Region.objects.filter(path__startswith=program.region.path, level="county").count()
    assert len(report_document(facts).blocks) > 20


def test_a_county_and_a_unit_report_only_their_own_scope():
    program = _program()
    county, unit = _county(), _unit()
    county_facts = report_facts(ReportTarget(ReportKind.PROGRESS, program, YEAR, region=county))
    unit_facts = report_facts(ReportTarget(ReportKind.PROGRESS, program, YEAR, department=unit))
    assert county_facts.regions == () and unit_facts.regions == ()
    whole = report_facts(ReportTarget(ReportKind.ANNUAL, program, YEAR))
    assert county_facts.projects.count < whole.projects.count
    assert 0 < len(unit_facts.indicators) < len(whole.indicators)
    led = set(unit.responsibilities.filter(program=program).values_list("indicator__code", flat=True))
    assert {line.code for line in unit_facts.indicators} <= led
    document = open_docx(report_render(ReportTarget(ReportKind.PROGRESS, program, YEAR, department=unit)))
    assert document.paragraphs[0].text == f"市生态环境局{YEAR}年度国家生态文明建设示范区创建工作进展报告"


def test_the_stored_file_is_served_again_until_the_data_changes():
    program = _program()
    office = _client("office")
    url = f"/programs/{program.id}/reports/generate/"
    response = office.post(url, {"kind": "annual", "year": YEAR})
    assert response.status_code == 302
    first = ReportFile.objects.get()
    assert first.ready and first.job.status == "succeeded"
    data = first.file.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == first.sha256 and len(data) == first.size
    office.post(url, {"kind": "annual", "year": YEAR})
    assert ReportFile.objects.count() == 1  # nothing changed: the same file
    task = Task.objects.filter(program=program, children__isnull=True).first()
    Task.objects.filter(pk=task.pk).update(percent=(task.percent + 7) % 100)
    assert report_data_version(ReportTarget(ReportKind.ANNUAL, program, YEAR)) != first.data_version
    office.post(url, {"kind": "annual", "year": YEAR})
    assert ReportFile.objects.count() == 2
    download = office.get(f"/programs/{program.id}/reports/{first.id}/download/")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert b"".join(download) == data


@pytest.mark.parametrize(("username", "kind", "scope", "allowed"), [
    ("office", "annual", {}, True),
    ("county", "annual", {}, False),
    ("reporter", "annual", {}, False),
    ("leader", "annual", {}, False),
    ("inspector", "annual", {}, False),
    ("county", "progress", {"region": "青峰县"}, True),
    ("county", "progress", {"region": "北塬县"}, False),
    ("reporter", "progress", {"unit": "市生态环境局"}, True),
    ("reporter", "progress", {"unit": "市住房和城乡建设局"}, False),
    ("reporter", "progress", {"region": "青峰县"}, False),
    ("office", "progress", {"unit": "市住房和城乡建设局"}, True),
])
def test_who_may_draft_which_report(username, kind, scope, allowed):
    program = _program()
    data = {"kind": kind, "year": YEAR}
    if "region" in scope:
        data["region"] = _county(scope["region"]).id
    if "unit" in scope:
        data["unit"] = _unit(scope["unit"]).id
    payload = {"kind": kind, "year": YEAR, "region_id": data.get("region"), "department_id": data.get("unit")}
    response = _client(username).post(f"/api/programs/{program.id}/reports", payload, content_type="application/json")
    if allowed:  # jobs run inline in the tests: the file is ready at once (202 only while it is still building)
        assert response.status_code == 200, response.content
        assert response.json()["queued"] is True and response.json()["report"]["status"] == "ready"
    else:
        assert response.status_code == 403, response.content
    assert ReportFile.objects.exists() == allowed


def test_who_may_read_and_download_a_report():
    program = _program()
    office = _client("office")
    office.post(f"/programs/{program.id}/reports/generate/", {"kind": "annual", "year": YEAR})
    annual = ReportFile.objects.get()
    reporter = _client("reporter")
    reporter.post(f"/programs/{program.id}/reports/generate/", {"kind": "progress", "year": YEAR,
                                                                "unit": _unit().id})
    unit_report = ReportFile.objects.get(department__isnull=False)
    for username, report, status in [("inspector", annual, 200), ("leader", annual, 200), ("county", annual, 403),
                                     ("reporter", annual, 403), ("reporter2", unit_report, 403),
                                     ("county", unit_report, 403), ("inspector", unit_report, 200),
                                     ("office", unit_report, 200), ("reporter", unit_report, 200)]:
        client = _client(username)
        assert client.get(f"/programs/{program.id}/reports/{report.id}/download/").status_code == status, username
        assert client.get(f"/api/programs/{program.id}/reports/{report.id}/download").status_code == status, username
    listed = _client("reporter2").get(f"/api/programs/{program.id}/reports").json()
    assert listed == []
    listed = _client("inspector").get(f"/api/programs/{program.id}/reports").json()
    assert {r["id"] for r in listed} == {annual.id, unit_report.id}
    assert all(r["status"] == "ready" for r in listed)


def test_the_reports_page_lists_what_the_user_may_draft_and_read(django_assert_max_num_queries):
    program = _program()
    office = _client("office")
    for county in Region.objects.filter(level="county")[:3]:
        office.post(f"/programs/{program.id}/reports/generate/", {"kind": "progress", "year": YEAR,
                                                                  "region": county.id})
    with django_assert_max_num_queries(30):
        page = office.get(f"/programs/{program.id}/reports/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('<tr id="report-') == 3
    assert 'value="annual"' in html
    county_page = _client("county").get(f"/programs/{program.id}/reports/").content.decode()
    assert 'value="annual"' not in county_page
    assert county_page.count("<option value=\"") >= 2


def test_the_command_writes_the_docx_with_a_progress_bar(tmp_path):
    program = _program()
    out = tmp_path / "annual.docx"
    stderr, stdout = io.StringIO(), io.StringIO()
    call_command("report", "annual", "--program", str(program.id), "--year", str(YEAR), "-o", str(out),
                 stdout=stdout, stderr=stderr)
    assert "100%" in stderr.getvalue()
    assert open_docx(out.read_bytes()).paragraphs[0].text.startswith("秦川市")
    out2 = tmp_path / "county.docx"
    call_command("report", "progress", "--program", str(program.id), "--year", str(YEAR), "--region", "北塬县",
                 "-o", str(out2), stdout=stdout, stderr=stderr)
    assert open_docx(out2.read_bytes()).paragraphs[0].text.startswith("北塬县")


def test_the_demo_leaves_three_drafts_ready():
    """The fixture above deleted the demo's drafts: loading the demo again drafts them anew, and a further run
    finds the data unchanged and queues nothing (the demo step is idempotent)."""
    call_command("load_demo", stdout=io.StringIO())
    files = list(ReportFile.objects.order_by("kind", "id"))
    assert [(f.kind, bool(f.region_id), bool(f.department_id)) for f in files] == [
        ("annual", False, False), ("progress", True, False), ("progress", False, True)]
    assert all(f.ready and len(f.sha256) == 64 for f in files)
    call_command("load_demo", stdout=io.StringIO())
    assert ReportFile.objects.count() == 3


def test_the_annual_report_states_the_published_assessment_results_and_attaches_the_progress_reports():
    program = _program()
    facts = report_facts(ReportTarget(ReportKind.ANNUAL, program, 2024))
    published = ScoreRun.objects.filter(program=program, period="2024", status="published")
    assert facts.scores and {t.scheme for t in facts.scores} == {r.scheme.name for r in published}
    subjects = SubjectScore.objects.filter(run__in=published)
    assert sum(len(t.lines) for t in facts.scores) == subjects.count()
    first = facts.scores[0].lines[0]
    assert first.rank == 1 and first.grade
    targets = attachment_targets(facts.target)
    attached = tuple(report_facts(t) for t in targets[:2])
    document = report_document(facts, attached)
    assert any(isinstance(b, Heading) and b.text == "考核评价情况" for b in document.blocks)
    assert [a.title for a in document.attachments] == [f"{t.scope_name}2024年度国家生态文明建设示范区创建工作进展报告"
                                                       for t in targets[:2]]
    assert {t.region.name for t in targets if t.region} == set(
        Region.objects.filter(level="county", path__startswith=program.region.path).values_list("name", flat=True))
    assert any(t.department is not None for t in targets)  # and the lead units
    # 2025's runs are still open for objections: no results stated yet
    assert report_facts(ReportTarget(ReportKind.ANNUAL, program, YEAR)).scores == ()


def test_the_demo_has_begun_its_veto_self_check():
    program = _program()
    year = program_assessment(program).default_year
    answered = [a for a in veto_checklist(program, year) if a.answered]
    assert {(a.condition.code, a.year) for a in answered} == {(c, y) for c in ("incident", "summons")
                                                               for y in (year - 1, year)}
    assert all(a.label == "无" for a in answered)


def test_the_demo_dossier_of_the_approved_year_carries_evidence_files():
    """The inspector's package of 2024 (every value approved) holds the city's evidence, each file hashed in the
    manifest and equal to its upload."""
    out = io.BytesIO()
    written = package_write(ReportTarget(ReportKind.DOSSIER, _program(), 2024), out)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    files = [n for n in archive.namelist() if n.startswith("证据材料/")]
    assert written == len(files) >= 12, (written, files[:3])
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    hashed = {r["路径"]: r for r in rows}
    for name in files:
        assert hashed[name]["SHA-256"] == hashlib.sha256(archive.read(name)).hexdigest()
        assert hashed[name]["与上传时一致"] == "是"
