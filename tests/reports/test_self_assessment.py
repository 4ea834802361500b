"""The technical self-assessment report (技术自查评估报告): GB/T 9704 layout, its outline, every binding indicator for
the city and each county with value, source and caliber, evidence and attainment, the gate, and the office's
veto checklist (append-only answers, page and API, denied paths)."""

from __future__ import annotations

import re

from docx.oxml.ns import qn

from apps.assessment.selectors import program_assessment
from apps.reports.models import ReportKind, VetoEntry
from apps.reports.selectors import ReportTarget
from apps.reports.self_assessment import veto_checklist, veto_conditions
from apps.reports.services import report_render
from tests.docgen.docx_checks import (
    assert_page_setup,
    body_text,
    east_asia_font,
    footer_text,
    heading_texts,
    open_docx,
)

YEAR = 2025


def _render(program):  # type: ignore[no-untyped-def]
    return open_docx(report_render(ReportTarget(ReportKind.SELF_ASSESSMENT, program, YEAR)))


def test_the_self_assessment_follows_gb_t_9704_and_its_outline(values):
    program = values.rep.world.program
    VetoEntry.objects.create(program=program, condition="incident", year=YEAR, occurred=False, note="经核查无",
                             documents="甲环发〔2025〕1号", recorded_by=values.rep.world.users.office)
    document = _render(program)
    assert_page_setup(document)
    assert footer_text(document.sections[0].footer) == "— {PAGE} —"
    assert east_asia_font(document.styles["Title"]) == "方正小标宋简体"
    assert east_asia_font(document.styles["Heading 1"]) == "黑体"
    assert east_asia_font(document.styles["Heading 2"]) == "楷体_GB2312"
    assert document.paragraphs[0].text == f"甲市国家生态文明建设示范区技术自查评估报告（{YEAR}年度）"
    assert heading_texts(document, 1) == ["一、基本情况", "二、创建工作开展情况", "三、建设指标达标情况", "四、创建验收条件",
                                          "五、否决事项自查", "六、特色亮点与示范模式", "七、存在问题与整改措施"]
    assert all(re.match(r"\d+\.", h) for h in heading_texts(document, 3))
    for style in ("Normal", "Heading 3"):
        assert east_asia_font(document.styles[style]) == "仿宋_GB2312"
    header = next(t for t in document.tables if t.rows[0].cells[0].text == "否决事项")
    assert header.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # the header row repeats
    text = body_text(document)
    assert "甲环发〔2025〕1号" in text and "经核查无" in text
    assert "【请办公室补充：" in text


def test_every_binding_indicator_appears_for_the_city_and_each_county_with_value_source_and_evidence(values):
    program = values.rep.world.program
    document = _render(program)
    headings = heading_texts(document, 3)
    assessment = program_assessment(program, year=YEAR)
    binding = [i for i in assessment.indicators if i.binding]
    assert binding
    text = body_text(document)
    for indicator in binding:  # a section of its own, or named among those that apply nowhere, with the reason
        assert (any(h.endswith(indicator.full_name + "★") for h in headings)
                or f"{indicator.full_name}★（" in text), indicator.full_name
    assert len(headings) > 10
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "区域"
                 and any(r.cells[0].text == "丘陵县" and r.cells[1].text == "28" for r in t.rows))
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["甲市"][1] == "31.5" and rows["甲市"][2] in {"达标", "未达标"}
    assert "市统计局；年末常住人口口径" == rows["甲市"][3]
    assert rows["甲市"][4] == "统计公报.pdf、统计公报.pdf"
    assert set(rows) >= {"甲市", "丘陵县", "平原县", "山区县", "旱塬县"}  # every county
    assert rows["平原县"][1] in {"", "—"}  # submitted, not approved: no value stated


def test_the_veto_checklist_keeps_every_answer_and_states_the_latest(values):
    program, office = values.rep.world.program, values.rep.world.users.office
    assert len(veto_checklist(program, YEAR)) == 3 * len(veto_conditions())
    assert {a.label for a in veto_checklist(program, YEAR)} == {"未填写"}
    VetoEntry.objects.create(program=program, condition="incident", year=YEAR, occurred=True, recorded_by=office)
    VetoEntry.objects.create(program=program, condition="incident", year=YEAR, occurred=False, note="更正",
                             recorded_by=office)
    answer = next(a for a in veto_checklist(program, YEAR) if a.condition.code == "incident" and a.year == YEAR)
    assert (answer.label, answer.note) == ("无", "更正")
    assert VetoEntry.objects.filter(program=program).count() == 2  # append-only
