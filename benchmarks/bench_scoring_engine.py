"""Benchmark of the pure scoring engine: ``--subjects`` × ``--items`` × ``--periods`` (default 3,000 × 60 × 12).

A monthly scheme of ``--items`` items cycles through every rule type (gap_linear with fixed and own targets and
each gap rounding, threshold_count, rank_points by step and by share, grade_map, periodic_events with parts and
waivers, composite_index of four indicators, bonus_capped, event_deduction, manual), with zero-if conditions,
attached bonuses, a veto and a grade cap. Synthetic facts (deterministic, hashed; about 5 % missing, 1 % not
applicable) are built in polars, with a source reference on every row.

Timed:

* baseline — building the input frames (subjects, facts with sources, manual points) in polars;
* engine — ``calc.scoring.score`` on them: every trace row (as exact decimals) and the totals;
* apart, ``inputs_seconds``: building ``Scoring.inputs`` (the facts each trace row read, with their sources; 4.5
  million rows), which the engine builds only when asked (a run stores its input frames, not this one).

The last line printed is JSON: ``seconds`` (the engine's wall time, best of ``--repeat``), ``baseline_seconds``,
``ratio_to_baseline``, the CPU times of both (``cpu_seconds``: user + system time of every thread, from
``resource.getrusage``, with ``user_seconds`` and ``system_seconds`` apart: on a machine shared with other work
the wall time mostly measures the others), the load average, and the sizes. The goal is ``seconds`` ≤ 2 on the
default sizes.

With ``--loader-shape`` the engine scores the same facts in the shape the DB loader delivers them
(:func:`loader_shape`, untimed; ``loader_shape`` in the JSON line): subjects ``department:<id>``, values and manual
points ``Decimal(38, 6)``, the database's row order.

Usage: ``.venv/bin/python benchmarks/bench_scoring_engine.py [--subjects 3000] [--items 60] [--periods 12]
[--loader-shape]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from calc.scoring import engine  # noqa: E402
from calc.scoring import scheme as sc  # noqa: E402

D = Decimal
CATEGORIES = ("优秀", "良好", "合格", "不合格")
PARTS = 3  # monitoring sections per periodic item


def _rule(n: int) -> tuple[sc.Rule, list[tuple[str, str]]]:
    """The ``n``-th item's rule and the (key, kind) of the facts it reads."""
    key = f"k{n}"
    kind = n % 12
    if kind in (0, 1, 2):
        rounding = ("exact", "up", "down")[kind]
        return (sc.GapLinear(key=key, comparison="<=", target=D(35), deduct=D("0.5"), rounding=rounding, unit="µg/m³"),
                [(key, "value")])
    if kind == 3:
        return (sc.GapLinear(key=key, comparison=">=", target_key=f"{key}.target", deduct=D("0.25"), unit="%"),
                [(key, "value"), (f"{key}.target", "value")])
    if kind == 4:
        return sc.ThresholdCount(key=key, required=D(3), deduct=D(1)), [(key, "count")]
    if kind == 5:
        return sc.RankPoints(key=key, step=D("0.01")), [(key, "value")]
    if kind == 6:
        return sc.RankPoints(key=key, mode="share"), [(key, "value")]
    if kind == 7:
        table = tuple(zip(CATEGORIES, (D(2), D("1.5"), D(1), D(0)), strict=True))
        return sc.GradeMap(key=key, points=table), [(key, "text")]
    if kind == 8:
        return (sc.PeriodicEvents(key=key, deduct=D("0.5"), severe_key=f"{key}.worst", severe_deduct=D(1),
                               waiver_key=f"{key}.met"),
                [(key, "parts"), (f"{key}.worst", "parts"), (f"{key}.met", "parts")])
    if kind == 9:
        indicators = tuple(sc.IndexIndicator(f"{key}.i{j}", f"指标{j}", D(("2.75", "1.83", "0.92", "0.92")[j]),
                                          "lower" if j == 3 else "higher") for j in range(4))
        return sc.CompositeIndex(indicators=indicators), [(i.key, "value") for i in indicators]
    if kind == 10:
        return sc.Manual(), []
    return sc.GapLinear(key=key, comparison=">=", target=D(100), per=D("0.5"), deduct=D("0.1"), unit="%"), [(key, "value")]


def build_scheme(items: int) -> tuple[sc.Scheme, list[tuple[str, str]]]:
    built, facts = [], []
    for n in range(items - 2):
        rule, reads = _rule(n)
        extras: dict[str, object] = {}
        if n % 12 == 0:
            extras["zero_if"] = sc.Condition(key=f"k{n}", op=">=", other_key=f"k{n}.previous")
            reads.append((f"k{n}.previous", "value"))
        if n % 12 == 8:
            extras["bonus"] = sc.Bonus(key=f"k{n}.upgraded", per=D(1), cap=D(2))
            reads.append((f"k{n}.upgraded", "count"))
        built.append(sc.Item(code=f"I{n:02d}", name=f"评分项{n}", points=D(2), rule=rule, **extras))  # type: ignore[arg-type]
        facts += reads
    built.append(sc.Item(code="B1", name="加分", points=D(3), rule=sc.BonusCapped(key="bonus", per=D("1.5"))))
    built.append(sc.Item(code="E1", name="事件", points=D(20), rule=sc.EventDeduction(key="incidents", per=D(5))))
    facts += [("bonus", "count"), ("incidents", "count"), ("fake", "value"), ("big", "value")]
    total = sum((i.points for i in built if i.kind == "base"), D(0))
    grades = (sc.Grade("优秀", total * D("0.9")), sc.Grade("良好", total * D("0.7")), sc.Grade("合格", total * D("0.6")), sc.Grade("不合格"))
    adjustments = (sc.Adjustment("V1", "数据造假", "veto", sc.Condition(key="fake", op=">=", value=D(1))),
                   sc.Adjustment("G1", "特别重大事件", "grade_cap", sc.Condition(key="big", op=">=", value=D(1)), grade="良好"))
    scheme = sc.Scheme(code="bench", name="基准评分细则", version=1, groups=("county",), period="month", total=total,
                    sections=(sc.Section("S", "全部", tuple(built)),), grades=grades, adjustments=adjustments)
    return scheme, facts


def build_inputs(scheme: sc.Scheme, reads: list[tuple[str, str]], subjects: int, periods: int) -> dict[str, pl.DataFrame]:
    """Subjects, facts (long form, with a source on every row) and manual points, all built in polars."""
    subject_frame = pl.DataFrame({"subject": [f"s{n}" for n in range(subjects)], "group": "county",
                                  "name": [f"县{n}" for n in range(subjects)]})
    labels = [f"2025-{m:02d}" for m in range(1, periods + 1)]
    grid = subject_frame.select("subject").join(pl.DataFrame({"period": labels}), how="cross")
    frames = []
    for number, (key, kind) in enumerate(reads):
        parts = [f"断面{j}" for j in range(PARTS)] if kind == "parts" else [None]
        keyed = grid.join(pl.DataFrame({"part": parts}, schema={"part": pl.String}), how="cross").with_columns(
            key=pl.lit(key), h=pl.concat_str("subject", "period", pl.lit(key), pl.col("part").fill_null("")).hash(number))
        scaled = {"value": 20_000 + pl.col("h") % 100_000, "count": (pl.col("h") % 5) * 1000,
                  "parts": (pl.col("h") % 3) * 1000, "text": pl.lit(0)}[kind]
        if key.endswith(".met"):
            scaled = (pl.col("h") % 2) * 1000
        if key in ("fake", "big"):
            scaled = (pl.col("h") % 500 == 0).cast(pl.Int64) * 1000
        frames.append(keyed.select(
            "subject", "period", "key", "part",
            value=pl.when(pl.col("h") % 20 != 0).then(scaled.cast(pl.Int128).reinterpret(dtype=pl.Decimal(38, 3))),
            text=pl.when(pl.lit(kind == "text")).then(
                pl.col("h").mod(4).replace_strict(dict(enumerate(CATEGORIES)), return_dtype=pl.String)),
            na=pl.col("h") % 100 == 1,
            source_kind=pl.lit("value_revision"), source_id=(pl.col("h") % 10**9).cast(pl.Int64)))
    facts = pl.concat(frames)
    manual_items = [i.code for i in scheme.items if isinstance(i.rule, sc.Manual)]
    manual = (grid.join(pl.DataFrame({"item": manual_items}), how="cross")
              .with_columns(points=(pl.concat_str("subject", "period", "item").hash(7) % 201).cast(pl.Int128)
                            .reinterpret(dtype=pl.Decimal(38, 2)), reason=pl.lit("市生态办现场检查")))
    return {"subjects": subject_frame, "facts": facts, "manual": manual}


def loader_shape(inputs: dict[str, pl.DataFrame], first_id: int = 1) -> dict[str, pl.DataFrame]:
    """The frames as the DB loader delivers them (``apps.scoring.facts.office_frames`` and the subjects of
    ``load_inputs``): subjects named ``department:<id>``, fact values ``Decimal(38, 6)`` and manual points
    ``Decimal(38, 6)`` (the column's scale, whatever the values' decimals), every fact's source ``office_fact``
    with its row id, every manual entry's ``manual_score``, the loader's column order, and the facts in the order
    the database returns them (its unique index: unit, period, key, part) rather than key by key."""
    ids = inputs["subjects"].select(
        "subject", unit=pl.concat_str(pl.lit("department:"), (pl.int_range(pl.len()) + first_id).cast(pl.String)))
    subjects = inputs["subjects"].join(ids, on="subject", maintain_order="left").select(
        subject="unit", group="group", name="name")
    facts = inputs["facts"].join(ids, on="subject", maintain_order="left").sort(  # the unique index's order
        pl.col("unit").str.slice(11).cast(pl.Int64), "period", "key", "part", nulls_last=False).select(
        subject="unit", period="period", key="key", value=pl.col("value").cast(pl.Decimal(38, 6)), part="part",
        text="text", na="na", source_kind=pl.lit("office_fact"), source_id=pl.int_range(pl.len(), dtype=pl.Int64) + 1)
    manual = inputs["manual"].join(ids, on="subject", maintain_order="left").select(
        subject="unit", period="period", item="item", points=pl.col("points").cast(pl.Decimal(38, 6)),
        reason="reason", source_kind=pl.lit("manual_score"), source_id=pl.int_range(pl.len(), dtype=pl.Int64) + 1)
    return {"subjects": subjects, "facts": facts, "manual": manual}


def cpu_times() -> tuple[float, float]:
    """User and system CPU seconds of this process so far (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def main(argv: list[str] | None = None) -> dict[str, float | int]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=3000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--loader-shape", action="store_true",
                        help="score the frames in the shape the DB loader delivers (department:<id>, Decimal(38, 6))")
    args = parser.parse_args(argv)

    scheme, reads = build_scheme(args.items)
    start, cpu = time.perf_counter(), time.process_time()
    inputs = build_inputs(scheme, reads, args.subjects, args.periods)
    baseline, baseline_cpu = time.perf_counter() - start, time.process_time() - cpu
    periods = sorted(inputs["facts"].get_column("period").unique().to_list())
    if args.loader_shape:  # untimed: the loader's own cost is bench_scoring.py's load_seconds
        inputs = loader_shape(inputs)
    runs = []
    for _ in range(max(1, args.repeat)):
        start, (user, system) = time.perf_counter(), cpu_times()
        result = engine.score(scheme, inputs["subjects"], inputs["facts"], periods=periods,
                              manual=inputs["manual"])
        (user_end, system_end), wall = cpu_times(), time.perf_counter() - start
        runs.append((wall, user_end - user + system_end - system, user_end - user, system_end - system))
    seconds, cpu_seconds, user_seconds, system_seconds = min(runs)
    trace_rows = result.trace.height
    assert result.totals.height == args.subjects * args.periods
    start, (user, system) = time.perf_counter(), cpu_times()
    input_rows = result.inputs.height
    inputs_seconds, inputs_cpu = time.perf_counter() - start, sum(cpu_times()) - user - system
    print(f"facts: {inputs['facts'].height:,} rows; trace: {trace_rows:,} rows; inputs: {input_rows:,} rows")
    print(f"baseline (build the input frames): {baseline:.2f} s; engine: {', '.join(f'{r[0]:.2f}' for r in runs)} s; "
          f"Scoring.inputs when asked: {inputs_seconds:.2f} s")
    print(f"CPU time (all threads; on a loaded machine closer to the work done): baseline {baseline_cpu:.2f} s, "
          f"engine {', '.join(f'{r[1]:.2f} (user {r[2]:.2f}, system {r[3]:.2f})' for r in runs)} s, "
          f"inputs {inputs_cpu:.2f} s")
    figures: dict[str, float | int] = {
        "seconds": round(seconds, 3), "baseline_seconds": round(baseline, 3), "cpu_seconds": round(cpu_seconds, 3),
        "user_seconds": round(user_seconds, 3), "system_seconds": round(system_seconds, 3),
        "baseline_cpu_seconds": round(baseline_cpu, 3), "ratio_to_baseline": round(seconds / baseline, 2),
        "inputs_seconds": round(inputs_seconds, 3), "inputs_cpu_seconds": round(inputs_cpu, 3),
        "load_average": round(os.getloadavg()[0], 2), "loader_shape": args.loader_shape,
        "subjects": args.subjects, "items": len(scheme.items), "periods": args.periods,
        "facts": inputs["facts"].height, "trace_rows": trace_rows, "input_rows": input_rows}
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
