"""The scoring benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_scoring_engine.py"


def test_bench_main_tiny(capsys):
    spec = importlib.util.spec_from_file_location("bench_scoring_engine", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.main(["--subjects", "7", "--items", "30", "--periods", "2", "--repeat", "1"])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == result
    assert result["trace_rows"] == 7 * 2 * (30 + 2)   # every item and both adjustments, per subject and period
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0
