"""bench_evaluate.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import pytest

from tests.bench import run_bench


def test_bench_evaluate_smoke(bench_database):
    last = run_bench("bench_evaluate", "--regions", "4", "--indicators", "10", "--years", "3",
                     "--repeat", "1", "--database", bench_database)
    assert {"seconds", "ratio_to_load", "load_seconds", "goal_seconds", "goal_ratio"} <= set(last)
    assert last["regions"] == 4 and last["indicators"] == 10
    assert last["grid_rows"] == 4 * 10 * 3 and last["reach_rows"] > 0
    assert last["values"] > 0 and last["statuses"] > 0 and last["assigned"] > 0


@pytest.mark.slow
def test_bench_pages_smoke():
    """bench_pages.py at a tiny size (its own scratch SQLite file): the last line's keys, the goals' names."""
    last = run_bench("bench_pages", "--regions", "3", "--indicators", "4", "--years", "2", "--repeat", "1")
    assert list(last)[:4] == ["cockpit_warm_ratio", "cockpit_cold_ratio", "matrix_warm_ratio", "matrix_kb"]
    assert set(last["pages"]) == {"cockpit", "matrix", "indicator"} and last["regions"] == 3
