"""A scheme as a sheet (考核内容 / 序号 / 考核指标 / 分值 / 数据来源, then the rule): rows out, rows back in.

The office keeps its 评分细则 as such a table. :func:`item_rows` writes one row per item of a scheme;
:func:`apply_rows` reads edited rows back onto the scheme they came from, as a new version: the rows give the
sections (by 考核内容, in order), the items (by 序号 = the item's code) with their name, points, source, rule type,
the rule's parameters and the item's other settings (both as the body of a TOML inline table,
``key = "air.pm25", per = 1``); everything else (grades, adjustments, total, places, …) is the base scheme's.
Every problem is reported at once, by row where it has one; the result is checked by
:func:`calc.scoring.schemefile.from_data` like any scheme file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from calc.scoring import scheme as sc
from calc.scoring.schemefile import Problem, SchemeError, from_data, to_data
from calc.scoring.toml_writer import Value, inline

__all__ = ["COLUMNS", "ItemRow", "apply_rows", "item_rows", "row_of"]

SECTION, NUMBER, NAME, POINTS, SOURCE, RULE, PARAMS, OTHER = (
    "考核内容", "序号", "考核指标", "分值", "数据来源", "计分规则", "规则参数", "其他设置")
COLUMNS = (SECTION, NUMBER, NAME, POINTS, SOURCE, RULE, PARAMS, OTHER)
REQUIRED = (SECTION, NUMBER, NAME, POINTS, RULE)
#: The fields of an item that have their own column (the rest go to 其他设置).
_OWN = ("code", "name", "points", "source", "rule")


@dataclass(frozen=True)
class ItemRow:
    """One item as the sheet has it (texts as typed; ``row`` as Excel numbers it, 0 for a written row)."""

    row: int
    section: str
    code: str
    name: str
    points: str
    source: str
    rule: str
    params: str
    other: str

    def cells(self) -> dict[str, str]:
        return {SECTION: self.section, NUMBER: self.code, NAME: self.name, POINTS: self.points,
                SOURCE: self.source, RULE: self.rule, PARAMS: self.params, OTHER: self.other}


def _points(value: Decimal) -> str:
    return format(value.normalize(), "f")


def item_rows(scheme: sc.Scheme) -> list[ItemRow]:
    """One row per item, in scheme order (what the download writes and :func:`apply_rows` reads back equal)."""
    data = to_data(scheme)
    rows = []
    for section in data["section"]:  # type: ignore[union-attr]
        assert isinstance(section, Mapping)
        for item in section["item"]:  # type: ignore[union-attr]
            assert isinstance(item, Mapping)
            assert isinstance(item["rule"], Mapping)
            rule = dict(item["rule"])
            kind = str(rule.pop("type"))
            other: dict[str, Value] = {k: v for k, v in item.items() if k not in _OWN}
            rows.append(ItemRow(0, str(section["name"]), str(item["code"]), str(item["name"]),
                                _points(item["points"]) if isinstance(item["points"], Decimal) else str(item["points"]),
                                str(item.get("source", "")), kind, inline(rule), inline(other)))
    return rows


def _table(text: str) -> dict[str, Any]:
    """The body of an inline table; raises ValueError with the reader's message."""
    if not text.strip():
        return {}
    try:
        return dict(tomllib.loads(f"t = {{{text}}}", parse_float=Decimal)["t"])
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"应为“键 = 值”并以逗号分隔的写法（如 key = \"air.pm25\", per = 1）：{exc}") from exc


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"应为数字，而不是“{text}”") from None
    if not value.is_finite():
        raise ValueError(f"应为数字，而不是“{text}”")
    return value


def row_of(problem: Problem, rows: Sequence[ItemRow]) -> ItemRow | None:
    """The row a problem of the applied scheme is about (an item's), or None (the scheme as a whole)."""
    for row in rows:
        if problem.where.startswith(f"评分项「{row.code} ") or problem.where == f"评分项「{row.code}」":
            return row
    return None


def apply_rows(base: sc.Scheme, rows: Sequence[ItemRow], *, version: int) -> sc.Scheme:
    """The base scheme with its sections and items as ``rows`` have them, as ``version``; raises
    :class:`SchemeError` listing every problem (an item's name it as ``评分项「A2 PM10年均浓度」``: see
    :func:`row_of`)."""
    problems: list[Problem] = []
    sections: dict[str, dict[str, Any]] = {}
    codes = {s.name: s.code for s in base.sections}
    used = set(codes.values()) | {i.code for i in base.items}
    for row in rows:
        where = f"评分项「{row.code} {row.name}」"  # as from_data names an item, so row_of finds its row
        item: dict[str, Any] = {"code": row.code, "name": row.name}
        if row.source:
            item["source"] = row.source
        try:
            item["points"] = _number(row.points)
        except ValueError as exc:
            problems.append(Problem(where, POINTS, str(exc)))
        for column, text in ((PARAMS, row.params), (OTHER, row.other)):
            try:
                table = _table(text)
            except ValueError as exc:
                problems.append(Problem(where, column, str(exc)))
                continue
            if column == PARAMS:
                item["rule"] = {"type": row.rule, **table}
            else:
                clash = sorted(set(table) & set(_OWN))
                if clash:
                    problems.append(Problem(where, column, f"{'、'.join(clash)}应填在各自的列中"))
                item.update({k: v for k, v in table.items() if k not in _OWN})
        if not row.section:
            problems.append(Problem(where, SECTION, "不能为空"))
        if row.section not in codes:
            codes[row.section] = _new_code(used)
            used.add(codes[row.section])
        sections.setdefault(row.section, {"code": codes[row.section], "name": row.section, "item": []})
        sections[row.section]["item"].append(item)
    if not rows:
        problems.append(Problem("评分表", "", "没有评分项"))
    if problems:
        raise SchemeError(problems)
    data: dict[str, Any] = dict(to_data(base))
    data["scheme"] = {**data["scheme"], "version": version}
    data["section"] = list(sections.values())
    return from_data(data)


def _new_code(used: set[str]) -> str:
    """A section code for a new 考核内容: the first of S1, S2, … not used by a section or an item."""
    number = 1
    while f"S{number}" in used:
        number += 1
    return f"S{number}"
