"""Attainment (达标判定) of one indicator in one year against a resolved target.

:func:`evaluate` takes a target from :mod:`calc.targets` with every region-dependent part already
resolved, the year, which way is better, and an :class:`Observation` (the approved values, statuses and
yearly assigned numbers of one region's indicator). It returns an :class:`Evaluation` that says whether
the target is attained, by how much it is missed or beaten, and why, in one Chinese sentence. The rules
are stated in ``docs/attainment.md``; the bulk engine (:mod:`calc.attainment.bulk`) reproduces them
exactly.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Literal

from calc.attainment.exact import round_ratio
from calc.attainment.rules import EXACT, STABLE_TOLERANCE, compare, trend_bound
from calc.attainment.statuses import EVALUATION_STATUSES, STATUS_LABELS, EvaluationStatus
from calc.attainment.text import fmt_difference, fmt_number, fmt_quantity, unit_label
from calc.targets import (
    OP_SYMBOL,
    AllOf,
    AnyOf,
    Assigned,
    ByRegion,
    Direction,
    Op,
    Qualitative,
    Target,
    Threshold,
    Trend,
    describe,
    walk,
)

__all__ = [
    "DIRECTIONS",
    "EVALUATION_STATUSES",
    "QUALITATIVE_STATUSES",
    "STABLE_TOLERANCE",
    "STATUS_LABELS",
    "Evaluation",
    "EvaluationStatus",
    "Observation",
    "QualitativeStatus",
    "compare",
    "decisive_part",
    "evaluate",
    "not_applicable",
    "trend_bound",
]

QualitativeStatus = Literal["achieved", "in_progress", "not_started"]

#: Approved statuses of a qualitative indicator, and how they are said.
QUALITATIVE_STATUSES: dict[str, str] = {
    "achieved": "已完成",
    "in_progress": "推进中",
    "not_started": "未开展",
}
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")

# Compound status = max (AllOf) or min (AnyOf) of the parts' ranks.
_RANK: dict[str, int] = {
    EvaluationStatus.ATTAINED: 0,
    EvaluationStatus.NO_DATA: 1,
    EvaluationStatus.NOT_ATTAINED: 2,
}
_BY_RANK: dict[int, EvaluationStatus] = {
    0: EvaluationStatus.ATTAINED,
    1: EvaluationStatus.NO_DATA,
    2: EvaluationStatus.NOT_ATTAINED,
}


@dataclass(frozen=True)
class Observation:
    """What is known of one region's indicator, year by year (approved data only).

    Parameters
    ----------
    values : Mapping[int, Decimal]
        Approved numeric values by year, in the indicator's unit.
    statuses : Mapping[int, str]
        Approved qualitative statuses by year: ``"achieved"``, ``"in_progress"`` or ``"not_started"``.
    assigned : Mapping[int, Decimal]
        The yearly numbers set from above (完成上级规定的考核任务), entered by the office.
    base_year : int, optional
        The base year that baseline-relative targets (``trend:…``) compare with.
    """

    values: Mapping[int, Decimal] = field(default_factory=dict)
    statuses: Mapping[int, str] = field(default_factory=dict)
    assigned: Mapping[int, Decimal] = field(default_factory=dict)
    base_year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _numbers(self.values, "values"))
        object.__setattr__(self, "assigned", _numbers(self.assigned, "assigned"))
        statuses = dict(self.statuses)
        for year, status in statuses.items():
            if status not in QUALITATIVE_STATUSES:
                allowed = ", ".join(QUALITATIVE_STATUSES)
                raise ValueError(f"statuses[{year}] = {status!r}: use one of {allowed}")
        object.__setattr__(self, "statuses", MappingProxyType(statuses))


def _numbers(raw: Mapping[int, Decimal], name: str) -> Mapping[int, Decimal]:
    checked: dict[int, Decimal] = {}
    for year, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise TypeError(f"{name}[{year}] = {value!r}: give a Decimal (floats carry binary artefacts)")
        number = Decimal(value)
        if not number.is_finite():
            raise ValueError(f"{name}[{year}] = {value!r} is not a finite number")
        checked[int(year)] = number
    return MappingProxyType(checked)


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """Whether one indicator attains its target in one year, and why.

    Attributes
    ----------
    status : {"attained", "not_attained", "no_data", "not_applicable"}
        达标 / 未达标 / 无数据 / 不适用; :attr:`label` gives the Chinese word.
    year : int
        The year evaluated.
    indicator_name : str
        The indicator, as named in the sentence.
    target_text : str
        The target as plans print it (:func:`calc.targets.describe`).
    form : str
        ``threshold``, ``trend``, ``assigned``, ``qualitative``, ``all_of``, ``any_of`` or ``not_applicable``.
    value : Decimal or None
        The approved value of the year, in ``unit``.
    unit : str
        The indicator's unit as given (``%``, ``μg/m3`` …).
    comparison : str or None
        How ``value`` was compared with ``bound``: ``>=``, ``>``, ``<=``, ``<`` or ``=``. For a compound
        target, that of the decisive part.
    bound : Decimal or None
        The number compared with: the threshold, the year's assigned number, or the base-year value
        (adjusted by the stability tolerance for ``stable_or_improving``).
    base_value : Decimal or None
        The base-year value, for baseline-relative targets.
    gap_abs : Decimal or None
        How far the value falls short of ``bound``, in ``unit``; positive means short of the target,
        zero or negative means attained with that margin. For ``=`` it is the distance ``|value − bound|``.
        None when there is no number to compare (qualitative targets, missing data).
    gap_rel : Decimal or None
        ``gap_abs / |bound|``, rounded to 6 decimals; None when ``gap_abs`` is None or ``bound`` is 0.
    reason : str
        The deciding clause alone (``低于目标值95%，差1.9个百分点``), for lists of blockers.
    explanation : str
        One Chinese sentence, e.g. ``2024年城镇污水处理率93.1%，低于目标值95%，差1.9个百分点``.
    parts : tuple of Evaluation
        For compound targets, the evaluation of each part in written order.
    decisive : int or None
        Index into ``parts`` of the part that decided the status and supplies the gap.
    """

    status: EvaluationStatus
    year: int
    indicator_name: str
    target_text: str
    form: str
    unit: str
    reason: str
    explanation: str
    value: Decimal | None = None
    comparison: Op | None = None
    bound: Decimal | None = None
    base_value: Decimal | None = None
    gap_abs: Decimal | None = None
    gap_rel: Decimal | None = None
    parts: tuple[Evaluation, ...] = ()
    decisive: int | None = None

    @property
    def label(self) -> str:
        """The status in Chinese: 达标 / 未达标 / 无数据 / 不适用."""
        return STATUS_LABELS[self.status]

    @property
    def attained(self) -> bool:
        """Whether the status is ``attained``."""
        return self.status == EvaluationStatus.ATTAINED

    def decisive_leaf(self) -> Evaluation:
        """Follow the decisive parts down to the simple target that decided the status."""
        node = self
        while node.decisive is not None:
            node = node.parts[node.decisive]
        return node


# --- evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    year: int
    direction: Direction
    unit: str
    name: str
    observation: Observation
    tolerance: Decimal

    @property
    def value(self) -> Decimal | None:
        return self.observation.values.get(self.year)


def evaluate(
    target: Target,
    *,
    year: int,
    direction: Direction,
    unit: str,
    indicator_name: str,
    observation: Observation,
    stable_tolerance: Decimal = STABLE_TOLERANCE,
) -> Evaluation:
    """Evaluate a resolved target for one year.

    Parameters
    ----------
    target : Target
        A target from :func:`calc.targets.parse_target`, resolved with :func:`calc.targets.resolve`.
    year : int
        The year to evaluate.
    direction : {"higher", "lower"}
        Which way is better for the indicator.
    unit : str
        The indicator's unit (``%``, ``μg/m3`` …), used in the sentence.
    indicator_name : str
        The indicator's name, used in the sentence.
    observation : Observation
        Approved values, statuses, assigned numbers and the base year.
    stable_tolerance : Decimal
        Relative tolerance of ``trend:stable_or_improving`` (see :data:`STABLE_TOLERANCE`).

    Returns
    -------
    Evaluation

    Raises
    ------
    ValueError
        If the target still contains a region-dependent part, or ``direction`` or the tolerance is invalid.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    if not isinstance(stable_tolerance, Decimal) or not stable_tolerance.is_finite() or stable_tolerance < 0:
        raise ValueError(f"stable_tolerance must be a non-negative Decimal, not {stable_tolerance!r}")
    if any(isinstance(node, ByRegion) for node in walk(target)):
        raise ValueError("the target still depends on the region: resolve() it for the region first")
    context = _Context(year, direction, unit, indicator_name, observation, stable_tolerance)
    return _evaluate(target, context)


def not_applicable(
    *,
    year: int,
    indicator_name: str,
    target: Target | None = None,
    direction: Direction = "higher",
    unit: str = "",
    reason: str | None = None,
) -> Evaluation:
    """An evaluation saying the indicator is not assessed for this region (不适用).

    Parameters
    ----------
    year : int
        The year.
    indicator_name : str
        The indicator's name.
    target : Target, optional
        The target, for ``target_text``.
    direction : {"higher", "lower"}
        Used to describe the target.
    unit : str
        The indicator's unit.
    reason : str, optional
        Why, e.g. ``非沿海地区``; defaults to ``本地区不考核该指标``.
    """
    why = reason or "本地区不考核该指标"
    return Evaluation(
        status=EvaluationStatus.NOT_APPLICABLE,
        year=year,
        indicator_name=indicator_name,
        target_text="" if target is None else describe(target, direction=direction, unit=unit_label(unit)),
        form="not_applicable",
        unit=unit,
        reason=why,
        explanation=f"{indicator_name}不适用：{why}",
    )


def _evaluate(target: Target, ctx: _Context) -> Evaluation:
    match target:
        case Threshold(op, value):
            return _threshold(target, op, value, ctx)
        case Trend(rule):
            return _trend(target, rule, ctx)
        case Assigned():
            return _assigned(target, ctx)
        case Qualitative(text):
            return _qualitative(target, text, ctx)
        case AllOf(parts):
            return _compound(target, "all_of", parts, ctx)
        case AnyOf(parts):
            return _compound(target, "any_of", parts, ctx)
    raise TypeError(f"not a resolved target: {target!r}")


def _status(attained: bool) -> EvaluationStatus:
    return EvaluationStatus.ATTAINED if attained else EvaluationStatus.NOT_ATTAINED


def _leaf(
    target: Target,
    ctx: _Context,
    *,
    form: str,
    status: EvaluationStatus,
    reason: str,
    comparison: Op | None = None,
    bound: Decimal | None = None,
    base_value: Decimal | None = None,
    gap: Decimal | None = None,
    sentence: str | None = None,
    parts: tuple[Evaluation, ...] = (),
    decisive: int | None = None,
) -> Evaluation:
    """One target's evaluation (a compound's with its ``parts`` and ``decisive`` part); its sentence leads
    with the year's value unless ``sentence`` is given."""
    value = ctx.value
    if sentence is None:
        sentence = f"{ctx.name}{reason}" if value is None else (
            f"{ctx.year}年{ctx.name}{fmt_quantity(value, ctx.unit)}，{reason}")
    return Evaluation(
        status=status,
        year=ctx.year,
        indicator_name=ctx.name,
        target_text=describe(target, direction=ctx.direction, unit=unit_label(ctx.unit)),
        form=form,
        value=value,
        unit=ctx.unit,
        comparison=comparison,
        bound=bound,
        base_value=base_value,
        gap_abs=gap,
        gap_rel=_relative(gap, bound),
        reason=reason,
        explanation=sentence,
        parts=parts,
        decisive=decisive,
    )


def _relative(gap: Decimal | None, bound: Decimal | None) -> Decimal | None:
    if gap is None or bound is None or bound == 0:
        return None
    numerator, denominator = gap.as_integer_ratio()
    bound_numerator, bound_denominator = abs(bound).as_integer_ratio()
    return round_ratio(numerator * bound_denominator, denominator * bound_numerator)


def _no_value(year: int) -> str:
    return f"无{year}年数据"


def _threshold(target: Target, op: Op, threshold: Decimal, ctx: _Context) -> Evaluation:
    value = ctx.value
    if value is None:
        return _leaf(
            target, ctx, form="threshold", status=EvaluationStatus.NO_DATA, reason=_no_value(ctx.year),
            comparison=op, bound=threshold,
        )  # fmt: skip
    attained, gap = compare(op, value, threshold)
    goal = fmt_quantity(threshold, ctx.unit)
    if attained:
        reason = f"达到目标值（{OP_SYMBOL[op]}{goal}）"
        if gap < 0:
            reason += f"，优于目标值{fmt_difference(-gap, ctx.unit)}"
    elif op == "=":
        reason = f"未达到目标值{goal}，差{fmt_difference(gap, ctx.unit)}"
    elif gap == 0:  # a strict comparison, exactly at the bound
        reason = f"未{'高' if op == '>' else '低'}于目标值{goal}"
    elif op in (">=", ">"):
        reason = f"低于目标值{goal}，差{fmt_difference(gap, ctx.unit)}"
    else:
        reason = f"高于目标值{goal}，超出{fmt_difference(gap, ctx.unit)}"
    return _leaf(target, ctx, form="threshold", status=_status(attained), reason=reason,
                 comparison=op, bound=threshold, gap=gap)


def _trend(target: Target, rule: str, ctx: _Context) -> Evaluation:
    rule_text = describe(target, direction=ctx.direction)
    base_year = ctx.observation.base_year
    base = None if base_year is None else ctx.observation.values.get(base_year)
    op: Op | None = None
    bound: Decimal | None = None
    if base is not None:
        op, bound = trend_bound(rule, base, direction=ctx.direction, stable_tolerance=ctx.tolerance)
    value = ctx.value
    if value is None or base is None:
        if value is None:
            reason = _no_value(ctx.year)
        elif base_year is None:
            reason = f"未设定基准年，无法判断“{rule_text}”"
        else:
            reason = f"基准年{base_year}年数据缺失，无法判断“{rule_text}”"
        return _leaf(
            target, ctx, form="trend", status=EvaluationStatus.NO_DATA, reason=reason,
            comparison=op, bound=bound, base_value=base,
        )  # fmt: skip
    assert op is not None and bound is not None
    attained, gap = compare(op, value, bound)
    with decimal.localcontext(EXACT):
        change = value - base
    base_text = f"基准年{base_year}年（{fmt_quantity(base, ctx.unit)}）"
    if change == 0:
        moved = f"与{base_text}持平"
    else:
        moved = f"较{base_text}{'上升' if change > 0 else '下降'}{fmt_difference(abs(change), ctx.unit)}"
    if attained:
        reason = f"{moved}，符合“{rule_text}”"
        worse = change < 0 if ctx.direction == "higher" else change > 0
        if rule == "stable_or_improving" and worse:
            reason += f"（在{fmt_number(ctx.tolerance * 100)}%的稳定容差内）"
    else:
        reason = f"{moved}，不符合“{rule_text}”"
        if gap > 0:
            reason += f"，差{fmt_difference(gap, ctx.unit)}"
    return _leaf(target, ctx, form="trend", status=_status(attained), reason=reason,
                 comparison=op, bound=bound, base_value=base, gap=gap)


def _assigned(target: Target, ctx: _Context) -> Evaluation:
    number = ctx.observation.assigned.get(ctx.year)
    op: Op = ">=" if ctx.direction == "higher" else "<="
    value = ctx.value
    if value is None or number is None:
        reason = _no_value(ctx.year) if value is None else f"未录入{ctx.year}年上级下达的考核任务"
        return _leaf(
            target,
            ctx,
            form="assigned",
            status=EvaluationStatus.NO_DATA,
            reason=reason,
            comparison=op,
            bound=number,
        )
    attained, gap = compare(op, value, number)
    task = f"{ctx.year}年上级下达的任务值（{OP_SYMBOL[op]}{fmt_quantity(number, ctx.unit)}）"
    if attained:
        reason = f"完成{task}"
        if gap < 0:
            reason += f"，优于任务值{fmt_difference(-gap, ctx.unit)}"
    else:
        reason = f"未完成{task}，差{fmt_difference(gap, ctx.unit)}"
    return _leaf(target, ctx, form="assigned", status=_status(attained), reason=reason,
                 comparison=op, bound=number, gap=gap)


def _qualitative(target: Target, text: str, ctx: _Context) -> Evaluation:
    state = ctx.observation.statuses.get(ctx.year)
    status: EvaluationStatus
    if state is None:
        status, reason = EvaluationStatus.NO_DATA, f"无{ctx.year}年经审核的进展情况"
        sentence = f"{ctx.name}{reason}"
    else:
        if state == "achieved":
            status, reason = EvaluationStatus.ATTAINED, f"经审核已达到“{text}”"
        elif state == "in_progress":
            status, reason = EvaluationStatus.NOT_ATTAINED, f"尚在推进中，未达到“{text}”"
        else:
            status, reason = EvaluationStatus.NOT_ATTAINED, f"尚未开展，未达到“{text}”"
        sentence = f"{ctx.year}年{ctx.name}{reason}"
    return _leaf(target, ctx, form="qualitative", status=status, reason=reason, sentence=sentence)


def _compound(target: Target, form: str, parts: tuple[Target, ...], ctx: _Context) -> Evaluation:
    evaluated = tuple(_evaluate(part, ctx) for part in parts)
    ranks = [_RANK[part.status] for part in evaluated]
    status = _BY_RANK[max(ranks) if form == "all_of" else min(ranks)]
    decisive = decisive_part(form, evaluated, status)
    chosen = evaluated[decisive]
    text = describe(target, direction=ctx.direction, unit=unit_label(ctx.unit))
    verdict = {
        EvaluationStatus.ATTAINED: f"达到“{text}”",
        EvaluationStatus.NOT_ATTAINED: f"未达到“{text}”",
        EvaluationStatus.NO_DATA: f"无法判断是否达到“{text}”",
    }[status]
    value = ctx.value
    head = f"{ctx.year}年{ctx.name}" + ("" if value is None else fmt_quantity(value, ctx.unit))
    # The decisive part's gap_rel is _relative(gap_abs, bound) of its own leaf, so _leaf computes the same one.
    return _leaf(target, ctx, form=form, status=status, reason=chosen.reason, comparison=chosen.comparison,
                 bound=chosen.bound, base_value=chosen.base_value, gap=chosen.gap_abs,
                 sentence=f"{head}，{verdict}：{chosen.reason}", parts=evaluated, decisive=decisive)


def decisive_part(form: str, parts: tuple[Evaluation, ...], status: EvaluationStatus) -> int:
    """Index of the part that decides a compound's status and gap.

    Among the parts whose status equals the compound's, those with a gap compete: for ``all_of`` the
    largest gap (the hardest condition), for ``any_of`` the smallest (the easiest way to attain); the
    first wins a tie. When no such part has a gap, the first of them decides.
    """
    candidates = [i for i, part in enumerate(parts) if part.status == status]
    with_gap = [i for i in candidates if parts[i].gap_abs is not None]
    if not with_gap:
        return candidates[0]
    pick = max if form == "all_of" else min
    return pick(with_gap, key=lambda i: parts[i].gap_abs)  # type: ignore[arg-type,return-value]
