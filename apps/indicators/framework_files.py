"""Reading and checking framework data files (TOML). No ORM here: parse → typed records or errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from apps.geo.models import RegionLevel
from calc.targets import LEVELS, TargetSyntaxError, parse_target

from .models import evidence_checklist_problem

FRAMEWORK_DIR = Path(__file__).resolve().parent / "frameworks"

_FRAMEWORK_KEYS = {"code", "title", "short_title", "document", "issuer", "issued_on", "levels", "partial", "note"}
_PARENT_KEYS = {"number", "code", "name", "domain", "task", "sub"}
_LEAF_KEYS = {
    "code", "name", "unit", "direction", "binding", "scope", "coastal_only", "where_applicable",
    "target", "evidence", "evidence_optional", "confirmation", "source_url", "note",
}
#: The levels a framework file may give targets for (``target.city`` …), top level first.
_ASSESSED_LEVELS = (RegionLevel.CITY.value, RegionLevel.COUNTY.value)


class FrameworkFileError(ValueError):
    """A framework file with an error; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class IndicatorRecord:
    code: str
    number: int
    name: str
    domain: str
    task: str
    parent_code: str | None = None
    unit: str = ""
    direction: str = "higher"
    binding: bool | None = None
    scope: tuple[str, ...] = ()
    coastal_only: bool = False
    where_applicable: bool = False
    targets: dict[str, str] = field(default_factory=dict)  # level → target expression, top level first
    evidence: tuple[str, ...] = ()
    evidence_optional: tuple[str, ...] = ()  # the checklist items not required for a submission
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def is_leaf(self) -> bool:
        return bool(self.scope)


@dataclass(frozen=True)
class FrameworkRecord:
    code: str
    title: str
    short_title: str
    document: str
    issuer: str
    issued_on: dt.date | None
    levels: tuple[str, ...]
    partial: bool
    note: str
    sha256: str
    indicators: tuple[IndicatorRecord, ...]


def framework_files() -> list[Path]:
    return sorted(FRAMEWORK_DIR.glob("*.toml"))


def read_framework_file(path: Path) -> FrameworkRecord:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FrameworkFileError(f"{path.name}: 文件格式错误：{exc}") from exc
    return parse_framework(data, source=path.name, sha256=hashlib.sha256(raw).hexdigest())


def _checked_head(head: object, source: str) -> dict:
    """The [framework] table, checked."""
    if not isinstance(head, dict):
        raise FrameworkFileError(f"{source}: 缺少 [framework] 部分")

    def fail(field_name: str, message: str) -> FrameworkFileError:
        return FrameworkFileError(f"{source}: [framework] 字段 {field_name}：{message}")

    unknown = set(head) - _FRAMEWORK_KEYS
    if unknown:
        raise fail(sorted(unknown)[0], "未知字段")
    for key in ("code", "title"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise fail(key, "必填")
    levels = head.get("levels", list(_ASSESSED_LEVELS))
    if not isinstance(levels, list) or not levels or any(lv not in _ASSESSED_LEVELS for lv in levels):
        raise fail("levels", f"必须是 {list(_ASSESSED_LEVELS)} 的非空子集")
    issued_on = head.get("issued_on")
    if issued_on is not None and not isinstance(issued_on, dt.date):
        raise fail("issued_on", "必须是日期，如 2019-09-11")
    return head


def _leaf_targets(target: object, scope: list[str],
                  fail: Callable[[str, str], FrameworkFileError]) -> dict[str, str]:
    """Level → target expression: one text for every level in scope, or one per level; each must parse."""
    if isinstance(target, str):
        targets = {level: target for level in scope}
    elif isinstance(target, dict):
        extra = set(target) - set(_ASSESSED_LEVELS)
        if extra:
            raise fail(f"target.{sorted(extra)[0]}", "未知层级")
        targets = dict(target)
    else:
        raise fail("target", "必填（文本，或按 target.city / target.county 分别给出）")
    for level in scope:
        if level not in targets:
            raise fail(f"target.{level}", "适用范围包含该层级，但未给出目标")
    for level, expression in targets.items():
        field_name = "target" if isinstance(target, str) else f"target.{level}"
        if level not in scope:
            raise fail(field_name, "给出了目标，但适用范围不含该层级")
        if not isinstance(expression, str):
            raise fail(field_name, "必须是文本")
        try:
            parse_target(expression)
        except TargetSyntaxError as exc:
            raise fail(field_name, str(exc)) from exc
    return targets


class _IndicatorParser:
    """Reads the [[indicator]] entries of one file: codes unique across the file, scopes within ``levels``."""

    def __init__(self, source: str, levels: list[str]) -> None:
        self.source, self.levels = source, levels
        self.seen: set[str] = set()

    def fail(self, entry: str, field_name: str, message: str) -> FrameworkFileError:
        return FrameworkFileError(f"{self.source}: {entry} 字段 {field_name}：{message}")

    def text(self, entry: dict, key: str, where: str, *, required: bool = True) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise self.fail(where, key, "必须是文本")
        if required and not value.strip():
            raise self.fail(where, key, "必填")
        return value.strip()

    def code_of(self, entry: dict, where: str) -> str:
        code = self.text(entry, "code", where)
        if code in self.seen:
            raise self.fail(f"指标 {code}", "code", "编码重复")
        self.seen.add(code)
        return code

    def entry(self, position: int, entry: object) -> list[IndicatorRecord]:
        """One [[indicator]]: a leaf, or a parent followed by its sub-indicators."""
        if not isinstance(entry, dict):
            raise FrameworkFileError(f"{self.source}: 第{position}个 [[indicator]] 格式错误")
        code = self.code_of(entry, f"第{position}个指标")
        where = f"指标 {code}"
        number = entry.get("number")
        if not isinstance(number, int) or number < 1:
            raise self.fail(where, "number", "必须是正整数")
        name, domain, task = (self.text(entry, key, where) for key in ("name", "domain", "task"))
        subs = entry.get("sub")
        if subs is None:
            return [self.leaf(entry, code=code, number=number, name=name, domain=domain, task=task, parent=None)]
        unknown_keys = set(entry) - _PARENT_KEYS
        if unknown_keys:
            raise self.fail(where, sorted(unknown_keys)[0], "含子指标的指标不能直接设置该字段，请写在子指标中")
        if not isinstance(subs, list) or not subs:
            raise self.fail(where, "sub", "子指标列表为空")
        records = [IndicatorRecord(code=code, number=number, name=name, domain=domain, task=task)]
        for sub in subs:
            sub_code = self.code_of(sub, f"指标 {code} 的子指标")
            sub_name = self.text(sub, "name", f"指标 {sub_code}")
            records.append(
                self.leaf(sub, code=sub_code, number=number, name=sub_name, domain=domain, task=task, parent=code)
            )
        return records

    def leaf(self, entry: dict, *, code: str, number: int, name: str, domain: str, task: str,
             parent: str | None) -> IndicatorRecord:
        where = f"指标 {code}"
        unknown_keys = set(entry) - _LEAF_KEYS - ({"number", "domain", "task"} if parent is None else set())
        if unknown_keys:
            raise self.fail(where, sorted(unknown_keys)[0], "未知字段")
        direction = entry.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise self.fail(where, "direction", "只能是 higher 或 lower")
        binding = entry.get("binding")
        if binding not in (True, False, "unknown"):
            raise self.fail(where, "binding", "只能是 true、false 或 \"unknown\"")
        scope = entry.get("scope")
        if not isinstance(scope, list) or not scope or any(s not in self.levels for s in scope):
            raise self.fail(where, "scope", f"必须是本指标体系适用层级 {self.levels} 的非空子集")
        targets = _leaf_targets(entry.get("target"), scope, lambda field, message: self.fail(where, field, message))
        evidence = entry.get("evidence", [])
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise self.fail(where, "evidence", "必须是文本列表")
        optional = entry.get("evidence_optional", [])
        problem = evidence_checklist_problem(evidence, optional)
        if problem:
            raise self.fail(where, "evidence_optional", problem)
        for flag in ("coastal_only", "where_applicable"):
            if not isinstance(entry.get(flag, False), bool):
                raise self.fail(where, flag, "只能是 true 或 false")
        meta = {k: self.text(entry, k, where, required=False)
                for k in ("confirmation", "source_url", "note") if k in entry}
        return IndicatorRecord(
            code=code, number=number, name=name, domain=domain, task=task, parent_code=parent,
            unit=self.text(entry, "unit", where, required=False), direction=direction,
            binding=None if binding == "unknown" else bool(binding), scope=tuple(scope),
            coastal_only=entry.get("coastal_only", False), where_applicable=entry.get("where_applicable", False),
            targets={level: targets[level] for level in _ASSESSED_LEVELS if level in targets},
            evidence=tuple(evidence), evidence_optional=tuple(optional), meta=meta,
        )


def parse_framework(data: dict, *, source: str, sha256: str = "") -> FrameworkRecord:
    head = _checked_head(data.get("framework"), source)
    levels = head.get("levels", list(_ASSESSED_LEVELS))
    entries = data.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise FrameworkFileError(f"{source}: 没有任何 [[indicator]]")
    parser = _IndicatorParser(source, levels)
    records = [record for position, entry in enumerate(entries, start=1) for record in parser.entry(position, entry)]
    return FrameworkRecord(
        code=head["code"].strip(), title=head["title"].strip(), short_title=str(head.get("short_title", "")),
        document=str(head.get("document", "")), issuer=str(head.get("issuer", "")), issued_on=head.get("issued_on"),
        levels=tuple(levels), partial=bool(head.get("partial", False)), note=str(head.get("note", "")),
        sha256=sha256, indicators=tuple(records),
    )

assert set(_ASSESSED_LEVELS) <= set(LEVELS)
