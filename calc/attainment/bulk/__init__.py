"""Bulk engine: attainment and reachability of every region × indicator × year with polars.

The scalar functions (:func:`~calc.attainment.evaluation.evaluate`,
:func:`~calc.attainment.reachability.reachability`) are the specification; this package computes the same
statuses, gaps, rates and projections for whole tables at once, with polars expressions, joins and
group-bys, and no Python loop over rows. Python loops only over the distinct target *shapes* (the tree of
a target with its thresholds taken out as parameters), of which a framework has a handful.

Exactness: every number is handled as a 128-bit integer scaled by ``10**K``, where ``K`` is the largest
number of decimal places among the values, assigned numbers and thresholds, plus the places of the
stability tolerance. Sums, differences and products of such integers are exact; each derived number is
one exact rational rounded by the same integer rule as :func:`calc.attainment.exact.round_ratio`. The
results are therefore equal, digit for digit, to the scalar functions'. Limits that keep every
intermediate product inside 128 bits: ``|number| × 10**K ≤ 10**21`` (:data:`MAX_SCALED`), at most 6
decimal places in the tolerance and the ratio thresholds, points at most :data:`MAX_SPAN` years before
``current_year`` and deadlines at most :data:`MAX_SPAN` years from it. A breach raises ``ValueError``;
nothing overflows silently.

Frames (column names are fixed; ``region_id`` and ``indicator_id`` may be of any type, the same in all):

``values``
    ``region_id, indicator_id, year`` (int), ``value`` (Decimal, integer or decimal text; not float).
    Approved values only; at most one row per key and year; null values are ignored.
``targets``
    ``region_id, indicator_id, target`` (a *resolved* expression, e.g. ``unparse(resolve(t, profile))``),
    ``direction`` (``higher``/``lower``), optional ``base_year`` (int), ``deadline_year`` (int) and
    ``applicable`` (bool, default true). One row per region and indicator.
``assigned`` (optional)
    ``region_id, indicator_id, year, value``: the yearly numbers of ``assigned`` targets.
``statuses`` (optional)
    ``region_id, indicator_id, year, status`` (``achieved``/``in_progress``/``not_started``).
"""

from calc.attainment.bulk.engine import (
    evaluate_frame,
    evaluate_prepared,
    prepare_frames,
    reachability_frame,
    reachability_prepared,
)
from calc.attainment.bulk.inputs import MAX_SCALED, MAX_SPAN, Prepared

__all__ = [
    "MAX_SCALED",
    "MAX_SPAN",
    "Prepared",
    "evaluate_frame",
    "evaluate_prepared",
    "prepare_frames",
    "reachability_frame",
    "reachability_prepared",
]
