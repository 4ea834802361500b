"""bench_round_page.py runs end to end at a tiny size (no timing assertions: it must just not rot), and every page
it opens issues the same queries at both sizes."""

from __future__ import annotations

import pytest

from tests.bench import run_bench


@pytest.mark.slow
def test_bench_round_page_smoke() -> None:
    last = run_bench("bench_round_page", "--rows", "120", "--small", "40", "--indicators", "10",
                     "--repeat", "1")
    assert {"round_page_seconds", "round_page_seconds_small", "ratio", "pages", "queries_constant"} <= set(last)
    assert last["rows"] == 120 and last["small"] == 40
    assert set(last["pages"]) == {"40", "120"} and "round_rows" in last["pages"]["120"]
    assert last["queries_constant"] and all(last["queries_constant"].values()), last["queries_constant"]
