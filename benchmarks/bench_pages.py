"""Benchmark of the attainment pages of one large program: the cockpit, the matrix and an indicator's detail.

One synthetic program (``bench_evaluate.fill``: a city and its counties, ``--regions`` regions in all,
``--indicators`` indicators cycling through every target form, ``--years`` years of approved values, yearly
assigned numbers; every fifth county with a goal of its own) is written to a scratch SQLite file with bulk
inserts (not timed). Then, as the city office, through Django's test client (the whole request: middleware, view,
template), after ``gc.freeze()`` as ``config/wsgi.py`` does:

* warm: each page requested ``--repeat`` times after one request that fills the cache; the median is taken;
* cold: the first request after a data change (an assigned number added, which changes the program's data
  version), ``--repeat`` times, each after its own change; the median is taken;
* the task list page of the same program, warm, as the yardstick: every page's time is divided by it.

The matrix's HTML size is printed (its first page, as a person opens it).

The last line printed is JSON whose first keys are ``cockpit_warm_ratio``, ``cockpit_cold_ratio``,
``matrix_warm_ratio`` and ``matrix_kb``. Goals: warm ≤ 3, cold ≤ 10, matrix ≤ 500 KB.

Usage: ``.venv/bin/python benchmarks/bench_pages.py [--regions 200] [--indicators 40] [--years 4]``
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from decimal import Decimal

from setup_django import clean_up, configure

GOAL_WARM = 3.0
GOAL_COLD = 10.0
GOAL_MATRIX_KB = 500


def timed(client: object, path: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    response = client.get(path)  # type: ignore[attr-defined]
    seconds = time.perf_counter() - t0
    assert response.status_code == 200, (path, response.status_code)
    return seconds, response


def warm(client: object, path: str, repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` requests after a first one, and the last response's size in bytes."""
    timed(client, path)
    runs = [timed(client, path) for _ in range(repeat)]
    return statistics.median(s for s, _ in runs), len(runs[-1][1].content)  # type: ignore[attr-defined]


def cold(client: object, path: str, repeat: int, change: object) -> float:
    """Median seconds of the first request after a data change, over ``repeat`` changes."""
    timed(client, path)
    runs = []
    for _ in range(repeat):
        change()  # type: ignore[operator]
        runs.append(timed(client, path)[0])
    return statistics.median(runs)


def run(args: argparse.Namespace) -> dict[str, object]:
    os.environ.pop("ECOCIV_DATABASE_URL", None)  # the embedded default: a scratch SQLite file
    _url, scratch, media = configure(None, media=True)
    from bench_evaluate import fill
    from django.test import Client

    from apps.accounts.models import User
    from apps.programs.models import AssignedTarget
    from apps.tasks.models import Task

    t0 = time.perf_counter()
    program, sizes = fill(args.regions, args.indicators, args.years)
    Task.objects.bulk_create([Task(program=program, title=f"任务{k}", number=str(k), order=k) for k in range(1, 41)])
    print(f"filled in {time.perf_counter() - t0:.1f} s: {sizes}")
    user = User.objects.latest("id")  # fill's city office
    indicator = program.framework.indicators.order_by("order").first()  # type: ignore[attr-defined]
    counter = iter(range(1, 10**6))

    def change() -> None:
        """A data change: one more assigned number (the program's data version moves on)."""
        AssignedTarget.objects.create(program=program, region_id=program.region_id,  # type: ignore[attr-defined]
                                      indicator=indicator, year=program.base_year,  # type: ignore[attr-defined]
                                      value=Decimal(next(counter)), reason="基准", created_by=user)

    gc.collect()
    gc.freeze()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    p = program.pk  # type: ignore[attr-defined]
    pages = {"cockpit": f"/programs/{p}/assessment/", "matrix": f"/programs/{p}/assessment/matrix/",
             "indicator": f"/programs/{p}/assessment/indicators/{indicator.pk}/?region={program.region_id}"}  # type: ignore[attr-defined]
    tasks, _ = warm(client, f"/programs/{p}/tasks/", args.repeat)
    figures: dict[str, dict[str, float]] = {}
    for name, path in pages.items():
        seconds, size = warm(client, path, args.repeat)
        cold_seconds = cold(client, path, args.repeat, change)
        figures[name] = {"warm_seconds": round(seconds, 4), "cold_seconds": round(cold_seconds, 4),
                         "warm_ratio": round(seconds / tasks, 2), "cold_ratio": round(cold_seconds / tasks, 2),
                         "kb": round(size / 1024, 1)}
        print(f"{name:10s} warm {seconds:7.3f} s ({seconds / tasks:6.1f}×)  cold {cold_seconds:7.3f} s "
              f"({cold_seconds / tasks:6.1f}×)  {size / 1024:8.1f} KB")
    print(f"task list  warm {tasks:7.3f} s")
    from django.core.cache import cache

    stored = getattr(cache, "_cache", {})  # the local memory cache: key → pickled bytes
    cache_kb = round(max((len(v) for k, v in stored.items() if ":assessment:" in k and not k.endswith(":gates")
                         and ":heat:" not in k and ":matrix-page:" not in k),
                         default=0) / 1024, 1)
    print(f"largest cached assessment entry {cache_kb} KB")
    clean_up(scratch, media)
    result = {
        "cockpit_warm_ratio": figures["cockpit"]["warm_ratio"], "cockpit_cold_ratio": figures["cockpit"]["cold_ratio"],
        "matrix_warm_ratio": figures["matrix"]["warm_ratio"], "matrix_kb": figures["matrix"]["kb"],
        "benchmark": "bench_pages", **sizes, "task_list_seconds": round(tasks, 4), "pages": figures,
        "cache_kb": cache_kb,
        "load_average": round(os.getloadavg()[0], 1),
        "goals": {"warm_ratio": GOAL_WARM, "cold_ratio": GOAL_COLD, "matrix_kb": GOAL_MATRIX_KB},
    }
    result["meets_goals"] = (all(f["warm_ratio"] <= GOAL_WARM and f["cold_ratio"] <= GOAL_COLD
                                 for f in figures.values()) and figures["matrix"]["kb"] <= GOAL_MATRIX_KB)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=200, help="regions (one city + counties)")
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="requests per measure (the median is taken)")
    args = parser.parse_args(argv)
    if args.regions < 2 or args.indicators < 1 or args.years < 2 or args.repeat < 1:
        parser.error("need at least 2 regions, 1 indicator, 2 years and 1 request")
    print(json.dumps(run(args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
