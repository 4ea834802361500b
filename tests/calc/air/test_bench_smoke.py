"""The air benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

import math

from tests.bench import bench_main, load_bench


def test_bench_main_tiny(tmp_path, capsys):
    result = bench_main(
        "bench_air",
        ["--stations", "10", "--hours", "72", "--repeat", "1", "--sample", "50", "--out", str(tmp_path)],
        capsys,
    )
    assert set(result) == {"seconds", "ratio_to_floor", "speedup_vs_python_aqi"}
    assert result["seconds"] > 0 and result["ratio_to_floor"] > 0
    # at this size fixed overheads dominate: the python-aqi ratio is meaningless but must be a number
    assert math.isfinite(result["speedup_vs_python_aqi"]) and result["speedup_vs_python_aqi"] >= 0


def test_bench_general_path_with_absent_rows(tmp_path):
    result = load_bench("bench_air").main(
        [
            "--stations",
            "6",
            "--hours",
            "48",
            "--repeat",
            "1",
            "--sample",
            "20",
            "--absent",
            "0.05",
            "--out",
            str(tmp_path),
        ]
    )
    assert set(result) == {"seconds", "ratio_to_floor", "speedup_vs_python_aqi"}
