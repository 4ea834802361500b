"""bench_import_under_load.py runs end to end at a tiny size (no timing assertions: it must just not rot)."""

from __future__ import annotations

import pytest

from tests.bench import run_bench


@pytest.mark.slow
def test_bench_import_under_load_smoke() -> None:
    last = run_bench("bench_import_under_load", "--rows", "40", "--indicators", "10", "--clients", "2",
                     "--warmup", "2", "--think", "0.1", "--relogin-every", "1")
    assert {"requests", "errors", "import_seconds", "before_import", "during_import", "errors_by_kind"} <= set(last)
    assert last["rows"] == 40 and last["clients"] == 2 and last["requests"] >= 4 and last["errors"] == 0
