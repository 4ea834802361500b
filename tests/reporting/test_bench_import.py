"""bench_import.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

from tests.bench import run_bench


def test_bench_import_smoke(bench_database):
    last = run_bench("bench_import", "--rows", "40", "--indicators", "10", "--database", bench_database)
    assert {"template_seconds", "preview_seconds", "commit_seconds", "ratio_to_read", "goal_seconds",
            "goal_ratio"} <= set(last)
    assert last["rows"] == 40 and last["counties"] == 4 and last["indicators"] == 10
