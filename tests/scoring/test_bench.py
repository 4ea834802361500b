"""bench_scoring.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

from tests.bench import run_bench


def test_bench_scoring_smoke(bench_database):
    last = run_bench("bench_scoring", "--subjects", "12", "--items", "24", "--periods", "2", "--repeat", "1",
                     "--database", bench_database)
    assert {"seconds", "load_seconds", "ratio_to_load"} <= set(last)
    assert last["subjects"] == 12 and last["periods"] == 2 and last["trace_rows"] > 0 and last["facts"] > 0
