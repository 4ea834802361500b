"""Benchmark of the survey statistics (:mod:`calc.surveys`): every item's weighted rate, Kish n_eff and Wilson
interval for the city and each county, from synthetic responses.

``--responses`` respondents spread over ``--counties`` counties × 城乡 × sex × 4 age bands (with a population per
cell), each answering ``--items`` items on the five-point scale with 不清楚. Timed in the same run:

* baseline — counting, per domain and item, the positive and valid answers with a ``collections.Counter`` (the
  least any rate needs: one pass over the answers);
* seconds — :func:`calc.surveys.estimate` for the city and every county and item, as the results page computes
  them (:func:`apps.surveys.selectors.survey_results` adds only the queries).

The last line printed is JSON with ``seconds``, ``baseline_seconds`` and ``ratio_to_baseline`` (goal: ratio ≤ 3,
i.e. the weights, n_eff and the interval cost at most twice the counting itself; the answers are tallied per cell
first, so the Decimal arithmetic runs per cell and not per respondent).

Usage: ``.venv/bin/python benchmarks/bench_surveys.py [--responses 100000] [--counties 10] [--items 7]``
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calc.surveys import estimate

SCALE = ("满意", "比较满意", "不太满意", "不满意", "不清楚")
POSITIVE = frozenset(SCALE[:2])
EXCLUDED = frozenset(SCALE[4:])
GOAL_RATIO = 3.0


def build(responses: int, counties: int, items: int, seed: int = 39) -> tuple[list[tuple[tuple[int, str, str, str],
                                                                                  list[str]]], dict]:
    rng = random.Random(seed)
    cells = [(c, ur, sex, age) for c in range(counties) for ur in ("城镇", "乡村") for sex in ("男", "女")
             for age in ("18-29岁", "30-44岁", "45-59岁", "60岁及以上")]
    population = {cell: rng.randint(5_000, 60_000) for cell in cells}
    weights = [population[c] * (1.5 if c[3] == "60岁及以上" else 1.0) for c in cells]
    chosen = rng.choices(cells, weights=weights, k=responses)
    rows = [(cell, [rng.choices(SCALE, weights=(40, 45, 8, 3, 4))[0] for _ in range(items)]) for cell in chosen]
    return rows, population


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--counties", type=int, default=10)
    parser.add_argument("--items", type=int, default=7)
    args = parser.parse_args(argv)
    rows, population = build(args.responses, args.counties, args.items)
    domains = [None, *range(args.counties)]

    started = time.perf_counter()
    counts = []
    for county in domains:
        chosen = [r for r in rows if county is None or r[0][0] == county]
        for item in range(args.items):
            tally = Counter(answers[item] for _cell, answers in chosen)
            valid = sum(n for label, n in tally.items() if label not in EXCLUDED)
            counts.append((sum(tally[label] for label in POSITIVE), valid))
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    results = []
    for county in domains:
        chosen = [r for r in rows if county is None or r[0][0] == county]
        cells = {c: p for c, p in population.items() if county is None or c[0] == county}
        for item in range(args.items):
            results.append(estimate([(cell, answers[item]) for cell, answers in chosen], positive=POSITIVE,
                                    excluded=EXCLUDED, population=cells))
    seconds = time.perf_counter() - started
    assert [(r.positive, r.valid) for r in results] == counts  # the same answers counted the same way

    city = results[args.items - 1]
    print(f"{args.responses:,} responses, {args.counties} counties, {args.items} items: "
          f"{len(results)} estimates in {seconds:.3f} s (counting alone {baseline:.3f} s); city, last item: "
          f"{city.sentence()}")
    result: dict[str, object] = {
        "responses": args.responses, "estimates": len(results), "seconds": round(seconds, 4),
        "baseline_seconds": round(baseline, 4), "ratio_to_baseline": round(seconds / baseline, 2),
        "goal_ratio": GOAL_RATIO, "met": seconds / baseline <= GOAL_RATIO,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
