"""The values import in bulk: constant queries, the single save's rules kept, old → new in the preview."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from apps.accounts.models import Role, User
from apps.accounts.services import assignment_add
from apps.core.errors import ImportRejected
from apps.reporting.access import reportable_pairs
from apps.reporting.bulk import (
    preview_from_plan,
    preview_plan,
    reporting_import_apply,
    reporting_import_check,
    reporting_import_commit,
)
from apps.reporting.models import IndicatorValue, ValueRevision
from apps.reporting.sheets import TemplateRow, render_template
from docimport.values import HEADERS
from tests.conftest import make_user
from tests.sheets import xlsx

from .conftest import save
from .test_workflow import act

NUMERIC, QUALITATIVE = "2019-03", "2019-01"
CITY, HILL, PLAIN = "990100", "990121", "990123"


def sheet(*rows: tuple[str, str, object, str | None]) -> bytes:
    """A filled value sheet: (region code, indicator code, number, status word) per row."""
    return xlsx([HEADERS, *([region, "", indicator, "", "%" if indicator == NUMERIC else "", "", "", number, status,
                             "说明", "统计公报", ""] for region, indicator, number, status in rows)], title="标题")


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def test_commit_and_preview_queries_do_not_grow_with_rows(rep):
    office = rep.world.users.office
    reporting_import_commit(reporting_round=rep.round, actor=office, data=sheet((CITY, NUMERIC, 25, None)))
    small = sheet((CITY, NUMERIC, 26, None), (HILL, NUMERIC, 30, None))  # one existing value, one new
    large = sheet((CITY, NUMERIC, 27, None), (HILL, NUMERIC, 31, None), (PLAIN, NUMERIC, 32, None),
                  (CITY, QUALITATIVE, None, "实施中"), (HILL, QUALITATIVE, None, "已建立"),
                  (PLAIN, QUALITATIVE, None, "未开展"))  # two existing, four new
    counts = {}
    for name, data in (("small", small), ("large", large)):
        counts[name] = (
            queries(lambda d=data: reporting_import_check(reporting_round=rep.round, actor=office, data=d)),
            queries(lambda d=data: reporting_import_commit(reporting_round=rep.round, actor=office, data=d)),
        )
    assert counts["small"] == counts["large"]
    assert IndicatorValue.objects.count() == 6 and ValueRevision.objects.count() == 1 + 2 + 6


def test_revisions_keep_who_when_why_and_versions(rep):
    office = rep.world.users.office
    existing = save(rep, office, number="20")
    preview = reporting_import_commit(reporting_round=rep.round, actor=office,
                                      data=sheet((CITY, NUMERIC, 21, None), (HILL, NUMERIC, 30, None)))
    assert len(preview.lines) == 2
    existing.refresh_from_db()
    assert existing.version == 2 and existing.current_revision.number == 21
    assert existing.current_revision.version == 2 and existing.current_revision.author == office
    assert existing.current_revision.reason == "批量导入" and existing.current_revision.source == "统计公报"
    created = IndicatorValue.objects.get(region=rep.world.counties["hill"])
    assert (created.version, created.status, created.round_id) == (1, "draft", rep.round.id)
    assert created.current_revision.version == 1 and created.current_revision.at is not None
    assert [r.number for r in existing.revisions.order_by("id")] == [20, 21]


def test_preview_lists_old_and_new_of_each_changed_field(rep):
    office = rep.world.users.office
    save(rep, office, number="20", source="统计公报", explanation="说明")
    preview = reporting_import_check(reporting_round=rep.round, actor=office,
                                     data=sheet((CITY, NUMERIC, 21.5, None), (HILL, NUMERIC, 30, None)))
    changes = {line.region.code: [(c.field, c.old, c.new) for c in line.changes] for line in preview.lines}
    assert changes[CITY] == [("number", "20", "21.5")]
    assert changes[HILL] == [("number", "", "30"), ("explanation", "", "说明"), ("source", "", "统计公报")]


def test_value_changed_after_the_preview_is_a_conflict(rep):
    reporter = rep.world.users.reporter
    value = save(rep, reporter, number="20")
    preview = reporting_import_check(reporting_round=rep.round, actor=reporter, data=sheet((CITY, NUMERIC, 22, None)))
    save(rep, reporter, number="21", version=value.version)  # someone saves in between
    with pytest.raises(ImportRejected) as exc:
        reporting_import_apply(reporting_round=rep.round, actor=reporter, preview=preview)
    assert [(e.row, e.message) for e in exc.value.errors] == [(3, "该指标值已被他人修改，请刷新后再编辑（您的修改未保存）。")]
    assert ValueRevision.objects.count() == 2


def test_value_submitted_after_the_preview_is_not_overwritten(rep):
    reporter = rep.world.users.reporter
    value = save(rep, reporter, number="20")
    preview = reporting_import_check(reporting_round=rep.round, actor=reporter,
                                     data=sheet((CITY, QUALITATIVE, None, "实施中"), (CITY, NUMERIC, 22, None)))
    act(value, "submit", reporter)
    with pytest.raises(ImportRejected) as exc:
        reporting_import_apply(reporting_round=rep.round, actor=reporter, preview=preview)
    assert [e.row for e in exc.value.errors] == [4]
    assert IndicatorValue.objects.count() == 1 and ValueRevision.objects.count() == 1  # all or nothing


def test_new_warning_after_the_preview_needs_confirming(rep):
    office = rep.world.users.office
    preview = reporting_import_check(reporting_round=rep.round, actor=office, data=sheet((CITY, NUMERIC, 90, None)))
    assert not preview.warnings
    earlier = IndicatorValue.objects.create(program=rep.world.program, region=rep.world.city, indicator=rep.numeric,
                                            year=2024, status="approved")
    revision = ValueRevision.objects.create(value=earlier, number=Decimal(30), version=1, author=office)
    IndicatorValue.objects.filter(pk=earlier.pk).update(approved_revision=revision)
    with pytest.raises(ImportRejected, match="导入未执行") as exc:
        reporting_import_apply(reporting_round=rep.round, actor=office, preview=preview)
    assert exc.value.errors[0].message.endswith("（未确认）")
    reporting_import_apply(reporting_round=rep.round, actor=office, preview=preview, confirm_warnings=True,
                           note="新建污水厂投运")
    stored = IndicatorValue.objects.get(year=2025).current_revision
    assert stored.note == "新建污水厂投运" and len(stored.warnings) == 1


def test_template_is_printable_and_formula_safe():
    rows = [TemplateRow("990100", "甲市", "X-1", '=HYPERLINK("http://evil","点我")', "%", ">=95", "", False),
            TemplateRow("990100", "甲市", "X-2", "建立", "", "qual:建立", "已建立（2024年）", True)]
    ws = load_workbook(io.BytesIO(render_template("标题", rows))).active
    assert ws["D3"].value == '=HYPERLINK("http://evil","点我")' and ws["D3"].data_type == "s"
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes == "E3" and ws.sheet_properties.pageSetUpPr.fitToPage  # the header and the codes and names
    assert ws["I3"].fill.fgColor.rgb == "00EEEEEE" and ws["I4"].fill.fgColor.rgb != "00EEEEEE"
    assert {str(dv.sqref) for dv in ws.data_validations.dataValidation} == {"I3:I4", "H3:H4"}
    assert [c.value for c in ws[2]] == HEADERS


def test_import_page_shows_the_replaced_value(rep, client_for):
    save(rep, rep.world.users.reporter, number="20")
    url = f"/programs/{rep.world.program.id}/rounds/{rep.round.id}/import/"
    response = client_for(rep.world.users.reporter).post(
        url, {"file": SimpleUploadedFile("t.xlsx", sheet((CITY, NUMERIC, 22, None)))})
    assert response.status_code == 200 and "<s>20</s> → 22" in response.content.decode()


def test_a_stored_plan_applies_like_the_preview(rep):

    office = rep.world.users.office
    save(rep, office, number="20")
    preview = reporting_import_check(reporting_round=rep.round, actor=office,
                                     data=sheet((CITY, NUMERIC, 21.25, None), (HILL, QUALITATIVE, None, "实施中")))
    again = preview_from_plan(json.loads(json.dumps(preview_plan(preview))))
    assert again.lines == preview.lines
    reporting_import_apply(reporting_round=rep.round, actor=office, preview=again)
    assert sorted(str(v.current_revision.display) for v in IndicatorValue.objects.all()) == ["21.25", "实施中"]



def test_applying_a_stored_plan_does_not_query_per_line(rep):
    """The staged commit re-checks a plan loaded from JSON: its indicators come with their targets."""
    office = rep.world.users.office
    small = sheet((CITY, NUMERIC, 26, None))
    large = sheet((CITY, NUMERIC, 27, None), (HILL, NUMERIC, 31, None), (PLAIN, NUMERIC, 32, None),
                  (CITY, QUALITATIVE, None, "实施中"), (HILL, QUALITATIVE, None, "已建立"),
                  (PLAIN, QUALITATIVE, None, "未开展"))
    counts = {}
    for name, data in (("small", small), ("large", large)):
        IndicatorValue.objects.all().delete()
        plan = json.loads(json.dumps(preview_plan(
            reporting_import_check(reporting_round=rep.round, actor=office, data=data))))
        counts[name] = queries(lambda p=plan: reporting_import_apply(reporting_round=rep.round, actor=office,
                                                                     preview=preview_from_plan(p)))
    assert counts["small"] == counts["large"]
    assert IndicatorValue.objects.count() == 6

def test_a_person_with_two_duties_imports_the_union_in_constant_queries(rep):
    world = rep.world
    hill, plain = world.counties["hill"], world.counties["plain"]
    dual = make_user("dual", Role.DEPARTMENT_REPORTER, department=world.units["市生态环境局"])
    assignment_add(user=dual, role=Role.COUNTY_OFFICE, region=hill)
    dual = User.objects.get(pk=dual.pk)
    assert dual.duties  # loaded: the counts below are those of the checks alone

    pairs = {(world.city.id, rep.numeric.id), (hill.id, rep.numeric.id), (plain.id, rep.numeric.id)}
    assert queries(lambda: reportable_pairs(dual, world.program, pairs)) == 1
    assert reportable_pairs(dual, world.program, pairs) == {(world.city.id, rep.numeric.id), (hill.id, rep.numeric.id)}

    small = sheet((CITY, NUMERIC, 26, None))  # as the unit only
    large = sheet((CITY, NUMERIC, 26, None), (HILL, NUMERIC, 30, None), (CITY, QUALITATIVE, None, "实施中"),
                  (HILL, QUALITATIVE, None, "已建立"))  # as the unit and as the county office
    assert (queries(lambda: reporting_import_check(reporting_round=rep.round, actor=dual, data=small))
            == queries(lambda: reporting_import_check(reporting_round=rep.round, actor=dual, data=large)))
    rejected = reporting_import_check(reporting_round=rep.round, actor=dual, data=sheet((PLAIN, NUMERIC, 32, None)))
    assert [e.column for e in rejected.errors] == ["区域代码"]

    reporting_import_commit(reporting_round=rep.round, actor=dual, data=large)
    assert {(v.region.code, v.indicator.code) for v in IndicatorValue.objects.all()} == {
        (CITY, NUMERIC), (HILL, NUMERIC), (CITY, QUALITATIVE), (HILL, QUALITATIVE)}
