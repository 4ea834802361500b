"""Scheme files: TOML text ⇄ :class:`~calc.scoring.scheme.Scheme`, with every problem named in Chinese.

:func:`loads` parses and validates; :func:`dumps` writes a scheme back (defaults left out), so
``loads(dumps(scheme)) == scheme`` for every valid scheme. The format is described in ``docs/scoring.md``;
``calc/scoring/schemes/*.toml`` are examples. Numbers are read as ``Decimal`` (never as binary floats).

A file that breaks a rule raises :class:`SchemeError`, which lists every :class:`Problem` found: where
(the scheme, a grade, an adjustment, a section or an item, by code and name), which field, and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, cast

from calc.scoring import scheme as sc
from calc.scoring.toml_writer import Value
from calc.scoring.toml_writer import dumps as toml_dumps

__all__ = ["MAX_NUMBER", "NUMBER_PLACES", "Problem", "SchemeError", "dumps", "from_data", "load", "loads",
           "to_data"]

#: Every number of a scheme has at most this many decimals …
NUMBER_PLACES = 6
#: … and is below this in magnitude (so the engine's exact integer arithmetic cannot overflow).
MAX_NUMBER = Decimal(10**9)
MAX_PLACES = 4

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One problem of a scheme file: ``where`` (e.g. ``"评分项「A2 PM10年均浓度」"``), ``field``, ``message``."""

    where: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}的「{self.field}」：{self.message}" if self.field else f"{self.where}：{self.message}"


class SchemeError(ValueError):
    """A scheme file that cannot be used; ``problems`` lists everything wrong, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("评分细则有误：\n" + "\n".join(str(p) for p in self.problems))


class _Reader:
    """Reads one table of the file, recording problems instead of stopping at the first."""

    def __init__(self, problems: list[Problem], where: str, data: object, prefix: str = "") -> None:
        self.problems = problems
        self.where = where
        self.prefix = prefix
        self.data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        self.seen: set[str] = set()
        if not isinstance(data, Mapping):
            self.fail("", "应为一个表（table）")

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.where, self.prefix + name, message))

    def sub(self, name: str, where: str | None = None) -> _Reader:
        self.seen.add(name)
        return _Reader(self.problems, where or self.where, self.data.get(name, {}), f"{self.prefix}{name}.")

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        self.seen.add(name)
        return self.data.get(name)

    def text(self, name: str, *, required: bool = False, code: bool = False) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, "不能为空")
            return ""
        if not isinstance(value, str):
            self.fail(name, "应为文字")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(name, "不能为空")
        elif code and value and not _CODE.fullmatch(value):
            self.fail(name, f"「{value}」不是有效代码（字母、数字、点、横线、下划线）")
        return str(value)

    def optional_text(self, name: str) -> str | None:
        return self.text(name) or None

    def number(self, name: str, *, default: Decimal | None = None, positive: bool = False,
               places: int = NUMBER_PLACES, at_least: Decimal | None = None) -> Decimal | None:
        value = self.raw(name)
        if value is None:
            return default
        number = _decimal(value)
        if number is None:
            self.fail(name, "应为数字")
            return default
        if abs(number) >= MAX_NUMBER:
            self.fail(name, f"数值过大（应小于{MAX_NUMBER:,}）")
        elif _decimals(number) > places:
            self.fail(name, f"最多{places}位小数")
        elif positive and number <= 0:
            self.fail(name, "应大于0")
        elif at_least is not None and number < at_least:
            self.fail(name, f"不能小于{at_least}")
        return number

    def required_number(self, name: str, **kwargs: Any) -> Decimal:
        if not self.has(name):
            self.fail(name, "不能为空")
            self.seen.add(name)
            return Decimal(0)
        return self.number(name, default=Decimal(0), **kwargs) or Decimal(0)

    def choice(self, name: str, choices: Mapping[str, str], default: str | None = None) -> str:
        value = self.raw(name)
        if value is None and default is not None:
            return default
        if value not in choices:
            allowed = "、".join(choices)
            self.fail(name, f"应为 {allowed} 之一" + (f"，不是「{value}」" if value is not None else ""))
            return default if default is not None else next(iter(choices))
        return cast(str, value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(name, "应为 true 或 false")
            return default
        return value

    def integer(self, name: str, default: int | None = None, low: int = 0, high: int = 10**6) -> int:
        value = self.raw(name)
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(name, f"应为{low}至{high}之间的整数")
            return default if default is not None else low
        return value

    def strings(self, name: str, choices: Mapping[str, str] | None = None) -> tuple[str, ...]:
        value = self.raw(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, "应为文字列表")
            return ()
        bad = [v for v in value if choices is not None and v not in choices]
        if bad:
            self.fail(name, f"未知取值：{'、'.join(bad)}（应为 {'、'.join(choices or {})}）")
        if len(set(value)) != len(value):
            self.fail(name, "有重复项")
        return tuple(v for v in value if v not in bad)

    def tables(self, name: str) -> list[object]:
        value = self.raw(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, "应为表数组（[[...]]）")
            return []
        return value

    def done(self) -> None:
        for name in self.data:
            if name not in self.seen:
                self.fail(name, "未知字段")


def _decimals(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


# --------------------------------------------------------------------------------------------------
# reading


def _condition(reader: _Reader) -> sc.Condition:
    key = reader.text("key", required=True)
    op = reader.choice("op", sc.CONDITION_OPS)
    value = reader.number("value")
    other = reader.optional_text("other_key")
    if (value is None) == (other is None):
        reader.fail("value", "应给出 value（数值）或 other_key（另一项数据）二者之一")
    label = reader.text("label")
    reader.done()
    return sc.Condition(key=key, op=cast(Any, op), value=value, other_key=other, label=label)


def _gap_linear(reader: _Reader) -> sc.GapLinear:
    target = reader.number("target")
    target_key = reader.optional_text("target_key")
    if (target is None) == (target_key is None):
        reader.fail("target", "应给出 target（目标值）或 target_key（各对象自己的目标数据）二者之一")
    return sc.GapLinear(
        key=reader.text("key", required=True), comparison=cast(Any, reader.choice("comparison", sc.COMPARISONS)),
        deduct=reader.required_number("deduct", positive=True), target=target, target_key=target_key,
        per=reader.number("per", default=Decimal(1), positive=True) or Decimal(1),
        rounding=cast(Any, reader.choice("rounding", sc.ROUNDINGS, "exact")), unit=reader.text("unit"),
        label=reader.text("label"))


def _threshold_count(reader: _Reader) -> sc.ThresholdCount:
    return sc.ThresholdCount(
        key=reader.text("key", required=True), required=reader.required_number("required", positive=True),
        deduct=reader.required_number("deduct", positive=True), unit=reader.text("unit") or "个",
        label=reader.text("label"))


def _rank_points(reader: _Reader, places: int) -> sc.RankPoints:
    order = reader.choice("order", sc.ORDERS, "higher")
    mode = reader.choice("mode", sc.RANK_MODES, "step")
    step = reader.number("step", default=Decimal(0), places=places, at_least=Decimal(0)) or Decimal(0)
    if mode == "step" and step <= 0:
        reader.fail("step", "按名次递减时应给出每名递减的分值（大于0）")
    if mode == "share" and order != "higher":
        reader.fail("order", "按与第1名的比例赋分只适用于越高越好的数据")
    return sc.RankPoints(key=reader.text("key", required=True), order=cast(Any, order), mode=cast(Any, mode),
                      step=step, label=reader.text("label"))


def _grade_map(reader: _Reader, places: int, item_points: Decimal) -> sc.GradeMap:
    key = reader.text("key", required=True)
    table = reader.sub("points")
    pairs: list[tuple[str, Decimal]] = []
    for name in table.data:
        points = table.number(name, places=places, at_least=Decimal(0))
        if points is not None and points > item_points:
            table.fail(name, f"不能超过本项分值{item_points}")
        pairs.append((str(name).strip(), points if points is not None else Decimal(0)))
    if not pairs:
        reader.fail("points", "应列出各等级及其得分")
    return sc.GradeMap(key=key, points=tuple(pairs), label=reader.text("label"))


def _periodic_events(reader: _Reader) -> sc.PeriodicEvents:
    severe_key = reader.optional_text("severe_key")
    severe = reader.number("severe_deduct", default=Decimal(0), at_least=Decimal(0)) or Decimal(0)
    if (severe_key is None) != (severe == 0):
        reader.fail("severe_deduct", "severe_key 与 severe_deduct 应同时给出")
    return sc.PeriodicEvents(
        key=reader.text("key", required=True), deduct=reader.required_number("deduct", positive=True),
        severe_key=severe_key, severe_deduct=severe, waiver_key=reader.optional_text("waiver_key"),
        unit=reader.text("unit") or "断面月", label=reader.text("label"), severe_label=reader.text("severe_label"))


def _composite(reader: _Reader, places: int) -> sc.CompositeIndex:
    indicators = []
    for number, entry in enumerate(reader.tables("indicator"), start=1):
        sub = _Reader(reader.problems, reader.where, entry, f"{reader.prefix}indicator[{number}].")
        indicators.append(sc.IndexIndicator(
            key=sub.text("key", required=True), name=sub.text("name", required=True),
            weight=sub.required_number("weight", positive=True), order=cast(Any, sub.choice("order", sc.ORDERS, "higher"))))
        sub.done()
    if not indicators:
        reader.fail("indicator", "综合指数应至少有一个指标")
    if len({i.key for i in indicators}) != len(indicators):
        reader.fail("indicator", "指标的 key 有重复")
    mode = reader.choice("mode", sc.RANK_MODES, "share")
    step = reader.number("step", default=Decimal(0), places=places, at_least=Decimal(0)) or Decimal(0)
    if mode == "step" and step <= 0:
        reader.fail("step", "按名次递减时应给出每名递减的分值（大于0）")
    return sc.CompositeIndex(indicators=tuple(indicators), mode=cast(Any, mode), step=step, label=reader.text("label"))


def _rule(reader: _Reader, places: int, item_points: Decimal) -> sc.Rule:
    kind = reader.choice("type", sc.RULE_TYPES)
    rule: sc.Rule
    if kind == "gap_linear":
        rule = _gap_linear(reader)
    elif kind == "threshold_count":
        rule = _threshold_count(reader)
    elif kind == "rank_points":
        rule = _rank_points(reader, places)
    elif kind == "grade_map":
        rule = _grade_map(reader, places, item_points)
    elif kind == "periodic_events":
        rule = _periodic_events(reader)
    elif kind in ("bonus_capped", "event_deduction"):
        cls = sc.BonusCapped if kind == "bonus_capped" else sc.EventDeduction
        rule = cls(key=reader.text("key", required=True), per=reader.required_number("per", positive=True),
                   label=reader.text("label"))
        rule = replace(rule, unit=reader.text("unit") or rule.unit)
    elif kind == "composite_index":
        rule = _composite(reader, places)
    else:
        rule = sc.Manual(label=reader.text("label"))
    reader.done()
    return rule


def _bonus(reader: _Reader, places: int) -> sc.Bonus:
    bonus = sc.Bonus(key=reader.text("key", required=True), per=reader.required_number("per", positive=True),
                  cap=reader.required_number("cap", positive=True, places=places), label=reader.text("label"),
                  unit=reader.text("unit") or "个")
    reader.done()
    return bonus


def _item(problems: list[Problem], entry: object, scheme_groups: tuple[str, ...], places: int) -> sc.Item:
    code = str(entry.get("code", "")) if isinstance(entry, Mapping) else ""
    name = str(entry.get("name", "")) if isinstance(entry, Mapping) else ""
    reader = _Reader(problems, f"评分项「{code} {name}」".replace("「 ", "「").replace(" 」", "」"), entry)
    code, name = reader.text("code", required=True, code=True), reader.text("name", required=True)
    points = reader.required_number("points", positive=True, places=places)
    groups = reader.strings("groups", {g: sc.GROUPS[g] for g in scheme_groups})
    rule = _rule(reader.sub("rule"), places, points) if reader.has("rule") else sc.Manual()
    if not reader.has("rule"):
        reader.fail("rule", "不能为空")
    zero_if = _condition(reader.sub("zero_if")) if reader.has("zero_if") else None
    bonus = _bonus(reader.sub("bonus"), places) if reader.has("bonus") else None
    item = sc.Item(code=code, name=name, points=points, rule=rule, source=reader.text("source"), groups=groups,
                missing=cast(Any, reader.choice("missing", sc.MISSING_POLICIES, "zero")),
                floor=reader.boolean("floor", True), zero_if=zero_if, bonus=bonus, eco=reader.boolean("eco", True),
                note=reader.text("note"))
    if item.kind != "base" and (bonus is not None or zero_if is not None or not item.floor):
        reader.fail("rule", "加分项和扣分项不能再附加 bonus、zero_if 或 floor")
    reader.done()
    return item


def _grades(reader: _Reader) -> tuple[sc.Grade, ...]:
    grades = []
    entries = reader.tables("grade")
    for number, entry in enumerate(entries, start=1):
        sub = _Reader(reader.problems, f"等次第{number}档", entry)
        last = number == len(entries)
        minimum = sub.number("min", at_least=Decimal(0))
        if last and minimum is not None:
            sub.fail("min", "最低一档不设下限")
        if not last and minimum is None:
            sub.fail("min", "除最低一档外，每档应给出下限")
        grades.append(sc.Grade(name=sub.text("name", required=True), min=minimum))
        sub.done()
    if len(grades) < 2:
        reader.fail("grade", "至少应有两个等次")
    mins = [g.min for g in grades if g.min is not None]
    if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
        reader.fail("grade", "各档下限应从高到低排列")
    if len({g.name for g in grades}) != len(grades):
        reader.fail("grade", "等次名称有重复")
    return tuple(grades)


def _adjustments(reader: _Reader, grade_names: Sequence[str]) -> tuple[sc.Adjustment, ...]:
    adjustments = []
    for number, entry in enumerate(reader.tables("adjustment"), start=1):
        sub = _Reader(reader.problems, f"等次调整第{number}条", entry)
        kind = sub.choice("kind", sc.ADJUSTMENT_KINDS)
        grade = sub.text("grade")
        if kind == "grade_cap" and grade not in grade_names:
            sub.fail("grade", f"应为等次之一：{'、'.join(grade_names)}")
        if kind == "veto" and grade:
            sub.fail("grade", "一票否决直接定为最低等次，不设 grade")
        when = _condition(sub.sub("when")) if sub.has("when") else None
        if when is None:
            sub.fail("when", "不能为空")
        adjustments.append(sc.Adjustment(code=sub.text("code", required=True, code=True), name=sub.text("name", required=True),
                                      kind=cast(Any, kind), when=when or sc.Condition(key="", op=">="), grade=grade,
                                      source=sub.text("source")))
        sub.done()
    if len({a.code for a in adjustments}) != len(adjustments):
        reader.fail("adjustment", "代码有重复")
    return tuple(adjustments)


def _sections(reader: _Reader, groups: tuple[str, ...], places: int) -> tuple[sc.Section, ...]:
    sections = []
    for number, entry in enumerate(reader.tables("section"), start=1):
        sub = _Reader(reader.problems, f"第{number}部分", entry)
        code, name = sub.text("code", required=True, code=True), sub.text("name", required=True)
        items = tuple(_item(reader.problems, e, groups, places) for e in sub.tables("item"))
        if not items:
            sub.fail("item", "至少应有一个评分项")
        sections.append(sc.Section(code=code, name=name, items=items))
        sub.done()
    if not sections:
        reader.fail("section", "至少应有一个部分")
    codes = [s.code for s in sections] + [i.code for s in sections for i in s.items]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        reader.fail("section", f"代码有重复：{'、'.join(repeated)}")
    return tuple(sections)


def from_data(data: Mapping[str, Any]) -> sc.Scheme:
    """A scheme from parsed TOML (numbers as ``int`` or ``Decimal``); raises :class:`SchemeError`."""
    problems: list[Problem] = []
    top = _Reader(problems, "评分细则", data)
    head = top.sub("scheme", "评分细则")
    places = head.integer("places", 2, 0, MAX_PLACES)
    groups = head.strings("groups", sc.GROUPS)
    if not groups:
        head.fail("groups", "应至少有一类考核对象（county、department）")
    grades = _grades(top)
    scheme = sc.Scheme(
        code=head.text("code", required=True, code=True), name=head.text("name", required=True),
        version=head.integer("version", None, 1), groups=groups,
        period=cast(Any, head.choice("period", sc.PERIODS)), total=head.required_number("total", positive=True, places=places),
        places=places, bonus_order=cast(Any, head.choice("bonus_order", sc.BONUS_ORDERS, "after")),
        issuer=head.text("issuer"), note=head.text("note"),
        sections=_sections(top, groups, places), grades=grades,
        adjustments=_adjustments(top, [g.name for g in grades]))
    head.done()
    top.done()
    for group in groups:
        if not problems and scheme.base_points(group) != scheme.total:
            top.fail("scheme.total", f"{sc.GROUPS[group]}的基本分合计为{scheme.base_points(group)}，应等于总分{scheme.total}")
    if problems:
        raise SchemeError(problems)
    return scheme


def loads(text: str) -> sc.Scheme:
    """Parse and validate a scheme file's text; raises :class:`SchemeError`."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError([Problem("评分细则", "", f"不是有效的 TOML 文件：{exc}")]) from exc
    return from_data(data)


def load(path: Path | str) -> sc.Scheme:
    """:func:`loads` of a file (UTF-8)."""
    return loads(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------------
# writing


def _fields(obj: object, skip: Sequence[str] = (), convert: Mapping[str, Callable[[Any], Value]] | None = None,
            ) -> dict[str, Value]:
    """A dataclass's fields as TOML data, leaving out the defaults (and ``skip``)."""
    out: dict[str, Value] = {}
    for f in fields(cast(Any, obj)):
        if f.name in skip or not f.init:
            continue
        value = getattr(obj, f.name)
        if f.default is not MISSING and value == f.default:
            continue
        if value is None or value == ():
            continue
        converter = (convert or {}).get(f.name)
        out[f.name] = converter(value) if converter is not None else value
    return out


def _rule_data(rule: sc.Rule) -> dict[str, Value]:
    out: dict[str, Value] = {"type": rule.type, **_fields(rule, skip=("type", "points", "indicators"))}
    if isinstance(rule, sc.GradeMap):
        out["points"] = dict(rule.points)
    if isinstance(rule, sc.CompositeIndex):
        out["indicator"] = [_fields(i) for i in rule.indicators]
    return out


def _item_data(item: sc.Item) -> dict[str, Value]:
    out = _fields(item, skip=("rule", "zero_if", "bonus"), convert={"groups": list})
    out["rule"] = _rule_data(item.rule)
    if item.zero_if is not None:
        out["zero_if"] = _fields(item.zero_if)
    if item.bonus is not None:
        out["bonus"] = _fields(item.bonus)
    return out


def to_data(scheme: sc.Scheme) -> dict[str, Value]:
    """The scheme as TOML data (what :func:`from_data` reads)."""
    head = _fields(scheme, skip=("sections", "grades", "adjustments"), convert={"groups": list})
    head["places"] = scheme.places
    return {
        "scheme": head,
        "grade": [_fields(g) for g in scheme.grades],
        **({"adjustment": [{**_fields(a, skip=("when",)), "when": _fields(a.when)} for a in scheme.adjustments]}
           if scheme.adjustments else {}),
        "section": [{"code": s.code, "name": s.name, "item": [_item_data(i) for i in s.items]}
                    for s in scheme.sections],
    }


def dumps(scheme: sc.Scheme) -> str:
    """The scheme as a TOML file; :func:`loads` reads it back equal."""
    return toml_dumps(to_data(scheme), preamble=f"{scheme.name}\n评分细则 {scheme.code}，第{scheme.version}版。")
