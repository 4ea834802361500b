"""Attainment (达标判定), reachability (可达性分析) and the certification gate, without Django.

Scalar functions take one indicator of one region (:func:`evaluate`, :func:`reachability`); the bulk
engine (:func:`evaluate_frame`, :func:`reachability_frame`) computes the same results for whole polars
tables. The rules are stated in ``docs/attainment.md``.
"""

from calc.attainment.bulk import (
    MAX_SCALED,
    MAX_SPAN,
    evaluate_frame,
    evaluate_prepared,
    prepare_frames,
    reachability_frame,
    reachability_prepared,
)
from calc.attainment.evaluation import (
    DIRECTIONS,
    QUALITATIVE_STATUSES,
    STABLE_TOLERANCE,
    Evaluation,
    Observation,
    QualitativeStatus,
    compare,
    decisive_part,
    evaluate,
    not_applicable,
    trend_bound,
)
from calc.attainment.exact import PLACES, round_ratio
from calc.attainment.gate import (
    Blocker,
    CityGateResult,
    CountyBlock,
    CountyGoal,
    GateItem,
    GateResult,
    certification_gate,
    city_gate,
)
from calc.attainment.pace import pace_details, pace_summary
from calc.attainment.reachability import (
    ACCELERATE_RATIO,
    MIN_POINTS,
    ON_TRACK_RATIO,
    Reachability,
    least_squares_slope,
    reachability,
)
from calc.attainment.schedule import TargetStep, target_line
from calc.attainment.statuses import (
    EVALUATION_STATUSES,
    REACHABILITY_LABELS,
    REACHABILITY_STATUSES,
    STATUS_LABELS,
    EvaluationStatus,
    ReachabilityStatus,
    choices,
)
from calc.attainment.text import UNIT_LABELS, fmt_difference, fmt_number, fmt_quantity, unit_label

__all__ = [
    "ACCELERATE_RATIO",
    "DIRECTIONS",
    "EVALUATION_STATUSES",
    "MAX_SCALED",
    "MAX_SPAN",
    "MIN_POINTS",
    "ON_TRACK_RATIO",
    "PLACES",
    "QUALITATIVE_STATUSES",
    "REACHABILITY_LABELS",
    "REACHABILITY_STATUSES",
    "STABLE_TOLERANCE",
    "STATUS_LABELS",
    "UNIT_LABELS",
    "Blocker",
    "CityGateResult",
    "CountyBlock",
    "CountyGoal",
    "Evaluation",
    "EvaluationStatus",
    "GateItem",
    "GateResult",
    "Observation",
    "QualitativeStatus",
    "Reachability",
    "ReachabilityStatus",
    "TargetStep",
    "certification_gate",
    "choices",
    "city_gate",
    "compare",
    "decisive_part",
    "evaluate",
    "evaluate_frame",
    "evaluate_prepared",
    "fmt_difference",
    "fmt_number",
    "fmt_quantity",
    "least_squares_slope",
    "not_applicable",
    "pace_details",
    "pace_summary",
    "reachability",
    "prepare_frames",
    "reachability_frame",
    "reachability_prepared",
    "round_ratio",
    "target_line",
    "trend_bound",
    "unit_label",
]
