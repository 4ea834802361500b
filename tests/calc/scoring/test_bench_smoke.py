"""The scoring benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench import bench_main


def test_bench_main_tiny(capsys):
    result = bench_main("bench_scoring_engine",
                        ["--subjects", "7", "--items", "30", "--periods", "2", "--repeat", "1"], capsys)
    assert result["trace_rows"] == 7 * 2 * (30 + 2)   # every item and both adjustments, per subject and period
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
