"""bench_province.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"cities", "counties", "load_seconds", "cold_seconds", "warm_seconds", "cold_queries", "warm_queries",
        "changed_seconds", "changed_queries", "trivial_seconds", "warm_ratio", "cold_ratio"}


@pytest.mark.slow
def test_bench_province_smoke(bench_database):
    """Two cities of four counties: the last line's keys, and values that make sense (the cold cockpit assesses
    every city, the warm one reads its snapshot, a change builds it again)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_province.py"), "--cities", "2", "--counties", "4",
         "--repeat", "1", "--database", bench_database],
        capture_output=True, text=True, env=env, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(last) == KEYS
    assert (last["cities"], last["counties"]) == (2, 4)
    assert all(last[k] > 0 for k in KEYS if k.endswith(("_seconds", "_ratio")))
    assert 0 < last["warm_queries"] < last["cold_queries"] and last["changed_queries"] > last["warm_queries"]
    assert last["cold_ratio"] >= last["warm_ratio"]
