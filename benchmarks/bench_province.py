"""Benchmark of the demo province: its load time, and the province cockpit cold and warm against a trivial page.

A scratch SQLite file is migrated and filled by ``load_demo_province`` (``--cities``, ``--counties``; timed: the
issue's goal is a load under 2 minutes). Then, as the province office, through Django's test client (the whole
request: middleware, view, template), the province cockpit is requested cold (the cache cleared: every city
assessed) once, and warm ``--repeat`` times (median), next to ``/api/me`` (a trivial authenticated view, median of
``--repeat``) in the same run, with their SQL queries.

The last line printed is JSON: ``load_seconds``, ``cold_seconds``, ``warm_seconds``, ``cold_queries``,
``warm_queries``, ``changed_seconds`` and ``changed_queries`` (the first request after a city's office approved a
value: the snapshot built again), ``trivial_seconds``, ``warm_ratio`` (warm cockpit ÷ trivial page) and ``cold_ratio``. Goals:
``load_seconds`` < 120, ``warm_ratio`` ≤ 3 (the issue's bar for the cockpit), warm queries independent of the
number of cities (the test suite checks that at 2 and 20 cities).

Usage: ``.venv/bin/python benchmarks/bench_province.py [--cities 14] [--counties 100] [--repeat 7] [--profile]
[--database URL]``
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import time

from setup_django import clean_up, configure


def timed(client: object, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return seconds, len(queries)


def profile(client: object, url: str, repeat: int) -> None:
    """Print the functions that take the most cumulative time over ``repeat`` warm requests (``--profile``)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(url)  # type: ignore[attr-defined]
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def after_a_change(client: object, url: str) -> tuple[float, int]:
    """The first cockpit request after the first city's office approved one submitted value (the snapshot built
    again: every program's data version read, that city's gate assessed again)."""
    from apps.accounts.models import User
    from apps.reporting.models import IndicatorValue
    from apps.reporting.services import indicator_value_transition
    from apps.review.workflow import ReviewAction

    office = User.objects.get(username="city01")
    city = office.duties[0].region
    value = IndicatorValue.objects.filter(status="submitted", program__region=city).order_by("id").first()
    assert value is not None, "the demo province has no submitted value in the first city"
    indicator_value_transition(value=value, action=ReviewAction.APPROVE, actor=office, comment="基准测试")
    return timed(client, url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=14)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print a profile of the warm requests")
    parser.add_argument("--database", help="database URL (default: a scratch SQLite file)")
    args = parser.parse_args()
    _url, scratch, _media = configure(args.database)
    try:
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client

        from apps.accounts.models import User
        from apps.geo.models import Region

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        started = time.perf_counter()
        call_command("load_demo_province", "--cities", str(args.cities), "--counties", str(args.counties),
                     stdout=io.StringIO())
        load = time.perf_counter() - started
        client = Client()
        client.force_login(User.objects.get(username="province"))
        url = f"/province/{Region.objects.get(code='730000').id}/"
        cache.clear()
        cold, cold_queries = timed(client, url)
        warm_runs = [timed(client, url) for _ in range(args.repeat)]
        if args.profile:
            profile(client, url, args.repeat)
        trivial = statistics.median(timed(client, "/api/me")[0] for _ in range(args.repeat))
        changed, changed_queries = after_a_change(client, url)
        warm = statistics.median(s for s, _q in warm_runs)
        result = {"cities": args.cities, "counties": args.counties, "load_seconds": round(load, 2),
                  "cold_seconds": round(cold, 3), "warm_seconds": round(warm, 4), "cold_queries": cold_queries,
                  "warm_queries": warm_runs[-1][1], "changed_seconds": round(changed, 4),
                  "changed_queries": changed_queries, "trivial_seconds": round(trivial, 4),
                  "warm_ratio": round(warm / trivial, 2), "cold_ratio": round(cold / trivial, 2)}
        print(f"load {load:.1f} s; cockpit cold {cold:.2f} s ({cold_queries} queries), warm {warm * 1000:.0f} ms "
              f"({warm_runs[-1][1]} queries), after a change {changed * 1000:.0f} ms ({changed_queries} queries); "
              f"/api/me {trivial * 1000:.1f} ms")
        print(json.dumps(result))
    finally:
        clean_up(scratch)


if __name__ == "__main__":
    main()
