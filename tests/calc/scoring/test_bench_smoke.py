"""The scoring benchmark runs end to end on a tiny size and ends with its JSON line."""

from __future__ import annotations

import polars as pl

from calc.scoring import engine
from tests.bench import bench_main, load_bench


def test_bench_main_tiny(capsys):
    result = bench_main("bench_scoring_engine",
                        ["--subjects", "7", "--items", "30", "--periods", "2", "--repeat", "1"], capsys)
    assert result["trace_rows"] == 7 * 2 * (30 + 2)   # every item and both adjustments, per subject and period
    assert result["seconds"] > 0 and result["baseline_seconds"] > 0


def test_bench_main_tiny_loader_shape(capsys):
    result = bench_main("bench_scoring_engine",
                        ["--subjects", "7", "--items", "30", "--periods", "2", "--repeat", "1", "--loader-shape"],
                        capsys)
    assert result["loader_shape"] is True
    assert result["trace_rows"] == 7 * 2 * (30 + 2)


def test_loader_shape_scores_the_same():
    """The loader-shaped frames (``department:<id>``, Decimal(38, 6), the database's row order) are the same
    facts: the engine gives the same trace and totals, subject for subject."""
    bench = load_bench("bench_scoring_engine")
    scheme, reads = bench.build_scheme(30)
    plain = bench.build_inputs(scheme, reads, 11, 2)
    shaped = bench.loader_shape(plain)
    assert shaped["facts"].schema["value"] == pl.Decimal(38, 6)
    assert shaped["manual"].schema["points"] == pl.Decimal(38, 6)
    assert shaped["subjects"]["subject"][0] == "department:1"
    names = dict(zip(plain["subjects"]["subject"], shaped["subjects"]["subject"], strict=True))
    periods = ["2025-01", "2025-02"]
    a = engine.score(scheme, plain["subjects"], plain["facts"], periods=periods, manual=plain["manual"])
    b = engine.score(scheme, shaped["subjects"], shaped["facts"], periods=periods, manual=shaped["manual"])
    renamed = a.trace.with_columns(pl.col("subject").cast(pl.String).replace_strict(names))
    order = ["subject", "period", "item"]
    assert renamed.sort(order).equals(b.trace.with_columns(pl.col("subject").cast(pl.String)).sort(order))
    totals = a.totals.with_columns(pl.col("subject").replace_strict(names))
    assert totals.sort("subject", "period").equals(b.totals.sort("subject", "period"))
