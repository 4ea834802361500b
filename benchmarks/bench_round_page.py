"""Benchmark of the round page and the other pages an office opens, at two sizes of one round, in the same run.

Two synthetic programs are written to one scratch SQLite file (as ``bench_import.py`` fills them: one city,
counties × ``--indicators`` indicators, last year's values approved), one with ``--small`` and one with ``--rows``
rows, and this year's round of each gets values in every state with bulk inserts (not timed): per 8 rows one
not reported, one draft, two submitted, one returned and three approved (the approved with an evidence file);
half of the submissions before the due day.

Then, as the city office, through Django's test client (after ``gc.freeze()``, as ``config/wsgi.py`` does) (no server, the page's whole request: middleware, view,
template), each page is requested ``--repeat`` times after a warm-up and its median wall time and its SQL queries
are taken: the round page in each of its views (by unit, by region, a later page of it, by indicator, the rows
and the rows filtered), the progress and rows API, and the pages ``bench_import_under_load.py``'s clients open
(home, program page, inbox, ``/api/me``, the program API).

The last line printed is JSON with, per size, each page's seconds and queries, and ``ratio``: the round page's
seconds at ``--rows`` ÷ at ``--small`` (the same run, the same machine), and each page's CPU seconds. Goals: the round page under 1 s at
20,000 rows, every page the same number of queries at both sizes.

Usage: ``.venv/bin/python benchmarks/bench_round_page.py [--rows 20000] [--small 2000] [--indicators 40]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import statistics
import sys
import time
from decimal import Decimal

from setup_django import clean_up, configure

GOAL_SECONDS = 1.0


def values_in_every_state(reporting_round: object, user: object) -> int:
    """This year's values of the round: per 8 rows one left out, one draft, two submitted, one returned and three
    approved with an evidence file; half of the submissions on time. Bulk inserts; returns the values written."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from apps.evidence.models import Evidence
    from apps.reporting.models import IndicatorValue, ValueRevision
    from apps.reporting.selectors import round_obligations

    states = [None, "draft", "submitted", "submitted", "returned", "approved", "approved", "approved"]
    due = timezone.make_aware(dt.datetime.combine(reporting_round.due, dt.time(12)))  # type: ignore[attr-defined]
    program = reporting_round.program  # type: ignore[attr-defined]
    with transaction.atomic():
        values = []
        for n, obligation in enumerate(round_obligations(reporting_round, with_values=False)):  # type: ignore[arg-type]
            status = states[n % len(states)]
            if status is None:
                continue
            submitted = None if status == "draft" else due + dt.timedelta(days=-3 if n % 2 else 3)
            values.append(IndicatorValue(
                program=program, region=obligation.region, indicator=obligation.indicator, round=reporting_round,
                period_type=reporting_round.period_type, year=reporting_round.year,  # type: ignore[attr-defined]
                period_number=reporting_round.period_number, status=status, version=2,  # type: ignore[attr-defined]
                first_submitted_at=submitted))
        values = IndicatorValue.objects.bulk_create(values, batch_size=2000)
        ValueRevision.objects.bulk_create([
            ValueRevision(value=value, version=1, author=user,
                          **({"qualitative": "in_progress"} if value.indicator.is_qualitative_for(value.region.level)
                             else {"number": Decimal("70.5")})) for value in values], batch_size=2000)
        latest = Subquery(ValueRevision.objects.filter(value_id=OuterRef("pk")).order_by("-id").values("id")[:1])
        this_year = IndicatorValue.objects.filter(round=reporting_round)
        this_year.update(current_revision_id=latest)
        this_year.filter(status="approved").update(approved_revision_id=latest, approved_at=due)
        kind = ContentType.objects.get_for_model(IndicatorValue)
        Evidence.objects.bulk_create([
            Evidence(content_type=kind, object_id=value.pk, file=f"evidence/bench/{value.pk}.pdf",
                     original_name="佐证.pdf", kind="pdf", size=1000, sha256=f"{value.pk:064d}", uploaded_by=user)
            for value in values if value.status == "approved"], batch_size=2000)
    return len(values)


def measure(client: object, path: str, repeat: int) -> dict[str, object]:
    """The page's median wall and CPU seconds over ``repeat`` requests after one warm-up, and its queries (CPU
    seconds, of this process, say more than wall seconds on a loaded machine)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # type: ignore[attr-defined]
    assert response.status_code in (200, 302), (path, response.status_code)  # home: to the landing page
    seconds, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(path)  # type: ignore[attr-defined]
            seconds.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        assert response.status_code in (200, 302), (path, response.status_code)  # home: to the landing page
    return {"seconds": round(statistics.median(seconds), 3), "cpu_seconds": round(statistics.median(cpu), 3),
            "queries": len(queries), "bytes": len(response.content)}


def run(args: argparse.Namespace) -> dict[str, object]:
    os.environ.pop("ECOCIV_DATABASE_URL", None)  # the embedded default: a scratch SQLite file
    _url, scratch, media = configure(None, media=True)
    from bench_import import fill
    from django.test import Client

    sizes: dict[int, tuple[object, object]] = {}
    for rows in (args.small, args.rows):
        reporting_round, user, _sizes = fill(rows, args.indicators)
        written = values_in_every_state(reporting_round, user)
        print(f"filled a round of {rows} rows, {written} values")
        sizes[rows] = (reporting_round, user)
    gc.collect()
    gc.freeze()  # as the server does once loaded (config/wsgi.py): what is loaded now lives as long as the process
    results: dict[str, dict[str, object]] = {}
    for rows, (reporting_round, user) in sizes.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        p, r = reporting_round.program_id, reporting_round.pk  # type: ignore[attr-defined]
        round_page = f"/programs/{p}/rounds/{r}/"
        pages = {
            "round": round_page, "round_by_region": f"{round_page}?by=region",
            "round_by_region_page_3": f"{round_page}?by=region&page=3", "round_by_indicator": f"{round_page}?by=indicator",
            "round_rows": f"{round_page}?by=rows", "round_rows_submitted": f"{round_page}?by=rows&status=submitted",
            "api_progress": f"/api/programs/{p}/rounds/{r}/progress", "api_rows": f"/api/programs/{p}/rounds/{r}/rows",
            "home": "/", "program": f"/programs/{p}/", "inbox": f"/programs/{p}/rounds/{r}/inbox/",
            "api_me": "/api/me", "api_program": f"/api/programs/{p}",
        }
        results[str(rows)] = {name: measure(client, path, args.repeat) for name, path in pages.items()}
        for name, figures in results[str(rows)].items():
            print(f"{rows:>6} rows  {name:24s} {figures['seconds']:7.3f} s  {figures['cpu_seconds']:7.3f} s CPU  "
                  f"{figures['queries']:3d} queries  "
                  f"{figures['bytes']:>9,} bytes")
    clean_up(scratch, media)
    small, large = results[str(args.small)], results[str(args.rows)]
    ratio = large["round"]["seconds"] / small["round"]["seconds"] if small["round"]["seconds"] else None  # type: ignore[index, operator]
    constant = {name: small[name]["queries"] == large[name]["queries"] for name in small}  # type: ignore[index]
    return {
        "benchmark": "bench_round_page", "rows": args.rows, "small": args.small, "indicators": args.indicators,
        "round_page_seconds": large["round"]["seconds"], "round_page_seconds_small": small["round"]["seconds"],
        "round_page_cpu_seconds": large["round"]["cpu_seconds"],
        "round_page_cpu_seconds_small": small["round"]["cpu_seconds"],
        "ratio": round(ratio, 2) if ratio is not None else None, "queries_constant": constant,
        "pages": results, "load_average": round(os.getloadavg()[0], 1), "goal_seconds": GOAL_SECONDS,
        "meets_goals": large["round"]["seconds"] < GOAL_SECONDS and all(constant.values()),  # type: ignore[operator]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the large round (counties × indicators)")
    parser.add_argument("--small", type=int, default=2_000, help="rows of the small round")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="requests per page (the median is taken)")
    args = parser.parse_args(argv)
    if min(args.rows, args.small, args.indicators, args.repeat) < 1:
        parser.error("need at least 1 row, 1 indicator and 1 request")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
