"""Benchmark of the values import: template, preview and commit of one program's sheet through production code.

A synthetic program (one city and ``--rows`` ÷ ``--indicators`` counties, ``--indicators`` indicators, one
in ten qualitative, last year's values approved so the jump check has something to compare) is written to
a scratch database with bulk inserts (not timed). Then, in the same run, as the city office:

* template — :func:`apps.reporting.exports.department_template`: obligations, targets, last approved values
  and the xlsx, for every county row of the round;
* the template is filled (a number or a status in every row; not timed);
* read — merely reading every cell of the filled file (:func:`docimport.values.read_cells`, best of two);
* preview — what the import page does with an upload (:func:`apps.reporting.imports.values_import_upload`):
  the upload checked, the sheet stored as a staged import, parsed, resolved, checked (old → new) by
  :func:`apps.reporting.bulk.reporting_import_check`, the plan stored as JSON, and the preview the page
  renders built again from that plan;
* commit — what the confirm does (:func:`apps.reporting.imports.values_import_confirm`): the
  ``staging.commit`` job (run inline here) applies the stored plan, the rules checked again under lock,
  then every value and revision;
* the same file again, uploaded and committed in one call (the API's ``commit=true``: new revisions of the
  now existing values), printed as ``recommit_from_file_seconds``.

Staged files go to a scratch ``ECOCIV_MEDIA_ROOT`` (removed at the end unless it was given).

The database is a fresh SQLite file by default. ``ECOCIV_DATABASE_URL`` (or ``--database``) selects
another one, e.g. PostgreSQL: point it at a scratch database, since the script migrates it and adds
its data (``--keep`` leaves the SQLite file in place).

The last line printed is JSON with ``template_seconds``, ``preview_seconds``, ``commit_seconds`` and
``ratio_to_read`` = (preview + commit) ÷ read, and the goals (each ≤ 5 s on a 2-core machine, ratio ≤ 3).

Usage: ``.venv/bin/python benchmarks/bench_import.py [--rows 10000] [--indicators 40]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
import sys
import time
from decimal import Decimal

from setup_django import clean_up, configure

GOAL_SECONDS = 5.0
GOAL_RATIO = 3.0
YEAR = 2025


def fill(n_rows: int, n_indicators: int, *, seed: int = 7) -> tuple[object, object, dict[str, int]]:
    """The synthetic program, last year's approved values and this year's round; returns round, user, sizes."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from apps.accounts.models import Role, RoleAssignment, User
    from apps.geo.models import Region, RegionLevel
    from apps.indicators.models import Framework, Indicator, IndicatorTarget
    from apps.programs.models import Program
    from apps.reporting.models import IndicatorValue, ValueRevision
    from apps.reporting.services import reporting_round_create

    rng = random.Random(seed)
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S%f")
    n_counties = math.ceil(n_rows / n_indicators)
    with transaction.atomic():
        province = Region.objects.create(code=f"B{stamp}"[:12], name="基准省", level="province")
        city = Region(code=f"C{stamp}"[:12], name="基准市", level="city", parent=province, terrain="hill")
        city.save()
        Region.objects.bulk_create([
            Region(code=f"{stamp[-5:]}{k:06d}", name=f"县{k}", level="county", parent=city, terrain="plain",
                   path=f"{city.path}{stamp[-5:]}{k:06d}/")
            for k in range(n_counties)], batch_size=2000)
        framework = Framework.objects.create(code=f"bench-{stamp}", title="基准指标体系", levels=["city", "county"])
        indicators = Indicator.objects.bulk_create([
            Indicator(framework=framework, code=f"B{j:03d}", number=j + 1, name=f"指标{j + 1}", domain="生态",
                      task="任务", unit="%", direction="higher", binding=True, scope_levels=["city", "county"],
                      order=j + 1)
            for j in range(n_indicators)])
        qualitative = {indicator.id for j, indicator in enumerate(indicators) if j % 10 == 9}
        IndicatorTarget.objects.bulk_create([
            IndicatorTarget(indicator=indicator, level=level,
                            expression="qual:建立" if indicator.id in qualitative else number)
            for indicator in indicators for level, number in ((RegionLevel.CITY, ">=60"), (RegionLevel.COUNTY, ">=50"))])
        user = User.objects.create(username=f"bench{stamp}")
        RoleAssignment.objects.create(user=user, role=Role.OFFICE_ADMIN, region=city)
        program = Program.objects.create(region=city, framework=framework, name="基准创建", title_sought="national",
                                         base_year=YEAR - 2, target_year=YEAR + 1)
        counties = list(Region.objects.filter(parent=city).order_by("code"))
        previous = IndicatorValue.objects.bulk_create([
            IndicatorValue(program=program, region=region, indicator=indicator, period_type="year", year=YEAR - 1,
                           period_number=1, status="approved", version=3)
            for region in counties for indicator in indicators if indicator.id not in qualitative
        ], batch_size=2000)
        ValueRevision.objects.bulk_create([
            ValueRevision(value=value, number=Decimal(f"{rng.uniform(55, 95):.2f}"), version=1, author=user)
            for value in previous], batch_size=2000)
        latest = Subquery(ValueRevision.objects.filter(value_id=OuterRef("pk")).order_by("-id").values("id")[:1])
        IndicatorValue.objects.filter(program=program).update(current_revision_id=latest,
                                                               approved_revision_id=latest)
        reporting_round = reporting_round_create(
            program=program, actor=user, name=f"{YEAR}年度调度", period_type="year", year=YEAR,
            due=dt.date(YEAR + 1, 1, 31), indicators=list(indicators), regions=counties)
    sizes = {"counties": n_counties, "indicators": n_indicators, "approved_last_year": len(previous)}
    return reporting_round, user, sizes


def filled(template: bytes, *, seed: int = 8) -> tuple[bytes, int]:
    """The template with a number (or, in a status row, a status word) in every row."""
    from openpyxl import load_workbook

    from docimport.values import HEADER_ROW, HEADERS

    rng = random.Random(seed)
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.active
    number_col, status_col = HEADERS.index("本期数值") + 1, HEADERS.index("定性状态") + 1
    rows = 0
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        rows += 1
        if row[status_col - 1].fill.fgColor.rgb == "00EEEEEE":  # greyed: a number row
            row[number_col - 1].value = round(rng.uniform(60, 90), 2)
        else:
            row[status_col - 1].value = rng.choice(["已建立", "实施中", "未开展"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), rows


def run(args: argparse.Namespace) -> dict:
    url, scratch, media = configure(args.database, media=True)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.core.uploads import check_upload
    from apps.reporting.exports import department_template
    from apps.reporting.imports import (
        values_import_confirm,
        values_import_upload,
        values_import_upload_and_commit,
    )
    from apps.reporting.models import ValueRevision
    from apps.staging.models import StagedStatus
    from apps.staging.selectors import staged_import_preview
    from docimport.values import read_cells

    t0 = time.perf_counter()
    reporting_round, user, sizes = fill(args.rows, args.indicators)
    print(f"filled {connection.vendor} in {time.perf_counter() - t0:.1f} s: {sizes}")

    t0 = time.perf_counter()
    template, _ = department_template(reporting_round, user)
    template_seconds = time.perf_counter() - t0
    data, rows = filled(template)
    reads = []
    for _ in range(2):
        t0 = time.perf_counter()
        cells = read_cells(data)
        reads.append(time.perf_counter() - t0)
    read_seconds = min(reads)

    def upload() -> object:
        return check_upload(SimpleUploadedFile("填报.xlsx", data), allowed={"xlsx"})

    t0 = time.perf_counter()
    staged = values_import_upload(reporting_round=reporting_round, actor=user, checked=upload())
    preview = staged_import_preview(staged)  # what the page and the API show, from the stored plan
    preview_seconds = time.perf_counter() - t0
    assert staged.status == StagedStatus.PREVIEWED and preview.ok, staged.errors[:5]
    revisions_before = ValueRevision.objects.count()
    t0 = time.perf_counter()
    staged = values_import_confirm(staged=staged, actor=user, confirm_warnings=True, note="基准测试",
                                   backend="inline")
    commit_seconds = time.perf_counter() - t0
    written = ValueRevision.objects.count() - revisions_before
    assert staged.status == StagedStatus.COMMITTED, (staged.status, staged.errors[:5])
    assert written == len(preview.changes) == rows, (written, len(preview.changes), rows)
    unchanged = values_import_upload_and_commit(reporting_round=reporting_round, actor=user, checked=upload(),
                                                confirm_warnings=True, note="基准测试", backend="inline")
    assert unchanged.result["values"] == 0 and ValueRevision.objects.count() - revisions_before == rows
    data, _ = filled(template, seed=9)  # other numbers (a status row may repeat its word: no revision for it)
    t0 = time.perf_counter()
    again = values_import_upload_and_commit(reporting_round=reporting_round, actor=user, checked=upload(),
                                            confirm_warnings=True, note="基准测试", backend="inline")
    again_seconds = time.perf_counter() - t0
    assert ValueRevision.objects.count() - revisions_before == rows + again.result["values"] > rows
    print(f"template ({rows} rows, {len(template):,} bytes): {template_seconds:.3f} s")
    print(f"read all cells ({len(cells)} rows):           {read_seconds:.3f} s (runs: "
          f"{', '.join(f'{s:.3f}' for s in reads)})")
    print(f"preview ({len(preview.changes)} lines, {len(preview.warnings)} warnings): {preview_seconds:.3f} s")
    print(f"commit of the preview ({written} new values): {commit_seconds:.3f} s")
    print(f"a file with other values, uploaded, checked and committed in one call ({again.result['values']} new "
          f"revisions of existing values; the same file again writes none): {again_seconds:.3f} s")
    clean_up(scratch, media, keep=args.keep)
    ratio = (preview_seconds + commit_seconds) / read_seconds if read_seconds else None
    return {
        "benchmark": "bench_import", "database": connection.vendor, **sizes, "rows": rows,
        "read_seconds": round(read_seconds, 3), "template_seconds": round(template_seconds, 3),
        "preview_seconds": round(preview_seconds, 3), "commit_seconds": round(commit_seconds, 3),
        "recommit_from_file_seconds": round(again_seconds, 3),
        "ratio_to_read": round(ratio, 3) if ratio is not None else None,
        "goal_seconds": GOAL_SECONDS, "goal_ratio": GOAL_RATIO,
        "meets_goals": max(template_seconds, preview_seconds, commit_seconds) <= GOAL_SECONDS
        and ratio is not None and ratio <= GOAL_RATIO,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="value rows in the sheet (counties × indicators)")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--database", help="database URL (default: ECOCIV_DATABASE_URL or a fresh SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite file")
    args = parser.parse_args(argv)
    if args.rows < 1 or args.indicators < 1:
        parser.error("need at least 1 row and 1 indicator")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
