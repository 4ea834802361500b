"""Benchmark of the annual report (200 counties, 40 indicators, 300 tasks, 300 projects) and of the dossier zip.

The attainment data is the synthetic program of ``bench_evaluate.fill`` (every target form, ten years of
approved values with gaps); on top of it, with bulk inserts (not timed): 30 city units leading and cooperating
on the indicators, 300 tasks (30 groups of 9 leaf tasks) with two milestones each, 300 projects in 8 categories
with three years of planned and completed investment, and 150 supervision notices. Then the annual report is
drafted end to end as the job does it (:func:`apps.reports.services.report_render`: the facts from the
selectors, the document, the charts, the .docx bytes), first with a cold attainment cache, then warm.

The annual report is timed as before without its attachments (``report_seconds``, cold, and
``report_warm_seconds``), and once with every county's and lead unit's progress report attached
(``report_with_attachments_seconds``: 230 attachments here).

The dossier half: 5,000 synthetic evidence files (random bytes, 20–180 KB, written to a scratch media root and
recorded as ``Evidence`` rows of the year's approved values, not timed); then the dossier of the year is written
end to end as the job does it (:func:`apps.reports.services.package_write`: the rows, index.html, 目录.xlsx, a
page per value, every file read once with its SHA-256 and CRC-32, manifest.csv) into a temporary file
(``dossier_seconds``), and the same files are merely read and zipped in the same run with :mod:`zipfile`, stored,
in 1 MiB chunks (:func:`apps.reports.dossier.copy_only`, ``copy_seconds``); ``dossier_ratio_to_copy`` is the
quotient. Beside it, for the record: the CPU seconds of both (``time.process_time``, every thread of the process:
what the machine's load does not change) and their quotient ``dossier_cpu_ratio_to_copy``, and the same files
read and zipped through the dossier's own zip writer (:func:`apps.reports.dossier.copy_only_own_writer`, one
thread, ``own_writer_copy_seconds``) with ``dossier_ratio_to_own_writer_copy``: the dossier's writer costs less
an entry than :mod:`zipfile`, and that second quotient does not count the difference as the dossier's gain; and
the dossier's rows alone (:func:`apps.reports.dossier.dossier_rows`, its queries and Python, before anything is
written: ``dossier_rows_seconds``).

The last line printed is JSON with ``report_seconds``, ``dossier_seconds`` and ``dossier_ratio_to_copy`` (goals on
a 2-core machine: report ≤ 5 s, ratio ≤ 1.5), and the other numbers, with ``load_average`` (1, 5 and 15 minutes, at
the end of the run: on a shared machine the wall times move with it, the CPU seconds much less).

Usage: ``.venv/bin/python benchmarks/bench_reports.py [--regions 201] [--indicators 40] [--evidence 5000]
[--database URL] [--dossier-only] [--readers N] [--profile FILE]``: ``--dossier-only`` skips the report half (its
numbers are then absent and ``report_seconds`` is null); ``--readers`` sets the dossier's worker threads reading and
hashing evidence (:data:`apps.reports.dossier.READERS`; 0: the writer reads and hashes itself); ``--profile`` builds
the dossier once more under cProfile after the timed runs and saves the stats (``python -m pstats FILE``).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO

from bench_evaluate import LAST_YEAR, fill
from setup_django import clean_up, configure

GOAL_SECONDS = 5.0
GOAL_RATIO = 1.5


def fill_evidence(program: object, *, files: int, media: Path, seed: int = 11) -> dict[str, int]:
    """``files`` evidence files of random content (20–180 KB) on the last year's approved values, two per value,
    written straight into the media root and recorded with bulk inserts."""
    from django.contrib.contenttypes.models import ContentType

    from apps.accounts.models import User
    from apps.evidence.models import Evidence
    from apps.reporting.models import IndicatorValue

    rng = random.Random(seed)
    folder = media / "evidence" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    values = list(IndicatorValue.objects.filter(program=program, year=LAST_YEAR, status="approved")
                  .order_by("id").values_list("id", flat=True)[: (files + 1) // 2])
    kind = ContentType.objects.get_for_model(IndicatorValue)
    user = User.objects.order_by("id").first()
    rows, size = [], 0
    for k in range(files):
        data = rng.randbytes(rng.randrange(20_000, 180_000))
        name = f"evidence/bench/{k:05d}.pdf"
        (media / name).write_bytes(data)
        size += len(data)
        rows.append(Evidence(content_type=kind, object_id=values[k % len(values)], file=name, kind="pdf",
                             original_name=f"佐证材料{k % 7}：监测报告.pdf", size=len(data),
                             sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user))
    Evidence.objects.bulk_create(rows, batch_size=1000)
    return {"evidence_files": files, "evidence_bytes": size}


def fill_work(program: object, *, tasks: int, projects: int, notices: int, seed: int = 7) -> dict[str, int]:
    """Units, responsibilities, tasks with milestones, projects with yearly investment, notices (bulk inserts)."""
    from django.db import transaction

    from apps.geo.models import Department
    from apps.programs.models import Responsibility
    from apps.tasks.models import (
        Project,
        ProjectCategory,
        ProjectYear,
        SupervisionNotice,
        Task,
        TaskMilestone,
        TaskUnit,
    )

    rng = random.Random(seed)
    year = LAST_YEAR
    with transaction.atomic():
        units = Department.objects.bulk_create([Department(region=program.region, name=f"市基准局{k}", order=k)
                                                for k in range(30)])
        indicators = list(program.framework.indicators.order_by("order"))
        Responsibility.objects.bulk_create(
            [Responsibility(program=program, indicator=i, department=units[k % 30], role="lead")
             for k, i in enumerate(indicators)]
            + [Responsibility(program=program, indicator=i, department=units[(k + 7) % 30], role="cooperate")
               for k, i in enumerate(indicators)])
        groups = Task.objects.bulk_create([Task(program=program, level=0, number=f"（{k + 1}）", order=k * 100,
                                                title=f"重点任务组{k + 1}") for k in range(tasks // 10)])
        leaves = Task.objects.bulk_create([
            Task(program=program, parent=groups[k % len(groups)], level=1, number=str(k + 1), order=k * 100 + k,
                 title=f"具体任务{k + 1}", deadline=dt.date(year, 1 + k % 12, 28),
                 status=rng.choice(["not_started", "in_progress", "completed"]), percent=rng.randrange(0, 101))
            for k in range(tasks - len(groups))])
        for task in leaves:
            if task.status == "completed":
                task.percent = 100
            elif task.status == "not_started":
                task.percent = 0
        Task.objects.bulk_update(leaves, ["percent"])
        TaskUnit.objects.bulk_create([TaskUnit(task=t, department=units[k % 30], role="lead")
                                      for k, t in enumerate(leaves)])
        TaskMilestone.objects.bulk_create([
            TaskMilestone(task=t, title=f"节点{m}", due=dt.date(year, 3 + 4 * m, 15),
                          done_on=dt.date(year, 3 + 4 * m, 10 + rng.randrange(0, 10)) if rng.random() < 0.7 else None)
            for t in leaves for m in range(2)])
        categories = [ProjectCategory.objects.get_or_create(name=name, defaults={"order": k})[0] for k, name in
                      enumerate(["生态屏障建设", "净空净水净土", "环境综合整治", "生态工业", "生态农业", "生态服务业",
                                 "资源集约利用", "生态扶贫"])]
        counties = list(program.region.children.order_by("code")[:50])
        made = Project.objects.bulk_create([
            Project(program=program, number=str(k + 1), order=k, name=f"基准项目{k + 1}",
                    category=categories[k % 8], region=counties[k % len(counties)], department=units[k % 30],
                    start=dt.date(year - 1, 3, 1), end=dt.date(year + 1, 12, 31),
                    total_investment=Decimal(rng.randrange(500, 200_000)), status="in_progress",
                    percent=rng.randrange(0, 100))
            for k in range(projects)])
        ProjectYear.objects.bulk_create([
            ProjectYear(project=p, year=y, planned=p.total_investment / 3,
                        completed=(p.total_investment / 3 * Decimal(rng.uniform(0.3, 1.0))).quantize(Decimal("0.01")))
            for p in made for y in (year - 1, year, year + 1)])
        SupervisionNotice.objects.bulk_create([
            SupervisionNotice(program=program, department=units[k % 30], title=f"督办事项{k + 1}", level=1 + k % 3,
                              status=rng.choice(["open", "responded", "closed"]),
                              issued_on=dt.date(year, 1 + k % 12, 1), response_due=dt.date(year, 1 + k % 12, 20))
            for k in range(notices)])
    return {"units": 30, "tasks": len(groups) + len(leaves), "milestones": 2 * len(leaves), "projects": projects,
            "notices": notices}


def run(args: argparse.Namespace) -> dict:
    url, scratch, media = configure(args.database, media=True)
    from django.core.cache import cache
    from django.db import connection

    from apps.evidence.models import Evidence
    from apps.reports import dossier as dossier_module
    from apps.reports.dossier import copy_only, copy_only_own_writer
    from apps.reports.models import ReportKind
    from apps.reports.selectors import ReportTarget, attachment_targets
    from apps.reports.services import dossier_filter, package_write, report_render

    t0 = time.perf_counter()
    program, sizes = fill(args.regions, args.indicators, args.years)
    if not args.dossier_only:
        sizes |= fill_work(program, tasks=args.tasks, projects=args.projects, notices=args.notices)
    print(f"filled {connection.vendor} in {time.perf_counter() - t0:.1f} s: {sizes}")
    program.refresh_from_db()
    report: dict[str, object] = {}
    cold = 0.0
    if not args.dossier_only:
        target = ReportTarget(ReportKind.ANNUAL, program, LAST_YEAR)
        cache.clear()
        t0 = time.perf_counter()
        data = report_render(target, attachments=False)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report_render(target, attachments=False)
            warm.append(time.perf_counter() - t0)
        print(f"annual report: cold {cold:.3f} s, warm {min(warm):.3f} s, {len(data):,} bytes")
        t0 = time.perf_counter()
        with_attachments = report_render(target, attachments=True)
        attached = time.perf_counter() - t0
        print(f"annual report with {len(attachment_targets(target))} progress reports attached: {attached:.3f} s, "
              f"{len(with_attachments):,} bytes")
        report = {"report_warm_seconds": round(min(warm), 3), "docx_bytes": len(data),
                  "report_with_attachments_seconds": round(attached, 3),
                  "attachments_docx_bytes": len(with_attachments)}

    assert media is not None or args.evidence == 0, "the dossier half needs the scratch media root"
    sizes |= fill_evidence(program, files=args.evidence, media=media) if media is not None else {}
    dossier = ReportTarget(ReportKind.DOSSIER, program, LAST_YEAR)
    if args.readers is not None:
        dossier_module.READERS = args.readers
    storage = Evidence.file.field.storage
    names = list(Evidence.objects.order_by("id").values_list("file", flat=True))
    runs: dict[str, list[tuple[float, float]]] = {"dossier": [], "copy": [], "own": [], "rows": []}

    def timed(kind: str, build: Callable[[IO[bytes]], object]) -> int:
        """Build into a temporary file; note the wall and the CPU seconds (all threads); answer the bytes."""
        with tempfile.TemporaryFile() as out:
            t0, c0 = time.perf_counter(), time.process_time()
            build(out)
            runs[kind].append((time.perf_counter() - t0, time.process_time() - c0))
            return out.tell()

    for _ in range(args.repeat):  # alternate, so that all see the same page cache
        written = 0

        def build(out: IO[bytes]) -> None:
            nonlocal written
            written = package_write(dossier, out)

        zip_bytes = timed("dossier", build)
        timed("copy", lambda out: copy_only(out, names, storage))
        timed("own", lambda out: copy_only_own_writer(out, names, storage))
        timed("rows", lambda _out: dossier_module.dossier_rows(dossier_filter(dossier)))
    best = {kind: min(wall for wall, _cpu in measured) for kind, measured in runs.items()}
    cpu = {kind: min(cpu for _wall, cpu in measured) for kind, measured in runs.items()}
    dossier_seconds, copy_seconds = best["dossier"], best["copy"]
    ratio = dossier_seconds / copy_seconds
    print(f"dossier: {written} files, {zip_bytes:,} bytes in {dossier_seconds:.3f} s ({cpu['dossier']:.3f} s CPU); "
          f"read and zip only {copy_seconds:.3f} s ({cpu['copy']:.3f} s CPU), through the dossier's own writer "
          f"{best['own']:.3f} s ({cpu['own']:.3f} s CPU); ratio {ratio:.2f}; every run (wall, CPU): {runs}")
    if args.profile:
        with tempfile.TemporaryFile() as out:
            cProfile.runctx("package_write(dossier, out)", globals(), {"package_write": package_write,
                                                                       "dossier": dossier, "out": out},
                            args.profile)
        print(f"profile of one more dossier build written to {args.profile}")
    clean_up(scratch, media, keep=args.keep)
    return {
        "benchmark": "bench_reports", "database": connection.vendor, **sizes, **report,
        "copy_seconds": round(copy_seconds, 3), "dossier_zip_bytes": zip_bytes,
        "dossier_cpu_seconds": round(cpu["dossier"], 3), "copy_cpu_seconds": round(cpu["copy"], 3),
        "dossier_cpu_ratio_to_copy": round(cpu["dossier"] / cpu["copy"], 3),
        "own_writer_copy_seconds": round(best["own"], 3), "dossier_rows_seconds": round(best["rows"], 3),
        "dossier_ratio_to_own_writer_copy": round(dossier_seconds / best["own"], 3),
        "dossier_readers": dossier_module.READERS, "load_average": [round(x, 2) for x in os.getloadavg()],
        "goal_report_seconds": GOAL_SECONDS, "goal_dossier_ratio": GOAL_RATIO,
        "meets_goals": (args.dossier_only or cold <= GOAL_SECONDS) and ratio <= GOAL_RATIO,
        "report_seconds": None if args.dossier_only else round(cold, 3), "dossier_seconds": round(dossier_seconds, 3),
        "dossier_ratio_to_copy": round(ratio, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=201, help="regions (one city + 200 counties)")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--notices", type=int, default=150)
    parser.add_argument("--evidence", type=int, default=5000, help="synthetic evidence files of the dossier")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs (and dossier/copy pairs); the best is reported")
    parser.add_argument("--database", help="database URL (default: ECOCIV_DATABASE_URL or a fresh SQLite file)")
    parser.add_argument("--dossier-only", action="store_true",
                        help="skip the tasks, projects and notices and the annual report: time the dossier alone")
    parser.add_argument("--readers", type=int, default=None,
                        help="worker threads reading and hashing the dossier's evidence (default: READERS)")
    parser.add_argument("--profile", metavar="FILE",
                        help="after the timed runs, build the dossier once more under cProfile and save the stats")
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite file")
    args = parser.parse_args(argv)
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
