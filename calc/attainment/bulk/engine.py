"""The bulk functions: :func:`evaluate_frame` and :func:`reachability_frame`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import polars as pl

from calc.attainment.bulk.expressions import evaluate_shape, round_ratio_expr, to_decimal
from calc.attainment.bulk.inputs import (
    ATT,
    I128,
    MAX_SPAN,
    NOT,
    OP_NAMES,
    OPS,
    STATUS_NAMES,
    YEAR_LIMIT,
    Prepared,
    places,
    prepare,
)
from calc.attainment.evaluation import STABLE_TOLERANCE
from calc.attainment.exact import PLACES
from calc.attainment.reachability import ACCELERATE_RATIO, MIN_POINTS, ON_TRACK_RATIO
from calc.attainment.statuses import ReachabilityStatus

__all__ = [
    "EVALUATION_COLUMNS",
    "REACHABILITY_COLUMNS",
    "Prepared",
    "evaluate_frame",
    "evaluate_prepared",
    "prepare_frames",
    "reachability_frame",
    "reachability_prepared",
]

#: Columns of :func:`evaluate_frame`'s result, after ``region_id`` and ``indicator_id``.
EVALUATION_COLUMNS = ("year", "status", "value", "comparison", "bound", "gap_abs", "gap_rel")
#: Columns of :func:`reachability_frame`'s result, after ``region_id`` and ``indicator_id``.
REACHABILITY_COLUMNS = (
    "status",
    "evaluation_status",
    "reference_year",
    "points",
    "latest_year",
    "latest_value",
    "comparison",
    "goal",
    "observed_rate",
    "required_rate",
    "ratio",
    "years_needed",
    "expected_year",
    "projection",
)
#: A polars column type, as an instance (``pl.Decimal(38, 2)``) or a class (``pl.Int64``).
DType = pl.DataType | type[pl.DataType]

_PROJECTION = pl.List(pl.Struct({"year": pl.Int64, "value": pl.Decimal(38, PLACES)}))
_RATE = pl.Decimal(38, PLACES)
_REACHABILITY_SCHEMA: dict[str, DType] = {
    "status": pl.String,
    "evaluation_status": pl.String,
    "reference_year": pl.Int64,
    "points": pl.Int64,
    "latest_year": pl.Int64,
    "latest_value": pl.Decimal(38, 0),
    "comparison": pl.String,
    "goal": pl.Decimal(38, 0),
    "observed_rate": _RATE,
    "required_rate": _RATE,
    "ratio": _RATE,
    "years_needed": pl.Int64,
    "expected_year": pl.Int64,
    "projection": _PROJECTION,
}


def _named(expr: pl.Expr, names: Mapping[int, str]) -> pl.Expr:
    return expr.replace_strict(names, default=None, return_dtype=pl.String)


def _dense(
    frame: pl.DataFrame | None, column: str, dtype: DType, size: int, start: int, width: int
) -> pl.Series:
    """``frame[column]`` laid out at ``_sid × width + (year − start)``; null where there is no row."""
    dense = pl.repeat(None, size * width, dtype=dtype, eager=True)
    if frame is not None:
        inside = frame.filter(pl.col("year").is_between(start, start + width - 1))
        if inside.height:
            positions = inside.get_column("_sid") * width + (inside.get_column("year") - start)
            dense.scatter(positions, inside.get_column(column))
    return dense


def _year_list(prepared: Prepared, years: Iterable[int] | None) -> list[int]:
    if years is None:
        found = set(prepared.values.get_column("year").unique().to_list())
        if prepared.statuses is not None:
            found |= set(prepared.statuses.get_column("year").unique().to_list())
        return sorted(found)
    chosen = sorted({int(y) for y in years})
    if any(y < 0 or y >= YEAR_LIMIT for y in chosen):
        raise ValueError(f"years must lie between 0 and {YEAR_LIMIT - 1}")
    return chosen


def evaluate_frame(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    years: Iterable[int] | None = None,
    assigned: pl.DataFrame | None = None,
    statuses: pl.DataFrame | None = None,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
) -> pl.DataFrame:
    """Evaluate every target of ``targets`` in every year of ``years``.

    Parameters
    ----------
    values, targets, assigned, statuses : polars.DataFrame
        See :mod:`calc.attainment.bulk` for the columns.
    years : iterable of int, optional
        The years to evaluate; by default every year present in ``values`` or ``statuses``.
    stable_tolerance : Decimal
        As in :func:`calc.attainment.evaluation.evaluate`.

    Returns
    -------
    polars.DataFrame
        One row per target row and year, in target-row order then year: ``region_id``,
        ``indicator_id``, ``year``, ``status`` (``attained``/``not_attained``/``no_data``/
        ``not_applicable``), ``value``, ``comparison``, ``bound``, ``gap_abs`` (Decimal of scale K) and
        ``gap_rel`` (Decimal of scale 6). Each equals the same field of
        :func:`~calc.attainment.evaluation.evaluate`'s result (:func:`not_applicable`'s when the row is
        not applicable).
    """
    return evaluate_prepared(prepare(values, targets, assigned, statuses, stable_tolerance), years=years)


def prepare_frames(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    assigned: pl.DataFrame | None = None,
    statuses: pl.DataFrame | None = None,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
) -> Prepared:
    """Check and key the input frames once, for :func:`evaluate_prepared` and :func:`reachability_prepared`.

    Evaluating every year and the reachability of the same program from one preparation saves the second
    parse, join and scaling of every value (about a sixth of the work at 3,000 regions × 40 × 10 years).
    """
    return prepare(values, targets, assigned, statuses, stable_tolerance)


def evaluate_prepared(prepared: Prepared, *, years: Iterable[int] | None = None) -> pl.DataFrame:
    """:func:`evaluate_frame` on frames already prepared by :func:`prepare_frames`."""
    year_list = _year_list(prepared, years)
    table = prepared.targets
    size, count = table.height, len(year_list)
    scale = prepared.scale
    decimal_k = pl.Decimal(38, scale)
    empty: dict[str, DType] = {
        "year": pl.Int64,
        "status": pl.String,
        "value": decimal_k,
        "comparison": pl.String,
    }
    empty |= {"bound": decimal_k, "gap_abs": decimal_k, "gap_rel": pl.Decimal(38, PLACES)}
    if size == 0 or count == 0:
        return prepared.keys.clear().hstack(pl.DataFrame(schema=empty))

    # A dense panel series × year covering the evaluated years and the base years: lookups are gathers.
    base_years = table.get_column("base_year").drop_nulls().unique().to_list()
    start = min(year_list + base_years)
    width = max(year_list + base_years) - start + 1
    if width > 2 * MAX_SPAN + 1:
        raise ValueError(f"the years evaluated and the base years span more than {2 * MAX_SPAN} years")
    dense_v = _dense(prepared.values, "_v", I128, size, start, width)
    dense_a = _dense(prepared.assigned, "_a", I128, size, start, width)
    dense_st = _dense(prepared.statuses, "_st", pl.Int8, size, start, width)
    base = dense_v.gather(table.get_column("_sid") * width + (table.get_column("base_year") - start))

    # Rows grouped by shape (stable), so that each shape is one contiguous slice.
    order = table.select(pl.arg_sort_by("_shape", "_sid")).to_series()
    by_shape = table.with_columns(_b=base).drop("base_year", "deadline_year", "_qual_only")[order]
    index = pl.int_range(0, size * count, dtype=pl.Int64, eager=True)
    target_index = index // count
    year_series = pl.Series("year", year_list, dtype=pl.Int64).gather(index % count)
    rows = by_shape[target_index].with_columns(year=year_series)
    positions = rows.get_column("_sid") * width + (year_series - start)
    rows = rows.with_columns(
        _v=dense_v.gather(positions), _a=dense_a.gather(positions), _st=dense_st.gather(positions)
    )

    sizes = table.get_column("_shape").value_counts().sort("_shape")
    parts, offset = [], 0
    for shape_id, shape_size in sizes.iter_rows():
        part = rows.lazy().slice(offset * count, shape_size * count)
        parts.append(evaluate_shape(part, prepared.shapes[shape_id], prepared))
        offset += shape_size
    evaluated = (
        pl.concat(parts, how="diagonal_relaxed").select("_status", "_v", "_op", "_bound", "_gap").collect()
    )
    # Back to target-row order (target t sits at rank[t] in the shape order), then to named columns.
    rank = order.arg_sort()
    back = rank.gather(target_index) * count + index % count
    bound = pl.col("_bound")
    named = evaluated[back].select(
        status=_named(pl.col("_status"), STATUS_NAMES),
        value=to_decimal(pl.col("_v"), scale),
        comparison=_named(pl.col("_op"), OP_NAMES),
        bound=to_decimal(bound, scale),
        gap_abs=to_decimal(pl.col("_gap"), scale),
        gap_rel=pl.when(pl.col("_gap").is_not_null() & (bound != 0)).then(
            to_decimal(round_ratio_expr(pl.col("_gap"), bound.abs()), PLACES)
        ),
    )
    keyed = prepared.keys[target_index].with_columns(year=pl.Series("year", year_list).gather(index % count))
    return keyed.hstack(named)


def _ratio_parts(value: Decimal, name: str) -> tuple[int, int]:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > 100:
        raise ValueError(f"{name} must be a Decimal between 0 and 100")
    if places(value) > PLACES:
        raise ValueError(f"{name}: at most {PLACES} decimal places")
    return value.as_integer_ratio()


def reachability_frame(
    values: pl.DataFrame,
    targets: pl.DataFrame,
    *,
    current_year: int,
    assigned: pl.DataFrame | None = None,
    statuses: pl.DataFrame | None = None,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
    on_track_ratio: Decimal = ON_TRACK_RATIO,
    accelerate_ratio: Decimal = ACCELERATE_RATIO,
    with_projection: bool = True,
) -> pl.DataFrame:
    """Reachability of every applicable target, as :func:`calc.attainment.reachability.reachability`.

    Parameters
    ----------
    values, targets, assigned, statuses : polars.DataFrame
        See :mod:`calc.attainment.bulk`; ``targets.deadline_year`` is the year each target must be met.
    current_year : int
        Values and statuses after this year are ignored.
    stable_tolerance, on_track_ratio, accelerate_ratio : Decimal
        As in the scalar function.
    with_projection : bool
        Whether to build the ``projection`` column.

    Returns
    -------
    polars.DataFrame
        One row per applicable target, in target-row order: ``region_id``, ``indicator_id`` and
        :data:`REACHABILITY_COLUMNS`. ``projection`` is a list of ``{year, value}`` structs in ascending
        years. Each column equals the same field of the scalar result (``evaluation_status`` is
        ``evaluation.status``).
    """
    return reachability_prepared(
        prepare(values, targets, assigned, statuses, stable_tolerance),
        current_year=current_year,
        on_track_ratio=on_track_ratio,
        accelerate_ratio=accelerate_ratio,
        with_projection=with_projection,
    )


def reachability_prepared(
    prepared: Prepared,
    *,
    current_year: int,
    on_track_ratio: Decimal = ON_TRACK_RATIO,
    accelerate_ratio: Decimal = ACCELERATE_RATIO,
    with_projection: bool = True,
) -> pl.DataFrame:
    """:func:`reachability_frame` on frames already prepared by :func:`prepare_frames`."""
    on_num, on_den = _ratio_parts(on_track_ratio, "on_track_ratio")
    acc_num, acc_den = _ratio_parts(accelerate_ratio, "accelerate_ratio")
    if accelerate_ratio > on_track_ratio:
        raise ValueError("need 0 ≤ accelerate_ratio ≤ on_track_ratio")
    scale = prepared.scale
    unit = pl.lit(10**scale, dtype=I128)

    points = prepared.values.filter(pl.col("year") <= current_year)
    oldest = points.get_column("year").min()
    if oldest is not None and current_year - oldest > MAX_SPAN:  # type: ignore[operator]
        raise ValueError(f"values more than {MAX_SPAN} years before current_year are not supported")
    deadlines = prepared.targets.get_column("deadline_year").drop_nulls()
    if deadlines.len() and (deadlines - current_year).abs().max() > MAX_SPAN:  # type: ignore[operator]
        raise ValueError(f"deadlines more than {MAX_SPAN} years from current_year are not supported")

    x = (pl.col("year") - current_year).cast(I128)
    stats = (
        points.lazy()
        .group_by("_sid")
        .agg(
            _n=pl.len().cast(pl.Int64),
            _tn=pl.col("year").max(),
            _xn=pl.col("_v").sort_by("year").last(),
            _sx=x.sum(),
            _sy=pl.col("_v").sum(),
            _sxy=(x * pl.col("_v")).sum(),
            _sxx=(x * x).sum(),
        )
    )

    def keyed(frame: pl.DataFrame, column: str, alias: str) -> pl.LazyFrame:
        return frame.lazy().select(
            (pl.col("_sid") * YEAR_LIMIT + pl.col("year")).alias(f"{alias}_key"), pl.col(column).alias(alias)
        )

    rows = (
        prepared.targets.lazy()
        .filter(pl.col("_applicable"))
        .join(stats, on="_sid", how="left")
        .with_columns(_base_key=pl.col("_sid") * YEAR_LIMIT + pl.col("base_year"))
        .join(keyed(prepared.values, "_v", "_b"), left_on="_base_key", right_on="_b_key", how="left")
    )
    if prepared.statuses is not None:
        latest_status = (
            prepared.statuses.lazy()
            .filter(pl.col("year") <= current_year)
            .group_by("_sid")
            .agg(_ts=pl.col("year").max())
        )
        rows = rows.join(latest_status, on="_sid", how="left")
    else:
        rows = rows.with_columns(_ts=pl.lit(None, dtype=pl.Int64))
    rows = rows.with_columns(
        _ref=pl.when(pl.col("_qual_only")).then(pl.col("_ts")).otherwise(pl.col("_tn")),
        _n=pl.col("_n").fill_null(0),
        # The value of the reference year is the latest value (a purely qualitative target ignores it).
        _v=pl.col("_xn"),
    ).with_columns(_ref_key=pl.col("_sid") * YEAR_LIMIT + pl.col("_ref"))
    if prepared.assigned is not None:
        rows = rows.join(
            keyed(prepared.assigned, "_a", "_a"), left_on="_ref_key", right_on="_a_key", how="left"
        )
    else:
        rows = rows.with_columns(_a=pl.lit(None, dtype=I128))
    if prepared.statuses is not None:
        rows = rows.join(
            keyed(prepared.statuses, "_st", "_st"), left_on="_ref_key", right_on="_st_key", how="left"
        )
    else:
        rows = rows.with_columns(_st=pl.lit(None, dtype=pl.Int8))
    if not prepared.shapes:
        return prepared.keys.clear().hstack(pl.DataFrame(schema=_REACHABILITY_SCHEMA))
    evaluated = pl.concat(
        [
            evaluate_shape(rows.filter(pl.col("_shape") == shape_id), shape, prepared)
            for shape_id, shape in enumerate(prepared.shapes)
        ],
        how="diagonal_relaxed",
    ).collect()

    n = pl.col("_n").cast(I128)
    evaluated = evaluated.with_columns(
        _N=n * pl.col("_sxy") - pl.col("_sx") * pl.col("_sy"),
        _D=n * pl.col("_sxx") - pl.col("_sx") * pl.col("_sx"),
    )
    status, gap, bound, op = pl.col("_status"), pl.col("_gap"), pl.col("_bound"), pl.col("_op")
    deadline, latest, ref = pl.col("deadline_year"), pl.col("_tn"), pl.col("_ref")
    enough = pl.col("_n") >= MIN_POINTS
    has_goal = ref.is_not_null() & (status == NOT) & bound.is_not_null() & gap.is_not_null()
    upward = op.is_in([OPS[">="], OPS[">"]]) | ((op == OPS["="]) & (bound > pl.col("_xn")))
    sign = pl.when(upward).then(pl.lit(1, dtype=I128)).otherwise(pl.lit(-1, dtype=I128))
    progress = sign * pl.col("_N")  # progress towards the goal per year = progress / _D
    horizon = (deadline - latest).cast(I128)
    analysed = has_goal & enough & deadline.is_not_null()
    timed = analysed & (deadline > latest)

    def at_least(num: int, den: int) -> pl.Expr:
        # R ≥ num/den  ⇔  progress × horizon × den ≥ num × _D × gap   (_D, gap, horizon > 0 here)
        return progress * horizon * den >= num * pl.col("_D") * gap

    attained = ref.is_not_null() & (status == ATT)
    reach = (
        pl.when(attained)
        .then(pl.lit(ReachabilityStatus.ATTAINED))
        .when(~analysed)
        .then(pl.lit(ReachabilityStatus.INSUFFICIENT_DATA))
        .when(deadline <= latest)
        .then(pl.lit(ReachabilityStatus.OFF_TRACK))
        .when(gap == 0)
        .then(
            pl.when(progress > 0)
            .then(pl.lit(ReachabilityStatus.ON_TRACK))
            .otherwise(pl.lit(ReachabilityStatus.OFF_TRACK))
        )
        .when(at_least(on_num, on_den))
        .then(pl.lit(ReachabilityStatus.ON_TRACK))
        .when(at_least(acc_num, acc_den))
        .then(pl.lit(ReachabilityStatus.ACCELERATE))
        .otherwise(pl.lit(ReachabilityStatus.OFF_TRACK))
    )
    # max(1, ceil(gap × _D / progress)) when progress > 0
    ceiling = (gap * pl.col("_D") + progress - 1) // progress
    years_needed = (
        pl.when(attained)
        .then(pl.lit(0, dtype=pl.Int64))
        .when(analysed & (progress > 0))
        .then(pl.max_horizontal(ceiling, pl.lit(1, dtype=I128)).cast(pl.Int64))
    )
    shows_goal = attained | has_goal
    result = evaluated.lazy().select(
        "_sid",
        status=reach,
        evaluation_status=pl.when(ref.is_not_null()).then(_named(status, STATUS_NAMES)),
        reference_year=ref,
        points=pl.col("_n"),
        latest_year=latest,
        latest_value=to_decimal(pl.col("_xn"), scale),
        comparison=pl.when(shows_goal).then(_named(op, OP_NAMES)),
        goal=pl.when(shows_goal).then(to_decimal(bound, scale)),
        observed_rate=pl.when(enough).then(
            to_decimal(round_ratio_expr(pl.col("_N"), pl.col("_D") * unit), PLACES)
        ),
        required_rate=pl.when(timed).then(to_decimal(round_ratio_expr(sign * gap, horizon * unit), PLACES)),
        ratio=pl.when(timed & (gap != 0)).then(
            to_decimal(round_ratio_expr(progress * horizon, pl.col("_D") * gap), PLACES)
        ),
        years_needed=years_needed,
        expected_year=pl.when(attained).then(ref).otherwise(latest + years_needed),
    )
    if with_projection:
        result = result.join(_projection(evaluated, scale).lazy(), on="_sid", how="left").with_columns(
            pl.col("projection").fill_null(pl.lit([], dtype=_PROJECTION))
        )
    else:
        result = result.with_columns(projection=pl.lit(None, dtype=_PROJECTION))
    out = result.sort("_sid").collect()
    keys = prepared.keys[out.get_column("_sid")]
    return keys.hstack(out.drop("_sid"))


def _projection(evaluated: pl.DataFrame, scale: int) -> pl.DataFrame:
    """``_sid, projection``: ``latest + slope × k`` for k = 1 … deadline − latest as ``{year, value}``."""
    latest, deadline = pl.col("_tn"), pl.col("deadline_year")
    horizon = deadline - latest
    eligible = evaluated.lazy().filter((pl.col("_n") >= MIN_POINTS) & deadline.is_not_null() & (horizon > 0))
    longest = eligible.select(horizon.max()).collect().item() or 0
    unit = pl.lit(10**scale, dtype=I128)
    steps = [
        eligible.filter(horizon >= k).select(
            "_sid",
            year=latest + k,
            value=to_decimal(
                round_ratio_expr(
                    pl.col("_xn") * pl.col("_D") + pl.col("_N") * pl.lit(k, dtype=I128), pl.col("_D") * unit
                ),
                PLACES,
            ),
        )
        for k in range(1, longest + 1)
    ]
    if not steps:
        return pl.DataFrame(schema={"_sid": pl.Int64, "projection": _PROJECTION})
    return (
        pl.concat(steps).group_by("_sid").agg(projection=pl.struct("year", "value").sort_by("year")).collect()
    )
