"""The air benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_air.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_air", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_main_tiny(tmp_path, capsys):
    bench = _load()
    result = bench.main(
        ["--stations", "10", "--hours", "72", "--repeat", "1", "--sample", "50", "--out", str(tmp_path)]
    )
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    assert set(result) == {"seconds", "ratio_to_floor", "speedup_vs_python_aqi"}
    assert result["seconds"] > 0 and result["ratio_to_floor"] > 0
    # at this size fixed overheads dominate: the python-aqi ratio is meaningless but must be a number
    assert math.isfinite(result["speedup_vs_python_aqi"]) and result["speedup_vs_python_aqi"] >= 0


def test_bench_general_path_with_absent_rows(tmp_path):
    bench = _load()
    result = bench.main(
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
