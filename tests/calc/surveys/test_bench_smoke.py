"""The survey benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_surveys.py"


def test_bench_main_tiny(capsys):
    spec = importlib.util.spec_from_file_location("bench_surveys", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--responses", "300", "--counties", "2", "--items", "2"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    assert result["estimates"] == 3 * 2 and result["seconds"] > 0 and result["baseline_seconds"] > 0
