"""Benchmark of scoring from the database: ``--subjects`` × ``--items`` × ``--periods`` (default 3,000 × 60 × 12).

The scheme and the synthetic facts are those of ``bench_scoring_engine.py`` (every rule type, parts, vetoes,
caps, about 5 % missing and 1 % not applicable). Untimed: a scratch SQLite file (or ``--database`` /
``ECOCIV_DATABASE_URL``, give it a scratch database) gets one program with ``--subjects`` county governments, every
fact as an office fact (``apps.scoring.models.OfficeFact``, one row per subject × period × key × part) and the manual
points (``ManualScore``), written with bulk inserts.

Timed, through the production code:

* load — ``apps.scoring.facts.office_frames``: the facts and manual points of every period read from the database
  into the engine's frames (one query each, the cursor's rows straight into polars);
* for comparison, ``orm_load_seconds``: the same facts through the ORM's ``values_list`` (Python objects per row);
* scoring — ``calc.scoring.score`` on them: every trace row (as exact decimals) and the totals (``Scoring.inputs``,
  built only when asked, is timed apart as ``inputs_seconds``).

The ORM comparison's rows are dropped before scoring (4.6 million Python tuples would otherwise stay in memory
through the timed runs). The last line printed is JSON: ``seconds`` (scoring, best of ``--repeat``),
``cpu_seconds`` (its user + system time over every thread, ``resource.getrusage``), ``load_seconds`` and
``load_cpu_seconds``, ``ratio_to_load`` (seconds ÷ load), the load average and the sizes. Goals: ``seconds`` ≤ 2,
``ratio_to_load`` ≤ 2.

Usage: ``.venv/bin/python benchmarks/bench_scoring.py [--subjects 3000] [--items 60] [--periods 12]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import time

from setup_django import configure  # also puts the project on sys.path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=3000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--database", help="a scratch database URL (default: a new SQLite file)")
    args = parser.parse_args(argv)
    _, scratch, _ = configure(args.database)
    try:
        run(args)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch.parent, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    import polars as pl
    from bench_scoring_engine import build_inputs, build_scheme, cpu_times
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.geo.models import Department, DepartmentKind, Region
    from apps.indicators.models import Framework
    from apps.programs.models import Program
    from apps.scoring.facts import office_frames, scheme_keys
    from apps.scoring.models import ManualScore, OfficeFact
    from calc.scoring.engine import score

    scheme, reads = build_scheme(args.items)
    inputs = build_inputs(scheme, reads, args.subjects, args.periods)
    start = time.perf_counter()
    with transaction.atomic():
        if not Framework.objects.exists():
            call_command("load_frameworks", verbosity=0)
        city = Region.objects.create(code="880100", name="基准市", level="city")
        program = Program.objects.create(region=city, framework=Framework.objects.first(), name="基准创建",
                                         title_sought="national", base_year=2020, target_year=2025)
        user = User.objects.create(username="bench")
        units = Department.objects.bulk_create(
            [Department(region=city, name=f"县{n}人民政府", kind=DepartmentKind.GOVERNMENT, order=n)
             for n in range(args.subjects)], batch_size=5000)
        ids = pl.DataFrame({"subject": [f"s{n}" for n in range(args.subjects)], "unit": [u.id for u in units]})
        now = timezone.now()
        facts = inputs["facts"].join(ids, on="subject")
        batch = []
        for unit, period, key, part, value, text, na in facts.select(
                "unit", "period", "key", "part", "value", "text", "na").iter_rows():
            batch.append(OfficeFact(program=program, department_id=unit, period=period, key=key, part=part or "",
                                    value=value, text=text or "", na=na, reason="基准", created_by=user,
                                    created_at=now))
            if len(batch) == 50_000:
                OfficeFact.objects.bulk_create(batch)
                batch = []
        OfficeFact.objects.bulk_create(batch)
        manual = inputs["manual"].join(ids, on="subject")
        ManualScore.objects.bulk_create(
            [ManualScore(program=program, scheme_code=scheme.code, department_id=unit, period=period, item=item,
                         points=points, reason=reason, created_by=user, created_at=now)
             for unit, period, item, points, reason in manual.select(
                 "unit", "period", "item", "points", "reason").iter_rows()], batch_size=50_000)
    print(f"database filled in {time.perf_counter() - start:.1f} s: {facts.height:,} facts, {manual.height:,} manual")

    periods = sorted(inputs["facts"]["period"].unique().to_list())
    unit_ids = [u.id for u in units]
    keys = scheme_keys(scheme)
    start, cpu_start = time.perf_counter(), sum(cpu_times())
    loaded_facts, loaded_manual = office_frames(program, scheme.code, periods, unit_ids, keys)
    subjects = pl.DataFrame({"subject": [f"department:{u}" for u in unit_ids], "group": "county",
                             "name": [u.name for u in units]})
    load, load_cpu = time.perf_counter() - start, sum(cpu_times()) - cpu_start
    assert loaded_facts.height == facts.height, (loaded_facts.height, facts.height)
    # For comparison only: the same rows through the ORM (a tuple and converted values per row), as the loader
    # read them before it handed the cursor's rows to polars.
    start = time.perf_counter()
    orm_rows = list(OfficeFact.objects.filter(program=program, period__in=periods, department_id__in=unit_ids,
                                              key__in=keys)
                    .values_list("department_id", "period", "key", "part", "value", "text", "na", "id"))
    orm_frame = pl.DataFrame(list(zip(*orm_rows, strict=True)) or None, orient="col")
    orm_load = time.perf_counter() - start
    assert orm_frame.height == facts.height
    del orm_rows, orm_frame, facts, manual, inputs, batch
    gc.collect()
    runs = []
    for _ in range(max(1, args.repeat)):
        start, cpu_start = time.perf_counter(), sum(cpu_times())
        result = score(scheme, subjects, loaded_facts, periods=periods, manual=loaded_manual)
        runs.append((time.perf_counter() - start, sum(cpu_times()) - cpu_start))
    seconds, cpu_seconds = min(runs)
    assert result.totals.height == args.subjects * args.periods
    start, cpu_start = time.perf_counter(), sum(cpu_times())
    input_rows = result.inputs.height
    inputs_seconds, inputs_cpu = time.perf_counter() - start, sum(cpu_times()) - cpu_start
    print(f"load from the database: {load:.2f} s (CPU {load_cpu:.2f} s); scoring: "
          f"{', '.join(f'{wall:.2f} (CPU {used:.2f})' for wall, used in runs)} s; trace: {result.trace.height:,} rows; "
          f"Scoring.inputs when asked: {inputs_seconds:.2f} s (CPU {inputs_cpu:.2f} s, {input_rows:,} rows)")
    print(f"the facts through the ORM instead (for comparison): {orm_load:.2f} s")
    print(json.dumps({"seconds": round(seconds, 3), "cpu_seconds": round(cpu_seconds, 3),
                      "load_seconds": round(load, 3), "load_cpu_seconds": round(load_cpu, 3),
                      "orm_load_seconds": round(orm_load, 3), "ratio_to_load": round(seconds / load, 2),
                      "inputs_seconds": round(inputs_seconds, 3), "inputs_cpu_seconds": round(inputs_cpu, 3),
                      "load_average": round(os.getloadavg()[0], 2), "subjects": args.subjects,
                      "items": len(scheme.items), "periods": args.periods, "facts": loaded_facts.height,
                      "trace_rows": result.trace.height}))


if __name__ == "__main__":
    main()
