"""bench_round_page.py runs end to end at a tiny size (no timing assertions: it must just not rot), and every page
it opens issues the same queries at both sizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_round_page_smoke() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_round_page.py"), "--rows", "120", "--small", "40",
         "--indicators", "10", "--repeat", "1"],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"round_page_seconds", "round_page_seconds_small", "ratio", "pages", "queries_constant"} <= set(last)
    assert last["rows"] == 120 and last["small"] == 40
    assert set(last["pages"]) == {"40", "120"} and "round_rows" in last["pages"]["120"]
    assert last["queries_constant"] and all(last["queries_constant"].values()), last["queries_constant"]
