"""A scoring scheme (评分细则) as frozen data: sections, items, rules, grade bands and adjustments.

The classes here hold no behaviour beyond small derived properties: :mod:`calc.scoring.schemefile` reads and
writes them as TOML, :mod:`calc.scoring.engine` scores subjects with them. Every number is a ``Decimal``.

Kinds of item (derived from the rule):

* a **base** item has ``points`` to lose; the base items of each subject group add up to the scheme's ``total``;
* a **bonus** item (``bonus_capped``) adds up to ``points`` on top of the total;
* a **deduction** item (``event_deduction``) takes off up to ``points``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, TypeAlias

__all__ = [
    "ADJUSTMENT_KINDS",
    "BONUS_ORDERS",
    "COMPARISONS",
    "CONDITION_OPS",
    "GROUPS",
    "MISSING_POLICIES",
    "ORDERS",
    "PERIODS",
    "RANK_MODES",
    "ROUNDINGS",
    "RULE_TYPES",
    "Adjustment",
    "Bonus",
    "BonusCapped",
    "CompositeIndex",
    "Condition",
    "EventDeduction",
    "GapLinear",
    "Grade",
    "GradeMap",
    "IndexIndicator",
    "Item",
    "Manual",
    "PerEvent",
    "PeriodicEvents",
    "RankPoints",
    "Rule",
    "Scheme",
    "Section",
    "ThresholdCount",
]

Group = Literal["county", "department"]
Period = Literal["year", "half", "month"]
Comparison = Literal["<=", ">="]
Rounding = Literal["exact", "up", "down"]
Order = Literal["higher", "lower"]
RankMode = Literal["step", "share"]
MissingPolicy = Literal["zero", "full"]
BonusOrder = Literal["after", "before"]
ConditionOp = Literal[">=", ">", "<=", "<", "=", "!="]
AdjustmentKind = Literal["veto", "grade_cap"]

#: Subject groups and how they are named in Chinese.
GROUPS: dict[str, str] = {"county": "县（市、区）政府", "department": "市级有关部门"}
#: Scoring periods: a year (``2025``), a half (``2025-H1``), a month (``2025-03``).
PERIODS: dict[str, str] = {"year": "年度", "half": "半年", "month": "月度"}
#: ``"<="``: the actual value must not exceed the target (PM2.5); ``">="``: must reach it (优良天数比率).
COMPARISONS: dict[str, str] = {"<=": "≤", ">=": "≥"}
#: How a gap is counted in steps: exactly (proportional), or whole steps rounded up or down.
ROUNDINGS: dict[str, str] = {"exact": "按实际差值计", "up": "不足1个单位按1个单位计", "down": "不足1个单位不计"}
ORDERS: dict[str, str] = {"higher": "越高越好", "lower": "越低越好"}
RANK_MODES: dict[str, str] = {"step": "按名次递减", "share": "按与第1名的比例"}
#: What an item scores when a fact it needs is missing.
MISSING_POLICIES: dict[str, str] = {"zero": "缺数据不得分", "full": "缺数据不扣分"}
#: Whether an attached bonus is added after the item's floor (扣完为止, then 加分) or before it.
BONUS_ORDERS: dict[str, str] = {"after": "先扣完为止再加分", "before": "先加分再扣完为止"}
CONDITION_OPS: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "!=": "≠"}
ADJUSTMENT_KINDS: dict[str, str] = {"veto": "一票否决", "grade_cap": "等次封顶"}


@dataclass(frozen=True)
class Condition:
    """True when the fact ``key`` compares with ``value`` (or with the fact ``other_key``) by ``op``.

    A missing fact makes the condition false: nothing is zeroed or vetoed on data that is not there.
    """

    key: str
    op: ConditionOp
    value: Decimal | None = None
    other_key: str | None = None
    label: str = ""
    """What the condition means, for the sentence (``"PM2.5年均浓度未下降"``)."""


@dataclass(frozen=True)
class Bonus:
    """A bonus attached to an item: ``per`` points per counted event of fact ``key``, at most ``cap``."""

    key: str
    per: Decimal
    cap: Decimal
    label: str = ""
    """What is counted (``"水质类别提升的断面"``)."""
    unit: str = "个"


@dataclass(frozen=True)
class GapLinear:
    """每差 ``per`` ``unit`` 扣 ``deduct`` 分, 扣完为止: the gap between the fact ``key`` and the target.

    The target is ``target``, or the subject's own fact ``target_key`` (a county's PM2.5 target).
    """

    key: str
    comparison: Comparison
    deduct: Decimal
    target: Decimal | None = None
    target_key: str | None = None
    per: Decimal = Decimal(1)
    rounding: Rounding = "exact"
    unit: str = ""
    label: str = ""
    """The measured quantity (``"PM2.5年均浓度"``); the item's name when empty."""
    type: Literal["gap_linear"] = "gap_linear"


@dataclass(frozen=True)
class ThresholdCount:
    """数量达 ``required`` 不扣分, 少一个扣 ``deduct`` 分, 扣完为止 (the count is the fact ``key``)."""

    key: str
    required: Decimal
    deduct: Decimal
    unit: str = "个"
    label: str = ""
    type: Literal["threshold_count"] = "threshold_count"


@dataclass(frozen=True)
class RankPoints:
    """Points by rank of the fact ``key`` within the subject group.

    ``step``: the first gets the item's points, each lower rank ``step`` less, floored at 0.
    ``share``: each gets the item's points × its value ÷ the first's value (``order`` must be ``higher``).
    Equal values share the better rank (1, 1, 3).
    """

    key: str
    order: Order = "higher"
    mode: RankMode = "step"
    step: Decimal = Decimal(0)
    label: str = ""
    type: Literal["rank_points"] = "rank_points"


@dataclass(frozen=True)
class GradeMap:
    """A category (the fact ``key``'s text) → points, e.g. 优秀 60, 良好 45, 合格 30."""

    key: str
    points: tuple[tuple[str, Decimal], ...]
    label: str = ""
    type: Literal["grade_map"] = "grade_map"


@dataclass(frozen=True)
class PeriodicEvents:
    """−``deduct`` per missed period of each part (a monitoring section's month), −``severe_deduct`` per
    severe one (劣Ⅴ类), waived for a part whose annual target is met (fact ``waiver_key`` non-zero).

    The two counts are disjoint: a severe month is counted by ``severe_key`` only.
    """

    key: str
    deduct: Decimal
    severe_key: str | None = None
    severe_deduct: Decimal = Decimal(0)
    waiver_key: str | None = None
    unit: str = "断面月"
    label: str = ""
    severe_label: str = ""
    type: Literal["periodic_events"] = "periodic_events"


@dataclass(frozen=True)
class PerEvent:
    """``per`` points per event counted by the fact ``key``, at most the item's points (the two rules below)."""

    key: str
    per: Decimal
    unit: str = ""
    label: str = ""


@dataclass(frozen=True)
class BonusCapped(PerEvent):
    """+``per`` points per event, at most the item's points."""

    unit: str = "项"
    type: Literal["bonus_capped"] = "bonus_capped"


@dataclass(frozen=True)
class EventDeduction(PerEvent):
    """−``per`` points per incident, at most the item's points."""

    unit: str = "起"
    type: Literal["event_deduction"] = "event_deduction"


@dataclass(frozen=True)
class IndexIndicator:
    """One indicator of a composite index, with its weight (tier) and direction."""

    key: str
    name: str
    weight: Decimal
    order: Order = "higher"


@dataclass(frozen=True)
class CompositeIndex:
    """The 绿色发展指数 way: each indicator min-max scaled into [60, 100] within the group and period,
    missing data → 60, a non-applicable indicator's weight spread over the others; the index is the weighted
    mean. ``share``: points = item points × index ÷ 100; ``step``: points by the index's rank as in
    :class:`RankPoints`.
    """

    indicators: tuple[IndexIndicator, ...]
    mode: RankMode = "share"
    step: Decimal = Decimal(0)
    label: str = ""
    type: Literal["composite_index"] = "composite_index"


@dataclass(frozen=True)
class Manual:
    """Points entered by the office for each subject, with a reason."""

    label: str = ""
    type: Literal["manual"] = "manual"


Rule: TypeAlias = (
    GapLinear | ThresholdCount | RankPoints | GradeMap | PeriodicEvents | BonusCapped | EventDeduction
    | CompositeIndex | Manual
)
#: Rule types and their Chinese names.
RULE_TYPES: dict[str, str] = {
    "gap_linear": "按差距扣分",
    "threshold_count": "按数量扣分",
    "rank_points": "按排名赋分",
    "grade_map": "按等级赋分",
    "periodic_events": "按月扣分（年度达标免扣）",
    "bonus_capped": "加分（封顶）",
    "event_deduction": "扣分（封顶）",
    "composite_index": "综合指数",
    "manual": "人工评分",
}


@dataclass(frozen=True)
class Item:
    """One line of the score sheet (考核指标) with its points (分值) and data source (数据来源)."""

    code: str
    name: str
    points: Decimal
    rule: Rule
    source: str = ""
    groups: tuple[str, ...] = ()
    """The subject groups the item applies to; empty: every group of the scheme."""
    missing: MissingPolicy = "zero"
    floor: bool = True
    """扣完为止: the item's points do not go below 0."""
    zero_if: Condition | None = None
    bonus: Bonus | None = None
    eco: bool = True
    """An ecological item: counts towards the share of 生态文明建设 in the score (indicator 3, ≥20 %)."""
    note: str = ""

    @property
    def kind(self) -> Literal["base", "bonus", "deduction"]:
        """``bonus`` for a ``bonus_capped`` rule, ``deduction`` for ``event_deduction``, else ``base``."""
        if isinstance(self.rule, BonusCapped):
            return "bonus"
        if isinstance(self.rule, EventDeduction):
            return "deduction"
        return "base"

    def keys(self) -> tuple[str, ...]:
        """Every fact key the item reads, in a fixed order, each once."""
        rule = self.rule
        keys: list[str | None] = []
        if isinstance(rule, CompositeIndex):
            keys += [indicator.key for indicator in rule.indicators]
        elif not isinstance(rule, Manual):
            keys.append(rule.key)
        if isinstance(rule, GapLinear):
            keys.append(rule.target_key)
        if isinstance(rule, PeriodicEvents):
            keys += [rule.severe_key, rule.waiver_key]
        if self.bonus is not None:
            keys.append(self.bonus.key)
        if self.zero_if is not None:
            keys += [self.zero_if.key, self.zero_if.other_key]
        return tuple(dict.fromkeys(key for key in keys if key))


@dataclass(frozen=True)
class Section:
    """A block of the score sheet (考核内容), e.g. 环境质量."""

    code: str
    name: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Grade:
    """A grade band: a total of at least ``min`` (the lowest band has none) gets this grade."""

    name: str
    min: Decimal | None = None


@dataclass(frozen=True)
class Adjustment:
    """A rule on the grade: ``veto`` (一票否决) forces the lowest grade, ``grade_cap`` caps it at ``grade``."""

    code: str
    name: str
    kind: AdjustmentKind
    when: Condition
    grade: str = ""
    source: str = ""


@dataclass(frozen=True)
class Scheme:
    """A versioned scoring scheme (评分细则)."""

    code: str
    name: str
    version: int
    groups: tuple[str, ...]
    period: Period
    total: Decimal
    sections: tuple[Section, ...]
    grades: tuple[Grade, ...]
    adjustments: tuple[Adjustment, ...] = ()
    places: int = 2
    """Decimal places of every item's points (each computed exactly, then rounded once, 四舍五入)."""
    bonus_order: BonusOrder = "after"
    issuer: str = ""
    note: str = ""
    _index: dict[str, Item] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item, section by section."""
        return tuple(item for section in self.sections for item in section.items)

    def item(self, code: str) -> Item:
        """The item with this code (``KeyError`` if there is none)."""
        if not self._index:
            self._index.update((item.code, item) for item in self.items)
        return self._index[code]

    def section_of(self, code: str) -> Section:
        """The section that holds the item ``code``."""
        return next(section for section in self.sections if any(i.code == code for i in section.items))

    def items_for(self, group: str) -> tuple[Item, ...]:
        """The items that apply to subjects of ``group``."""
        return tuple(item for item in self.items if not item.groups or group in item.groups)

    def base_points(self, group: str) -> Decimal:
        """The points of the base items of ``group`` (equal to :attr:`total` in a valid scheme)."""
        return sum((item.points for item in self.items_for(group) if item.kind == "base"), Decimal(0))

    def eco_share(self, group: str) -> Decimal:
        """The share (%) of ecological items in the base points of ``group`` (示范区 indicator 3)."""
        base = self.base_points(group)
        eco = sum((i.points for i in self.items_for(group) if i.kind == "base" and i.eco), Decimal(0))
        return (eco * 100 / base).quantize(Decimal("0.01")) if base else Decimal(0)

    def grade_for(self, total: Decimal) -> str:
        """The grade of a total by the bands (the highest band whose ``min`` the total reaches)."""
        for grade in self.grades:
            if grade.min is None or total >= grade.min:
                return grade.name
        return self.grades[-1].name
