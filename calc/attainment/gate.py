"""Certification gate (申报条件): does a region meet every binding indicator?

A region may apply for the title only when every binding (约束性) indicator that applies to it is
attained. :func:`certification_gate` checks that and lists what blocks it; reference (参考性) indicators
do not block but their attained share is reported. :func:`city_gate` puts a city's own gate next to the
gates of its counties that aim for a title, and lists the counties whose goal is due but blocked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from calc.attainment.evaluation import Evaluation
from calc.attainment.exact import round_ratio
from calc.attainment.statuses import EVALUATION_STATUSES, STATUS_LABELS, EvaluationStatus
from calc.attainment.text import fmt_number

__all__ = [
    "Blocker",
    "CityGateResult",
    "CountyBlock",
    "CountyGoal",
    "GateItem",
    "GateResult",
    "certification_gate",
    "city_gate",
]


@dataclass(frozen=True)
class GateItem:
    """One indicator of a region's assessment: its code, name, whether binding, and its evaluation."""

    code: str
    name: str
    binding: bool
    evaluation: Evaluation


@dataclass(frozen=True)
class Blocker:
    """A binding indicator that is not attained or has no data, with the evaluation's sentence."""

    code: str
    name: str
    status: EvaluationStatus
    reason: str

    @property
    def label(self) -> str:
        """The blocking status in Chinese (未达标 / 无数据)."""
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class GateResult:
    """The outcome of the certification gate for one region.

    Attributes
    ----------
    passed : bool
        Every applicable binding indicator is attained, and there is at least one.
    blockers : tuple of Blocker
        Binding indicators not attained or without data, in the order given.
    binding_applicable, binding_attained : int
        Binding indicators that apply (status other than 不适用), and those attained.
    reference_applicable, reference_attained : int
        The same for reference indicators.
    reference_share : Decimal or None
        ``reference_attained / reference_applicable`` rounded to 6 decimals; None without any.
    counts : Mapping[str, int]
        Items by status, every status present (zero when none).
    explanation : str
        One Chinese sentence.
    """

    passed: bool
    blockers: tuple[Blocker, ...]
    binding_applicable: int
    binding_attained: int
    reference_applicable: int
    reference_attained: int
    reference_share: Decimal | None
    counts: Mapping[str, int]
    explanation: str

    @property
    def label(self) -> str:
        """The outcome in Chinese."""
        return "约束性指标全部达标" if self.passed else "约束性指标未全部达标"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled with ``counts`` as a plain dict (a mapping proxy cannot be pickled), read-only again on load."""
        return (
            _gate_result,
            (
                self.passed,
                self.blockers,
                self.binding_applicable,
                self.binding_attained,
                self.reference_applicable,
                self.reference_attained,
                self.reference_share,
                dict(self.counts),
                self.explanation,
            ),
        )


def _gate_result(
    passed: bool,
    blockers: tuple[Blocker, ...],
    binding_applicable: int,
    binding_attained: int,
    reference_applicable: int,
    reference_attained: int,
    reference_share: Decimal | None,
    counts: dict[str, int],
    explanation: str,
) -> GateResult:
    return GateResult(
        passed,
        blockers,
        binding_applicable,
        binding_attained,
        reference_applicable,
        reference_attained,
        reference_share,
        MappingProxyType(counts),
        explanation,
    )


def certification_gate(items: Iterable[GateItem | tuple[str, str, bool, Evaluation]]) -> GateResult:
    """Check that every applicable binding indicator is attained.

    Parameters
    ----------
    items : iterable of GateItem or (code, name, binding, Evaluation)
        The region's indicators for the assessment year.

    Returns
    -------
    GateResult

    Raises
    ------
    ValueError
        If an indicator code appears twice.

    Notes
    -----
    A binding item blocks when its status is 未达标 or 无数据 (missing data cannot be certified);
    不适用 items are left out of every share. With no applicable binding item the gate does not pass:
    nothing has been shown.
    """
    checked = [item if isinstance(item, GateItem) else GateItem(*item) for item in items]
    seen: set[str] = set()
    for item in checked:
        if item.code in seen:
            raise ValueError(f"indicator {item.code!r} appears twice")
        seen.add(item.code)
    counts: dict[str, int] = dict.fromkeys(EVALUATION_STATUSES, 0)
    for item in checked:
        counts[item.evaluation.status] += 1
    binding = [i for i in checked if i.binding and i.evaluation.status != EvaluationStatus.NOT_APPLICABLE]
    reference = [
        i for i in checked if not i.binding and i.evaluation.status != EvaluationStatus.NOT_APPLICABLE
    ]
    blockers = tuple(
        Blocker(i.code, i.name, i.evaluation.status, i.evaluation.explanation)
        for i in binding
        if i.evaluation.status != EvaluationStatus.ATTAINED
    )
    binding_attained = sum(1 for i in binding if i.evaluation.attained)
    reference_attained = sum(1 for i in reference if i.evaluation.attained)
    share = round_ratio(reference_attained, len(reference)) if reference else None
    passed = bool(binding) and not blockers

    if not binding:
        head = "没有适用的约束性指标，不能判定达到申报条件"
    elif passed:
        head = f"{len(binding)}项约束性指标全部达标"
    else:
        missing = sum(1 for b in blockers if b.status == EvaluationStatus.NO_DATA)
        failing = len(blockers) - missing
        pieces = []
        if failing:
            pieces.append(f"{failing}项未达标")
        if missing:
            pieces.append(f"{missing}项无数据")
        names = "、".join(b.name for b in blockers)
        head = f"{len(binding)}项约束性指标中{'、'.join(pieces)}（{names}）"
    if share is None:
        tail = "无适用的参考性指标"
    else:
        percent = fmt_number(share * 100, places=1)
        tail = f"参考性指标达标{reference_attained}项，占{percent}%（{reference_attained}/{len(reference)}）"
    return GateResult(
        passed=passed,
        blockers=blockers,
        binding_applicable=len(binding),
        binding_attained=binding_attained,
        reference_applicable=len(reference),
        reference_attained=reference_attained,
        reference_share=share,
        counts=MappingProxyType(counts),
        explanation=f"{head}；{tail}",
    )


@dataclass(frozen=True)
class CountyGoal:
    """A county's own goal: which title (国家/省级生态文明建设示范区), by which year, and its gate."""

    title: str
    year: int
    gate: GateResult


@dataclass(frozen=True)
class CountyBlock:
    """A county whose goal is due but whose gate does not pass."""

    region: str
    title: str
    year: int
    blockers: tuple[Blocker, ...]
    explanation: str


@dataclass(frozen=True)
class CityGateResult:
    """A city's gate together with its counties' goals.

    Attributes
    ----------
    city : GateResult
        The city's own gate.
    passed : bool
        The city's own gate passes.
    counties_blocked : tuple of CountyBlock
        Counties whose goal year has come (``≤ year``) and whose gate does not pass.
    counties_passed : tuple of str
        Counties whose gate passes.
    counties_pending : tuple of str
        Counties whose gate does not pass yet but whose goal year is still ahead.
    all_clear : bool
        The city passes and no county is blocked.
    explanation : str
        One Chinese sentence.
    """

    city: GateResult
    passed: bool
    counties_blocked: tuple[CountyBlock, ...]
    counties_passed: tuple[str, ...]
    counties_pending: tuple[str, ...]
    all_clear: bool
    explanation: str


def city_gate(
    city_result: GateResult,
    county_results: Mapping[str, CountyGoal | tuple[str, int, GateResult]],
    *,
    year: int | None = None,
) -> CityGateResult:
    """List the counties that block their own goals, next to the city's gate.

    Parameters
    ----------
    city_result : GateResult
        The city's own gate.
    county_results : Mapping[str, CountyGoal or (title, goal year, GateResult)]
        By county name, the county's goal and gate.
    year : int, optional
        The assessment year: a failing county whose goal year is later is *pending*, not blocked.
        Without it every failing county is blocked.

    Returns
    -------
    CityGateResult
    """
    blocked: list[CountyBlock] = []
    passed: list[str] = []
    pending: list[str] = []
    for region, raw in county_results.items():
        goal = raw if isinstance(raw, CountyGoal) else CountyGoal(*raw)
        if goal.gate.passed:
            passed.append(region)
        elif year is not None and goal.year > year:
            pending.append(region)
        else:
            reasons = "、".join(b.name for b in goal.gate.blockers) or "没有适用的约束性指标"
            blocked.append(
                CountyBlock(
                    region=region,
                    title=goal.title,
                    year=goal.year,
                    blockers=goal.gate.blockers,
                    explanation=f"{region}计划{goal.year}年创建{goal.title}，"
                    f"{len(goal.gate.blockers)}项约束性指标未达标或无数据（{reasons}）",
                )
            )
    city_text = "市级约束性指标全部达标" if city_result.passed else "市级约束性指标未全部达标"
    if blocked:
        county_text = f"{len(blocked)}个县区未达到各自创建目标的约束性要求：" + "；".join(
            b.explanation for b in blocked
        )
    elif county_results:
        county_text = "各县区均未阻碍各自的创建目标"
    else:
        county_text = "无县区创建目标"
    return CityGateResult(
        city=city_result,
        passed=city_result.passed,
        counties_blocked=tuple(blocked),
        counties_passed=tuple(passed),
        counties_pending=tuple(pending),
        all_clear=city_result.passed and not blocked,
        explanation=f"{city_text}；{county_text}",
    )
