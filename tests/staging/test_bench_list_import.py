"""bench_list_import.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_list_import_smoke() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_list_import.py"), "--rows", "60", "--chunk", "20"],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"longest_transaction_share", "longest_transaction_ratio", "total_ratio", "other_wait_ratio"} <= set(last)
    assert last["chunked"]["result"] == last["baseline"]["result"] == {"created": 60, "updated": 0, "unchanged": 0}
    assert last["chunked"]["transactions"] > last["baseline"]["transactions"] == 1
    assert last["chunked"]["other_errors"] == 0
