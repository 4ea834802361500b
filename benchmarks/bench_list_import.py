"""Benchmark of a large task-list import's commit on the embedded default (SQLite): how long the write lock is held.

A synthetic program (a city, its 5 units, the office) and a 任务清单 sheet of ``--rows`` rows (100 groups 一、…
一百、, the rest items 1.… spread over them, each with a lead and a cooperating unit) are made (not timed). The
sheet is uploaded and checked as the import page does (``staged_import_upload``, timed as ``preview_seconds``).
The scratch database is copied, then the same plan is committed twice, each on the same starting data:

* **chunked** — what the confirm does now (``staged_import_commit``, the ``staging.commit`` job run inline):
  the stored sheet checked again, then the writes in transactions of ``ECOCIV_COMMIT_CHUNK_ROWS`` rows,
  journaled (:mod:`apps.staging.journal`);
* **baseline** — the same re-check and the same writes in **one** transaction (the commit before issue #11.13:
  ``task_list_write`` without a staged import), on the copy.

For each: ``total_seconds`` (the whole commit), ``transactions``, ``longest_transaction_seconds`` (and its
index, the median and 95th percentile: every write transaction the connection opened, timed from its
``BEGIN IMMEDIATE`` to its commit; single autocommit statements such as the progress reports are not counted),
and what another user
sees meanwhile: a thread of its own connection writes a login's ``last_login`` every 50 ms (with the default
20 s busy timeout), and ``other_writes``, ``other_errors`` and ``other_longest_wait_seconds`` count and time them.

The last line printed is JSON: the two runs and their ratios, ``longest_transaction_share`` = longest
transaction ÷ total (chunked and baseline), ``longest_transaction_ratio`` = chunked ÷ baseline longest
transaction, ``total_ratio`` = chunked ÷ baseline total and ``other_wait_ratio`` = chunked ÷ baseline longest
wait of the other writer.

Usage: ``.venv/bin/python benchmarks/bench_list_import.py [--rows 100000] [--chunk 1000]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

from setup_django import clean_up, configure

_DIGITS = "零一二三四五六七八九"
UNITS = ("市生态环境局", "市住建局", "市水务局", "市财政局", "市统计局")


def chinese(n: int) -> str:
    """1 … 100 as a plan numbers its groups (一, 十一, 二十, 九十九, 一百)."""
    if n == 100:
        return "一百"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def task_sheet(rows: int) -> bytes:
    """A 任务清单 of ``rows`` rows: 100 groups, the items spread over them (written with openpyxl's write-only mode)."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    sheet.append(["序号", "任务名称", "工作内容/具体措施", "牵头单位", "配合单位", "完成时限"])
    groups = min(100, max(1, rows // 10))
    items = rows - groups
    written = 0
    for group in range(1, groups + 1):
        sheet.append([f"{chinese(group)}、", f"第{group}组任务", "", "", "", ""])
        share = items // groups + (1 if group <= items % groups else 0)
        for item in range(1, share + 1):
            written += 1
            sheet.append([f"{item}.", f"任务{group}-{item}", f"第{written}项工作内容", UNITS[written % 5],
                          UNITS[(written + 1) % 5], "2026年6月底" if written % 3 else "长期坚持"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill() -> tuple[Any, Any]:
    from apps.accounts.models import Role, RoleAssignment, User
    from apps.geo.models import Department, Region
    from apps.indicators.models import Framework
    from apps.programs.models import Program

    province = Region.objects.create(code="B00000", name="基准省", level="province")
    city = Region.objects.create(code="B00100", name="基准市", level="city", parent=province, terrain="hill")
    Department.objects.bulk_create([Department(region=city, name=name) for name in UNITS])
    framework = Framework.objects.create(code="bench-lists", title="基准指标体系", levels=["city", "county"])
    user = User.objects.create(username="bench-office")
    RoleAssignment.objects.create(user=user, role=Role.OFFICE_ADMIN, region=city)
    User.objects.create(username="bench-other")
    program = Program.objects.create(region=city, framework=framework, name="基准创建", title_sought="national",
                                     base_year=2024, target_year=2027)
    return program, user


class Transactions:
    """Times every write transaction of this thread's connection, from BEGIN to COMMIT (or ROLLBACK)."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self._started: float | None = None

    def __enter__(self) -> Transactions:
        from django.db.backends.base.base import BaseDatabaseWrapper
        from django.db.backends.sqlite3.base import DatabaseWrapper

        self._begin = DatabaseWrapper._start_transaction_under_autocommit
        self._commit = BaseDatabaseWrapper.commit
        self._rollback = BaseDatabaseWrapper.rollback
        probe, me = self, threading.get_ident()

        def begin(wrapper: Any) -> None:
            if threading.get_ident() == me:
                probe._started = time.perf_counter()
            probe._begin(wrapper)

        def end(original: Any) -> Any:
            def ended(wrapper: Any) -> None:
                original(wrapper)
                if threading.get_ident() == me and probe._started is not None:
                    probe.durations.append(time.perf_counter() - probe._started)
                    probe._started = None
            return ended

        DatabaseWrapper._start_transaction_under_autocommit = begin  # type: ignore[method-assign]
        BaseDatabaseWrapper.commit = end(self._commit)  # type: ignore[method-assign]
        BaseDatabaseWrapper.rollback = end(self._rollback)  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from django.db.backends.base.base import BaseDatabaseWrapper
        from django.db.backends.sqlite3.base import DatabaseWrapper

        DatabaseWrapper._start_transaction_under_autocommit = self._begin  # type: ignore[method-assign]
        BaseDatabaseWrapper.commit = self._commit  # type: ignore[method-assign]
        BaseDatabaseWrapper.rollback = self._rollback  # type: ignore[method-assign]


class OtherUser(threading.Thread):
    """Another user's writes (a login's ``last_login``) every 50 ms on a connection of its own, timed."""

    def __init__(self, username: str) -> None:
        super().__init__(daemon=True)
        self.username = username
        self.waits: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from apps.accounts.models import User

        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    User.objects.filter(username=self.username).update(last_login=timezone.now())
                except Exception as exc:  # counted: what the user would see as an error
                    self.errors.append(str(exc))
                self.waits.append(time.perf_counter() - started)
                self.stop.wait(0.05)
        finally:
            connection.close()


def measured(commit: Any) -> dict[str, Any]:
    other = OtherUser("bench-other")
    other.start()
    time.sleep(0.2)
    with Transactions() as transactions:
        started = time.perf_counter()
        result = commit()
        total = time.perf_counter() - started
    other.stop.set()
    other.join()
    durations = sorted(transactions.durations)
    return {"total_seconds": round(total, 2), "transactions": len(durations),
            "longest_transaction_seconds": round(max(durations, default=0.0), 3),
            "longest_transaction_index": transactions.durations.index(durations[-1]) if durations else None,
            "median_transaction_seconds": round(durations[len(durations) // 2], 3) if durations else 0.0,
            "p95_transaction_seconds": round(durations[int(len(durations) * 0.95)], 3) if durations else 0.0,
            "write_seconds_in_transactions": round(sum(durations), 2),
            "other_writes": len(other.waits), "other_errors": len(other.errors),
            "other_longest_wait_seconds": round(max(other.waits, default=0.0), 3), "result": result}


def _swap(database: Path, source: Path) -> None:
    """Put ``source`` in place of the database file (connections closed, WAL files removed)."""
    from django.db import connection

    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, database)


def run(args: argparse.Namespace) -> dict[str, Any]:
    os.environ["ECOCIV_COMMIT_CHUNK_ROWS"] = str(args.chunk)
    os.environ.setdefault("ECOCIV_MAX_IMPORT_ROWS", str(max(100_000, args.rows)))
    url, scratch, media = configure(None, media=True)
    if scratch is None or not url.startswith("sqlite"):
        raise SystemExit("this benchmark measures the embedded default: a scratch SQLite file")
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from apps.core.uploads import check_upload
    from apps.staging.models import StagedImport
    from apps.staging.services import staged_import_commit, staged_import_read, staged_import_upload
    from apps.tasks import services
    from apps.tasks.imports import TASKS

    try:
        program, user = fill()
        data = task_sheet(args.rows)
        started = time.perf_counter()
        staged = staged_import_upload(kind=TASKS, actor=user, program=program,
                                      checked=check_upload(SimpleUploadedFile("任务清单.xlsx", data), allowed={"xlsx"}))
        preview = time.perf_counter() - started
        if staged.status != "previewed":
            raise SystemExit(f"the sheet was not previewed: {staged.status} {staged.errors[:3]}")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = scratch.with_name("before-commit.sqlite3")
        connection.close()
        shutil.copyfile(scratch, copy)

        chunked = measured(lambda: staged_import_commit(staged=staged, actor=user, backend="inline").result)

        _swap(scratch, copy)
        again = StagedImport.objects.get(pk=staged.pk)

        def one_transaction() -> dict[str, int]:
            resolved = services.task_list_check(program=again.program, data=staged_import_read(again))
            return services.task_list_write(services.task_list_changes(program=again.program, resolved=resolved))

        baseline = measured(one_transaction)
        copy.unlink()
    finally:
        clean_up(scratch, media, keep=args.keep)

    def share(run: dict[str, Any]) -> float:
        return round(run["longest_transaction_seconds"] / run["total_seconds"], 4)

    return {
        "rows": args.rows, "chunk_rows": args.chunk, "preview_seconds": round(preview, 2),
        "chunked": chunked, "baseline": baseline,
        "longest_transaction_share": {"chunked": share(chunked), "baseline": share(baseline)},
        "longest_transaction_ratio": round(chunked["longest_transaction_seconds"]
                                           / baseline["longest_transaction_seconds"], 4),
        "total_ratio": round(chunked["total_seconds"] / baseline["total_seconds"], 3),
        "other_wait_ratio": round(chunked["other_longest_wait_seconds"]
                                  / max(baseline["other_longest_wait_seconds"], 1e-6), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the task sheet")
    parser.add_argument("--chunk", type=int, default=1000, help="ECOCIV_COMMIT_CHUNK_ROWS")
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite file")
    args = parser.parse_args(argv)
    if args.rows < 2:
        parser.error("need at least 2 rows")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
