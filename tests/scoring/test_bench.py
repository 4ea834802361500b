"""bench_scoring.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_scoring_smoke(bench_database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_scoring.py"), "--subjects", "12", "--items", "24",
         "--periods", "2", "--repeat", "1", "--database", bench_database],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"seconds", "load_seconds", "ratio_to_load"} <= set(last)
    assert last["subjects"] == 12 and last["periods"] == 2 and last["trace_rows"] > 0 and last["facts"] > 0
