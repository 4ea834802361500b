"""Benchmark of a program's attainment: load the approved data from the database, evaluate, reach, gate.

A synthetic province-scale program (``--regions`` regions: one city and its counties, ``--indicators``
indicators cycling through every target form, ``--years`` annual values with about 10 % missing,
qualitative statuses, yearly assigned numbers) is written to a scratch database with bulk inserts (not
timed). Then, in the same run:

* load — the production loader (:func:`apps.assessment.selectors.load_program`): regions, indicators,
  goals, resolved targets, and every approved value, status and assigned number straight into polars;
* seconds — the production computation (:func:`apps.assessment.selectors.compute`): evaluation of every
  region × indicator × year, reachability at the latest year, and the gate of every region.

The database is a fresh SQLite file by default. ``ECOCIV_DATABASE_URL`` (or ``--database``) selects
another one, e.g. PostgreSQL: point it at a scratch database, since the script migrates it and adds
its data (``--keep`` leaves the SQLite file in place).

The last line printed is JSON with ``seconds``, ``load_seconds``, ``ratio_to_load`` and the goals
(``seconds`` ≤ 2 on a 2-core machine, ratio ≤ 3).

Usage: ``.venv/bin/python benchmarks/bench_evaluate.py [--regions 3000] [--indicators 40] [--years 10]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal

from setup_django import clean_up, configure

GOAL_SECONDS = 2.0
GOAL_RATIO = 3.0
LAST_YEAR = 2024

#: (city target, county target, direction, kind of data): every form the engine knows.
FORMS = [
    (">=95", ">=90", "higher", "number"),
    ("<=25", "<=30", "lower", "number"),
    ("=100", "=100", "higher", "number"),
    ("trend:stable_or_improving", "trend:stable_or_improving", "higher", "number"),
    ("assigned & trend:stable_or_improving", "assigned & trend:stable_or_improving", "higher", "assigned"),
    ("qual:建立", "qual:建立", "higher", "status"),
    (">=90 | trend:improving", ">=85 | trend:improving", "higher", "number"),
    ("region{terrain=mountain: >=60; terrain=hill: >=40; else: >=18}",
     "region{terrain=mountain: >=60; terrain=hill: >=40; else: >=18}", "higher", "number"),
    ("assigned", "assigned", "lower", "assigned"),
    ("trend:not_worse", "trend:not_worse", "higher", "number"),
]


def fill(n_regions: int, n_indicators: int, n_years: int, *, seed: int = 4) -> tuple[object, dict[str, int]]:
    """Write the synthetic program with bulk inserts; returns it and the row counts."""
    from django.db import connection, transaction

    from apps.accounts.models import Role, RoleAssignment, User
    from apps.geo.models import Region, RegionLevel
    from apps.indicators.models import Framework, Indicator, IndicatorTarget
    from apps.programs.models import AssignedTarget, Program, RegionGoal
    from apps.reporting.models import IndicatorValue, ValueRevision

    rng = random.Random(seed)
    stamp = dt.datetime.now(dt.UTC).strftime("%H%M%S%f")
    first_year = LAST_YEAR - n_years + 1
    with transaction.atomic():
        province = Region.objects.create(code=f"B{stamp}"[:12], name="基准省", level="province")
        city = Region(code=f"C{stamp}"[:12], name="基准市", level="city", parent=province, terrain="hill",
                      city_size="large")
        city.save()
        terrains = ["mountain", "hill", "plain"]
        counties = [Region(code=f"{stamp[-5:]}{k:06d}", name=f"县{k}", level="county", parent=city,
                           terrain=terrains[k % 3], arid=k % 11 == 0, path=f"{city.path}{stamp[-5:]}{k:06d}/")
                    for k in range(n_regions - 1)]
        Region.objects.bulk_create(counties, batch_size=2000)
        framework = Framework.objects.create(code=f"bench-{stamp}", title="基准指标体系", levels=["city", "county"])
        indicators = Indicator.objects.bulk_create([
            Indicator(framework=framework, code=f"B{j:03d}", number=j + 1, name=f"指标{j + 1}", domain="生态",
                      task="任务", unit="%", direction=FORMS[j % len(FORMS)][2], binding=j % 3 != 2,
                      scope_levels=["city", "county"], order=j + 1)
            for j in range(n_indicators)])
        IndicatorTarget.objects.bulk_create([
            IndicatorTarget(indicator=indicator, level=level, expression=FORMS[j % len(FORMS)][k])
            for j, indicator in enumerate(indicators) for k, level in enumerate((RegionLevel.CITY, RegionLevel.COUNTY))])
        user = User.objects.create(username=f"bench{stamp}")
        RoleAssignment.objects.create(user=user, role=Role.OFFICE_ADMIN, region=city)
        program = Program.objects.create(region=city, framework=framework, name="基准创建", title_sought="national",
                                         base_year=first_year, target_year=LAST_YEAR + 3)
        regions = [city, *Region.objects.filter(parent=city).order_by("code")]
        RegionGoal.objects.bulk_create([RegionGoal(program=program, region=r, title_sought="national",
                                                   target_year=LAST_YEAR + 1 + k % 4)
                                        for k, r in enumerate(regions[1::5])])

        now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
        value_rows, revision_rows, assigned_rows = [], [], []
        next_id = (IndicatorValue.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        next_rev = (ValueRevision.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for region in regions:
            for j, indicator in enumerate(indicators):
                kind = FORMS[j % len(FORMS)][3]
                level = rng.uniform(10, 99)
                step = rng.uniform(-1.5, 2.5)
                for year in range(first_year, LAST_YEAR + 1):
                    if kind == "assigned":
                        assigned_rows.append((program.id, region.id, indicator.id, year,
                                              Decimal(f"{level + rng.uniform(-3, 3):.2f}"), "下达", "", user.id, now))
                    if rng.random() < 0.1:
                        continue  # a missing year
                    number, qualitative = None, ""
                    if kind == "status":
                        qualitative = rng.choice(["achieved", "in_progress", "not_started"])
                    else:
                        number = Decimal(f"{level + step * (year - first_year) + rng.uniform(-1, 1):.2f}")
                    value_rows.append((next_id, program.id, region.id, indicator.id, "year", year, 1, next_rev,
                                       next_rev, now, now, now, "approved", 1))
                    revision_rows.append((next_rev, next_id, number, qualitative, "", "", "", "", "[]", "", 1,
                                          user.id, now))
                    next_id += 1
                    next_rev += 1
        value_table, revision_table = IndicatorValue._meta.db_table, ValueRevision._meta.db_table
        assigned_table = AssignedTarget._meta.db_table
        with connection.cursor() as cursor:  # foreign keys are checked at commit (deferred)
            for sql, rows in (
                (f"INSERT INTO {value_table} (id, program_id, region_id, indicator_id, period_type, year, "
                 "period_number, current_revision_id, approved_revision_id, first_submitted_at, approved_at, "
                 "updated_at, status, version) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                 value_rows),
                (f"INSERT INTO {revision_table} (id, value_id, number, qualitative, explanation, source, caliber, "
                 "note, warnings, reason, version, author_id, at) "
                 "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", revision_rows),
                (f"INSERT INTO {assigned_table} (program_id, region_id, indicator_id, year, value, reason, document, "
                 "created_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", assigned_rows),
            ):
                for start in range(0, len(rows), 50_000):
                    cursor.executemany(sql, rows[start:start + 50_000])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in (value_table, revision_table):
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT MAX(id) FROM {table}))")
    sizes = {"regions": len(regions), "indicators": len(indicators), "years": n_years,
             "values": sum(1 for r in revision_rows if r[2] is not None),
             "statuses": sum(1 for r in revision_rows if r[3]), "assigned": len(assigned_rows)}
    return program, sizes


def run(args: argparse.Namespace) -> dict:
    url, scratch, _ = configure(args.database)
    from django.db import connection

    from apps.assessment.selectors import compute, load_program

    t0 = time.perf_counter()
    program, sizes = fill(args.regions, args.indicators, args.years)
    fill_seconds = time.perf_counter() - t0
    print(f"filled {connection.vendor} in {fill_seconds:.1f} s: {sizes}")

    today = dt.date(LAST_YEAR + 1, 3, 1)
    load_seconds, seconds = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        loaded = load_program(program)
        load_seconds.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        computed = compute(loaded, program, year=None, today=today)
        seconds.append(time.perf_counter() - t0)
    grid_rows, reach_rows = computed.grid.height, computed.reach.height
    counts = dict(computed.grid.filter(computed.grid["year"] == computed.year).group_by("status").len().iter_rows())
    print(f"load (regions, targets, values → polars): {min(load_seconds):.3f} s (runs: "
          f"{', '.join(f'{s:.3f}' for s in load_seconds)})")
    print(f"evaluation + reachability + gates:          {min(seconds):.3f} s (runs: "
          f"{', '.join(f'{s:.3f}' for s in seconds)})")
    print(f"grid rows {grid_rows}, reachability rows {reach_rows}, {computed.year} statuses {counts}, "
          f"regions passing the gate {int(computed.gates['passed'].sum())}/{computed.gates.height}")
    clean_up(scratch, keep=args.keep)
    best, best_load = min(seconds), min(load_seconds)
    return {
        "benchmark": "bench_evaluate", "database": connection.vendor, **sizes,
        "grid_rows": grid_rows, "reach_rows": reach_rows,
        "seconds": round(best, 3), "load_seconds": round(best_load, 3),
        "ratio_to_load": round(best / best_load, 3) if best_load else None,
        "goal_seconds": GOAL_SECONDS, "goal_ratio": GOAL_RATIO,
        "meets_goals": best <= GOAL_SECONDS and best / best_load <= GOAL_RATIO,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=3000, help="regions (one city + counties)")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs; the best is reported")
    parser.add_argument("--database", help="database URL (default: ECOCIV_DATABASE_URL or a fresh SQLite file)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch SQLite file")
    args = parser.parse_args(argv)
    if args.regions < 2 or args.indicators < 1 or args.years < 2:
        parser.error("need at least 2 regions, 1 indicator and 2 years")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
