"""Target specifications: every form a demonstration-zone target takes, as plain data.

A target is written in framework files and in the office's local edits as a short expression::

    >=95                                   numeric threshold (also ≥95, ≤25, =100, >-1)
    qual:建立                              qualitative: attained when an approved report says so
    trend:stable_or_improving              relative to the base year (保持稳定或持续改善)
    assigned                               完成上级规定的考核任务: the office enters the year's number
    assigned & (>=90 | trend:improving)    compound: ``&`` binds tighter than ``|``
    region{plateau: >=70; arid: >=35; terrain=mountain: >=60; terrain=hill: >=40; else: >=18}

``region{…}`` picks the first branch whose condition matches the region's attributes (see
:class:`RegionProfile`); :func:`resolve` replaces it by that branch, so a resolved target never contains
``ByRegion``. :func:`describe` renders a target the way Chinese plans print it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal, TypeAlias

Op = Literal[">=", "<=", "=", ">", "<"]
Direction = Literal["higher", "lower"]

OPS: tuple[Op, ...] = (">=", "<=", "=", ">", "<")
OP_SYMBOL: dict[str, str] = {">=": "≥", "<=": "≤", "=": "", ">": ">", "<": "<"}

#: Baseline-relative rules and how plans write them.
TREND_RULES: dict[str, str] = {
    "stable_or_improving": "保持稳定或持续改善",
    "not_worse": "不降低",
    "improving": "持续改善",
    "decreasing": "逐步下降",
}

LEVELS = ("province", "city", "county", "township")
TERRAINS = ("mountain", "hill", "plain")
CITY_SIZES = ("megacity", "supercity", "large", "medium", "small")
ZONES = ("east", "central", "west")

LEVEL_LABELS = {"province": "省", "city": "市", "county": "县", "township": "乡镇"}
TERRAIN_LABELS = {"mountain": "山区", "hill": "丘陵地区", "plain": "平原地区"}
CITY_SIZE_LABELS = {
    "megacity": "超大城市",
    "supercity": "特大城市",
    "large": "大城市",
    "medium": "中等城市",
    "small": "小城市",
}
ZONE_LABELS = {"east": "东部地区", "central": "中部地区", "west": "西部地区"}
FLAG_LABELS = {"arid": "干旱半干旱地区", "plateau": "青藏高原地区", "coastal": "沿海地区"}
ATTRIBUTE_VALUES: dict[str, tuple[str, ...]] = {
    "level": LEVELS,
    "terrain": TERRAINS,
    "city_size": CITY_SIZES,
    "zone": ZONES,
}
ATTRIBUTE_LABELS: dict[str, dict[str, str]] = {
    "level": LEVEL_LABELS,
    "terrain": TERRAIN_LABELS,
    "city_size": CITY_SIZE_LABELS,
    "zone": ZONE_LABELS,
}


class TargetSyntaxError(ValueError):
    """A target expression that cannot be read; the message says where and why, ``at`` is the 1-based position
    of the character it stopped at (None for an empty target or a clause of the target form)."""

    def __init__(self, message: str, at: int | None = None) -> None:
        super().__init__(message)
        self.at = at


@dataclass(frozen=True)
class RegionProfile:
    """The attributes of a region that decide which targets apply and at what value."""

    level: str
    terrain: str | None = None
    arid: bool = False
    plateau: bool = False
    coastal: bool = False
    city_size: str | None = None
    zone: str | None = None


# --- the target forms -------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    op: Op
    value: Decimal


@dataclass(frozen=True)
class Qualitative:
    text: str


@dataclass(frozen=True)
class Trend:
    rule: str


ASSIGNED_DEFAULT_TEXT = "完成上级规定的考核任务"


@dataclass(frozen=True)
class Assigned:
    """完成上级规定的考核任务: the year's number is set from above and entered by the office.

    ``text`` is how the plan words it (完成上级管控目标, 完成年度审核计划 …).
    """

    text: str = ASSIGNED_DEFAULT_TEXT


@dataclass(frozen=True)
class Condition:
    """One branch condition of a region-dependent target: ``arid``, ``terrain=hill``, ``else``."""

    attribute: str  # "else", a flag ("arid", "plateau", "coastal"), or an attribute name
    values: tuple[str, ...] = ()

    def matches(self, profile: RegionProfile) -> bool:
        if self.attribute == "else":
            return True
        if self.attribute in FLAG_LABELS:
            return bool(getattr(profile, self.attribute))
        return getattr(profile, self.attribute) in self.values

    def label(self) -> str:
        if self.attribute == "else":
            return "其他地区"
        if self.attribute in FLAG_LABELS:
            return FLAG_LABELS[self.attribute]
        labels = ATTRIBUTE_LABELS[self.attribute]
        return "、".join(labels[v] for v in self.values)

    def __str__(self) -> str:
        if self.attribute == "else" or self.attribute in FLAG_LABELS:
            return self.attribute
        return f"{self.attribute}={','.join(self.values)}"


@dataclass(frozen=True)
class ByRegion:
    branches: tuple[tuple[Condition, Target], ...]


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Target, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Target, ...]


Target: TypeAlias = Threshold | Qualitative | Trend | Assigned | ByRegion | AllOf | AnyOf


# --- parsing ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<op>>=|<=|≥|≤|=|>|<)\s*(?P<num>[-+]?\d+(?:\.\d+)?)"
    r"|(?P<punct>[&|(){};:])"
    r"|(?P<word>[A-Za-z_][A-Za-z_0-9]*(?:=[A-Za-z_,]+)?))"
)
_QUAL_TEXT = re.compile(r"\s*([^&|(){};]+)")


@dataclass
class _Parser:
    text: str
    pos: int = 0
    _peeked: tuple[str, str, int] | None = field(default=None, repr=False)

    def error(self, message: str, at: int | None = None) -> TargetSyntaxError:
        where = self.pos if at is None else at
        return TargetSyntaxError(f"{message} (at character {where + 1} of {self.text!r})", at=where + 1)

    def peek(self) -> tuple[str, str, int]:
        if self._peeked is None:
            self._peeked = self._next()
        return self._peeked

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self._peeked = None
        return token

    def _next(self) -> tuple[str, str, int]:
        rest = self.text[self.pos :]
        if not rest.strip():
            self.pos = len(self.text)
            return ("end", "", self.pos)
        match = _TOKEN.match(self.text, self.pos)
        if not match:
            start = self.pos + len(rest) - len(rest.lstrip())
            raise self.error(f"unexpected {rest.strip()[:10]!r}", start)
        start = match.start(match.lastgroup) if match.lastgroup else self.pos
        self.pos = match.end()
        if match.group("op"):
            op = {"≥": ">=", "≤": "<="}.get(match.group("op"), match.group("op"))
            return ("threshold", f"{op} {match.group('num')}", start)
        if match.group("punct"):
            return ("punct", match.group("punct"), start)
        return ("word", match.group("word"), start)

    def expect(self, punct: str) -> None:
        kind, value, at = self.take()
        if (kind, value) != ("punct", punct):
            raise self.error(f"expected {punct!r}", at)

    def parse(self) -> Target:
        target = self.parse_any()
        kind, value, at = self.peek()
        if kind != "end":
            raise self.error(f"unexpected {value!r}", at)
        return target

    def parse_any(self) -> Target:
        return self.parse_joined("|", self.parse_all, AnyOf)

    def parse_all(self) -> Target:
        return self.parse_joined("&", self.parse_atom, AllOf)

    def parse_joined(self, symbol: str, parse_part: Callable[[], Target],
                     join: Callable[[tuple[Target, ...]], Target]) -> Target:
        """``part (symbol part)*``: the part alone, or the parts joined (``|`` binds looser than ``&``)."""
        parts = [parse_part()]
        while self.peek()[:2] == ("punct", symbol):
            self.take()
            parts.append(parse_part())
        return parts[0] if len(parts) == 1 else join(tuple(parts))

    def parse_atom(self) -> Target:
        kind, value, at = self.take()
        if kind == "threshold":
            op, number = value.split(" ")
            try:
                return Threshold(op, Decimal(number))  # type: ignore[arg-type]
            except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
                raise self.error(f"bad number {number!r}", at) from exc
        if (kind, value) == ("punct", "("):
            inner = self.parse_any()
            self.expect(")")
            return inner
        if kind == "word":
            if value == "assigned":
                if self.peek()[:2] != ("punct", ":"):
                    return Assigned()
                self.take()
                return Assigned(self.free_text("assigned: needs a text such as 完成上级管控目标"))
            if value == "qual":
                self.expect(":")
                return Qualitative(self.free_text("qual: needs a text such as 建立"))
            if value == "trend":
                self.expect(":")
                rule_kind, rule, rule_at = self.take()
                if rule_kind != "word" or rule not in TREND_RULES:
                    raise self.error(
                        f"unknown trend rule {rule!r}; use one of {', '.join(TREND_RULES)}", rule_at
                    )
                return Trend(rule)
            if value == "region":
                return self.parse_region()
        if kind == "end":
            raise self.error("target is incomplete", at)
        raise self.error(f"unexpected {value!r}", at)

    def free_text(self, message: str) -> str:
        match = _QUAL_TEXT.match(self.text, self.pos)
        if not match or not match.group(1).strip():
            raise self.error(message)
        self.pos = match.end()
        return match.group(1).strip()

    def parse_region(self) -> ByRegion:
        self.expect("{")
        branches: list[tuple[Condition, Target]] = []
        while True:
            kind, word, at = self.take()
            if kind != "word":
                raise self.error("expected a region condition such as arid or terrain=hill", at)
            condition = _condition(word, lambda message, at=at: self.error(message, at))
            self.expect(":")
            branches.append((condition, self.parse_any()))
            kind, value, at = self.take()
            if (kind, value) == ("punct", "}"):
                break
            if (kind, value) != ("punct", ";"):
                raise self.error("expected ';' or '}'", at)
        return ByRegion(tuple(branches))


def _condition(word: str, error: object) -> Condition:
    make_error = error  # a callable building a TargetSyntaxError at the right position
    if word == "else" or word in FLAG_LABELS:
        return Condition(word)
    name, _, raw = word.partition("=")
    if name not in ATTRIBUTE_VALUES or not raw:
        raise make_error(f"unknown region condition {word!r}")  # type: ignore[operator]
    values = tuple(raw.split(","))
    unknown = [v for v in values if v not in ATTRIBUTE_VALUES[name]]
    if unknown:
        allowed = ", ".join(ATTRIBUTE_VALUES[name])
        raise make_error(f"unknown {name} {unknown[0]!r}; use one of {allowed}")  # type: ignore[operator]
    return Condition(name, values)


def parse_target(text: str) -> Target:
    """Read a target expression; raise :class:`TargetSyntaxError` naming the position on error."""
    if not isinstance(text, str) or not text.strip():
        raise TargetSyntaxError("target is empty")
    return _Parser(text).parse()


# --- writing back -----------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text


def unparse(target: Target, *, _nested: bool = False) -> str:
    """The canonical expression of a target; ``parse_target(unparse(t)) == t``."""
    match target:
        case Threshold(op, value):
            return f"{op}{_number(value)}"
        case Qualitative(text):
            return f"qual:{text}"
        case Trend(rule):
            return f"trend:{rule}"
        case Assigned(text):
            return "assigned" if text == ASSIGNED_DEFAULT_TEXT else f"assigned:{text}"
        case ByRegion(branches):
            inner = "; ".join(f"{cond}: {unparse(t)}" for cond, t in branches)
            return f"region{{{inner}}}"
        case AllOf(parts):
            return " & ".join(unparse(p, _nested=True) for p in parts)
        case AnyOf(parts):
            text = " | ".join(unparse(p) for p in parts)
            return f"({text})" if _nested else text
    raise TypeError(f"not a target: {target!r}")  # pragma: no cover


def describe(target: Target, *, direction: Direction = "higher", unit: str = "") -> str:
    """The target as Chinese plans print it: ``≥95%``, ``完成上级规定的考核任务，且≥90%或持续提高``.

    ``unit`` (the indicator's unit, ``%``, ``吨/万元`` …) follows every number; no expression syntax is left.
    """
    match target:
        case Threshold(op, value):
            return f"{OP_SYMBOL[op]}{_number(value)}{unit}"
        case Qualitative(text):
            return text
        case Trend(rule):
            if rule == "improving":
                return "持续提高" if direction == "higher" else "持续下降"
            return TREND_RULES[rule]
        case Assigned(text):
            return text
        case ByRegion(branches):
            return "；".join(f"{cond.label()}{describe(t, direction=direction, unit=unit)}" for cond, t in branches)
        case AllOf(parts):
            return "，且".join(describe(p, direction=direction, unit=unit) for p in parts)
        case AnyOf(parts):
            return "或".join(describe(p, direction=direction, unit=unit) for p in parts)
    raise TypeError(f"not a target: {target!r}")  # pragma: no cover


def target_words(expression: str, *, direction: Direction = "higher", unit: str = "") -> str:
    """An expression as words (:func:`describe`); ``""`` for none, the text itself if it cannot be read.

    Stored expressions were checked when written, so the fallback only keeps a page alive on bad data.
    """
    if not expression or not expression.strip():
        return ""
    try:
        return describe(parse_target(expression), direction=direction, unit=unit)
    except TargetSyntaxError:
        return expression


# --- resolution -------------------------------------------------------------------------------


class NoMatchingBranch(ValueError):
    """A region-dependent target has no branch for this region (and no ``else``).

    ``attributes`` are the region attributes the branches test (``terrain``, ``arid`` …), in branch order;
    ``missing`` those of them the region has not set (a flag is always set), so the caller can say which
    attribute to set rather than print the branches.
    """

    def __init__(self, message: str, *, attributes: tuple[str, ...] = (), missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.attributes = attributes
        self.missing = missing


def resolve(target: Target, profile: RegionProfile) -> Target:
    """Replace every region-dependent part by the branch that fits ``profile``."""
    match target:
        case ByRegion(branches):
            for condition, branch in branches:
                if condition.matches(profile):
                    return resolve(branch, profile)
            conditions = ", ".join(str(c) for c, _ in branches)
            attributes = tuple(dict.fromkeys(c.attribute for c, _ in branches))
            missing = tuple(a for a in attributes if a in ATTRIBUTE_VALUES and getattr(profile, a) is None)
            raise NoMatchingBranch(f"no branch of region{{…}} fits this region (branches: {conditions})",
                                   attributes=attributes, missing=missing)
        case AllOf(parts):
            return AllOf(tuple(resolve(p, profile) for p in parts))
        case AnyOf(parts):
            return AnyOf(tuple(resolve(p, profile) for p in parts))
    return target


def walk(target: Target) -> Iterator[Target]:
    """Every node of a target, depth first, the target itself first."""
    yield target
    match target:
        case ByRegion(branches):
            for _, branch in branches:
                yield from walk(branch)
        case AllOf(parts) | AnyOf(parts):
            for part in parts:
                yield from walk(part)


def needs_assigned_value(target: Target) -> bool:
    """Whether the office must enter a yearly number for this target."""
    return any(isinstance(node, Assigned) for node in walk(target))


def needs_baseline(target: Target) -> bool:
    return any(isinstance(node, Trend) for node in walk(target))


def is_qualitative(target: Target) -> bool:
    """Whether values for this target are statuses (已建立 …) rather than numbers."""
    nodes = list(walk(target))
    return any(isinstance(n, Qualitative) for n in nodes) and not any(
        isinstance(n, Threshold | Trend | Assigned) for n in nodes
    )


def is_tightening(new: Target, old: Target, *, direction: Direction) -> bool | None:
    """Whether a local threshold is at least as strict as the national one (None when not comparable)."""
    if isinstance(new, Threshold) and isinstance(old, Threshold):
        if direction == "higher":
            return new.value >= old.value
        return new.value <= old.value
    return None


def applies(scope_levels: frozenset[str], coastal_only: bool, profile: RegionProfile) -> bool:
    """Whether an indicator with this scope is assessed for the region at all."""
    if profile.level not in scope_levels:
        return False
    return not coastal_only or profile.coastal


# --- the target form: a target as a list of clauses --------------------------------------------

ClauseKind = Literal["number", "qual", "trend", "assigned"]
Join = Literal["and", "or"]

CLAUSE_KINDS: dict[str, str] = {"number": "数值", "qual": "定性", "trend": "趋势", "assigned": "上级考核任务"}
JOINS: dict[str, str] = {"and": "且", "or": "或"}


@dataclass(frozen=True)
class Clause:
    """One line of the target form: a kind and its parts, joined to the line before by 且 or 或.

    A list of clauses reads as people read 完成上级规定的考核任务，且≥90%或持续提高: ``或`` binds the clauses
    next to each other, ``且`` separates those groups (so ``a 且 b 或 c`` is ``a & (b | c)``).
    """

    kind: ClauseKind
    op: Op = ">="
    value: Decimal | None = None
    text: str = ""  # the qualitative text, or the assigned task's wording ("" for the default)
    rule: str = ""  # a TREND_RULES key
    join: Join = "and"  # to the clause before; ignored on the first


def _atom_clause(target: Target, join: Join) -> Clause | None:
    match target:
        case Threshold(op, value):
            return Clause("number", op=op, value=value, join=join)
        case Qualitative(text):
            return Clause("qual", text=text, join=join)
        case Trend(rule):
            return Clause("trend", rule=rule, join=join)
        case Assigned(text):
            return Clause("assigned", text="" if text == ASSIGNED_DEFAULT_TEXT else text, join=join)
    return None


def _group_clauses(target: Target, join: Join) -> list[Clause] | None:
    parts = target.parts if isinstance(target, AnyOf) else (target,)
    clauses = [_atom_clause(part, join if i == 0 else "or") for i, part in enumerate(parts)]
    return None if any(c is None for c in clauses) else clauses  # type: ignore[return-value]


def clauses_of(target: Target) -> list[Clause] | None:
    """The form's clauses for a target, or None when the form cannot express it (region branches, an 或 of
    且 groups): such a target is edited as an expression."""
    groups = target.parts if isinstance(target, AllOf) else (target,)
    clauses: list[Clause] = []
    for group in groups:
        group_clauses = _group_clauses(group, "and")
        if group_clauses is None:
            return None
        clauses.extend(group_clauses)
    return clauses


def _clause_target(clause: Clause) -> Target:
    if clause.kind == "number":
        if clause.op not in OPS:
            raise TargetSyntaxError(f"unknown comparator {clause.op!r}")
        if clause.value is None:
            raise TargetSyntaxError("a number target needs a number")
        return Threshold(clause.op, clause.value)
    if clause.kind == "qual":
        text = clause.text.strip()
        if not text or _QUAL_TEXT.fullmatch(text) is None:
            raise TargetSyntaxError("a qualitative target needs a text without & | ( ) { } ;")
        return Qualitative(text)
    if clause.kind == "trend":
        if clause.rule not in TREND_RULES:
            raise TargetSyntaxError(f"unknown trend rule {clause.rule!r}")
        return Trend(clause.rule)
    if clause.kind == "assigned":
        text = clause.text.strip()
        if text and _QUAL_TEXT.fullmatch(text) is None:
            raise TargetSyntaxError("an assigned task's wording cannot hold & | ( ) { } ;")
        return Assigned(text or ASSIGNED_DEFAULT_TEXT)
    raise TargetSyntaxError(f"unknown clause kind {clause.kind!r}")


def target_of(clauses: list[Clause]) -> Target:
    """The target a list of clauses composes (the inverse of :func:`clauses_of`)."""
    if not clauses:
        raise TargetSyntaxError("target is empty")
    groups: list[list[Target]] = []
    for i, clause in enumerate(clauses):
        if i == 0 or clause.join == "and":
            groups.append([])
        elif clause.join != "or":
            raise TargetSyntaxError(f"unknown join {clause.join!r}")
        groups[-1].append(_clause_target(clause))
    targets = [group[0] if len(group) == 1 else AnyOf(tuple(group)) for group in groups]
    return targets[0] if len(targets) == 1 else AllOf(tuple(targets))
