"""bench_reports.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_reports_smoke(bench_database):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ECOCIV_DATABASE_URL", "DJANGO_SETTINGS", "ECOCIV_MEDIA_ROOT"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_reports.py"), "--regions", "4", "--indicators", "4",
         "--years", "2", "--tasks", "20", "--projects", "8", "--notices", "3", "--evidence", "6", "--repeat", "1",
         "--database", bench_database],
        capture_output=True, text=True, env=env, timeout=300, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(last)[-3:] == ["report_seconds", "dossier_seconds", "dossier_ratio_to_copy"]
    assert last["evidence_files"] == 6 and last["dossier_zip_bytes"] > last["evidence_bytes"]
