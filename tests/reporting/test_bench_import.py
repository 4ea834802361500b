"""bench_import.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_import_smoke(bench_database):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_import.py"), "--rows", "40", "--indicators", "10",
         "--database", bench_database],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"template_seconds", "preview_seconds", "commit_seconds", "ratio_to_read", "goal_seconds",
            "goal_ratio"} <= set(last)
    assert last["rows"] == 40 and last["counties"] == 4 and last["indicators"] == 10
