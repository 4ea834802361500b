"""bench_import_under_load.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_import_under_load_smoke() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_import_under_load.py"), "--rows", "40", "--indicators",
         "10", "--clients", "2", "--warmup", "2", "--think", "0.1", "--relogin-every", "1"],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"requests", "errors", "import_seconds", "before_import", "during_import", "errors_by_kind"} <= set(last)
    assert last["rows"] == 40 and last["clients"] == 2 and last["requests"] >= 4 and last["errors"] == 0
