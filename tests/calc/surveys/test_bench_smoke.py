"""The survey benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench import bench_main


def test_bench_main_tiny(capsys):
    result = bench_main("bench_surveys", ["--responses", "300", "--counties", "2", "--items", "2"], capsys)
    assert result["estimates"] == 3 * 2 and result["seconds"] > 0 and result["baseline_seconds"] > 0
