"""The staged plan: what a plan document says, matched to the program, as the office corrects it before commit.

A :class:`Draft` is built from docimport's :class:`~docimport.plan.PlanExtraction` and the program's matches
(:func:`apps.planimport.services.plan_draft_build`), kept as JSON in the staged import's ``plan["draft"]``, and
changed only by :func:`apply_correction` (one function for every kind of correction, each a small pure step).
Items keep their ``span`` into ``text``, so the preview can show each beside its source.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from apps.core.errors import DomainError


class UnitAction(StrEnum):
    MATCH = "match"  # an existing department
    NEW = "new"  # created at commit
    SKIP = "skip"  # not a unit (各县区政府): left out of the lists


@dataclass(frozen=True)
class DraftUnit:
    """A unit name as written, and what the office accepts it as."""

    name: str
    action: str
    department_id: int | None
    department_name: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class DraftTask:
    key: str
    ref: str
    title: str
    lead: tuple[str, ...]
    cooperating: tuple[str, ...]
    span: tuple[int, int]
    text: str = ""
    dropped: bool = False
    group_marker: str = ""  # the heading the task stands under ("（一）"), written as its group in the task list
    group: str = ""


@dataclass(frozen=True)
class DraftTarget:
    key: str
    text: str
    phrase: str
    comparator: str
    value: str
    unit: str
    deadline: int | None
    span: tuple[int, int]
    indicator_id: int | None
    indicator_name: str
    confidence: float
    reason: str
    dropped: bool = False


@dataclass(frozen=True)
class DraftPhase:
    key: str
    name: str
    start: str
    end: str | None
    span: tuple[int, int]
    dropped: bool = False


@dataclass(frozen=True)
class DraftProjects:
    count: int | None
    investment_yi_yuan: str | None
    span: tuple[int, int]
    categories: tuple[tuple[str, int | None, str | None], ...] = ()
    dropped: bool = False


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    tasks: tuple[DraftTask, ...]
    targets: tuple[DraftTarget, ...]
    phases: tuple[DraftPhase, ...]
    projects: DraftProjects | None
    units: tuple[DraftUnit, ...]
    blanket_units: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    serial: int = 0  # the last key number given (split tasks get new keys)

    def unit(self, name: str) -> DraftUnit | None:
        return next((u for u in self.units if u.name == name), None)

    def used_units(self) -> list[str]:
        """The unit names the kept tasks (and the blanket line) name, in order of first use."""
        names = [n for t in self.tasks if not t.dropped for n in (*t.lead, *t.cooperating)]
        return list(dict.fromkeys([*names, *self.blanket_units]))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        projects = data.get("projects")
        return cls(
            title=data["title"], text=data["text"],
            tasks=tuple(DraftTask(**{**t, "lead": tuple(t["lead"]), "cooperating": tuple(t["cooperating"]),
                                     "span": tuple(t["span"])}) for t in data["tasks"]),
            targets=tuple(DraftTarget(**{**t, "span": tuple(t["span"])}) for t in data["targets"]),
            phases=tuple(DraftPhase(**{**p, "span": tuple(p["span"])}) for p in data["phases"]),
            projects=None if projects is None else DraftProjects(
                **{**projects, "span": tuple(projects["span"]),
                   "categories": tuple(tuple(c) for c in projects["categories"])}),
            units=tuple(DraftUnit(**u) for u in data["units"]),
            blanket_units=tuple(data.get("blanket_units", ())), warnings=tuple(data.get("warnings", ())),
            serial=int(data.get("serial", 0)),
        )


# --- corrections -----------------------------------------------------------------------------------------


class CorrectionKind(StrEnum):
    TITLE = "title"  # a task's title
    UNITS = "units"  # a task's lead and cooperating units (names)
    UNIT = "unit"  # what a unit name is: a department, a new unit, or no unit
    MERGE = "merge"  # a task and the one named by ``other`` become one
    SPLIT = "split"  # a task becomes one per title in ``titles``
    DROP = "drop"  # leave out (``dropped``) or take back an item of any list
    INDICATOR = "indicator"  # a target's indicator (None: no indicator; the target is not written)


def correction_kind(text: str) -> CorrectionKind:
    if text not in set(CorrectionKind):
        raise DomainError("未知的更正类型。")
    return CorrectionKind(text)


@dataclass(frozen=True)
class Correction:
    """One correction of the staged plan; which fields count depends on ``kind``."""

    kind: CorrectionKind
    key: str = ""  # the item (task, target, phase key, or "projects")
    title: str = ""
    lead: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()
    unit: str = ""
    action: str = ""
    department_id: int | None = None
    department_name: str = ""
    other: str = ""
    titles: tuple[str, ...] = ()
    dropped: bool = True
    indicator_id: int | None = None
    indicator_name: str = ""


def _task(draft: Draft, key: str) -> DraftTask:
    task = next((t for t in draft.tasks if t.key == key), None)
    if task is None:
        raise DomainError("没有找到该任务。")
    return task


def _with_task(draft: Draft, key: str, new: tuple[DraftTask, ...]) -> tuple[DraftTask, ...]:
    """The tasks with ``key`` replaced by ``new`` (none, one or several), in place."""
    out: list[DraftTask] = []
    for task in draft.tasks:
        out.extend(new if task.key == key else (task,))
    return tuple(out)


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


NewUnits = dict[str, DraftUnit]


def _retitle(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    title = correction.title.strip()
    if not title:
        raise DomainError("任务名称不能为空。")
    task = replace(_task(draft, correction.key), title=title)
    return replace(draft, tasks=_with_task(draft, correction.key, (task,)))


def _reassign(draft: Draft, correction: Correction, new_units: NewUnits) -> Draft:
    lead, cooperating = _names(correction.lead), _names(correction.cooperating)
    cooperating = tuple(n for n in cooperating if n not in lead)
    task = replace(_task(draft, correction.key), lead=lead, cooperating=cooperating)
    added = [new_units[n] for n in (*lead, *cooperating) if draft.unit(n) is None and n in new_units]
    return replace(draft, tasks=_with_task(draft, correction.key, (task,)), units=(*draft.units, *added))


def _resolve_unit(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    unit = draft.unit(correction.unit)
    if unit is None:
        raise DomainError("没有找到该单位名称。")
    if correction.action not in set(UnitAction):
        raise DomainError("请选择已有单位、新增单位或不作为单位。")
    matched = correction.action == UnitAction.MATCH
    if matched and correction.department_id is None:
        raise DomainError("请选择对应的单位。")
    fixed = replace(unit, action=correction.action, department_id=correction.department_id if matched else None,
                    department_name=correction.department_name if matched else "", confidence=1.0,
                    reason="由生态办确认")
    return replace(draft, units=tuple(fixed if u.name == unit.name else u for u in draft.units))


def _merge(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    first, second = _task(draft, correction.key), _task(draft, correction.other)
    if first.key == second.key:
        raise DomainError("请选择另一项任务合并。")
    lead = _names((*first.lead, *second.lead))
    merged = replace(first, title=f"{first.title}；{second.title}"[:200], lead=lead,
                     cooperating=tuple(n for n in _names((*first.cooperating, *second.cooperating)) if n not in lead),
                     span=(min(first.span[0], second.span[0]), max(first.span[1], second.span[1])),
                     text="\n".join(t for t in (first.text, second.text) if t))
    tasks = tuple(t for t in _with_task(draft, first.key, (merged,)) if t.key != second.key)
    return replace(draft, tasks=tasks)


def _split(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    task = _task(draft, correction.key)
    titles = tuple(t.strip() for t in correction.titles if t.strip())
    if len(titles) < 2:
        raise DomainError("拆分需要至少两个任务名称（每行一个）。")
    parts = tuple(replace(task, key=f"t{draft.serial + i + 1}", title=title[:200],
                          ref=f"{task.ref}-{i + 1}" if task.ref else "") for i, title in enumerate(titles))
    return replace(draft, tasks=_with_task(draft, task.key, parts), serial=draft.serial + len(parts))


def _rematch(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    target = next((t for t in draft.targets if t.key == correction.key), None)
    if target is None:
        raise DomainError("没有找到该目标。")
    fixed = replace(target, indicator_id=correction.indicator_id,
                    indicator_name=correction.indicator_name if correction.indicator_id else "",
                    confidence=1.0, reason="由生态办确认" if correction.indicator_id else "生态办确认不对应指标")
    return replace(draft, targets=tuple(fixed if t.key == target.key else t for t in draft.targets))


def _drop_item(draft: Draft, correction: Correction, _new: NewUnits) -> Draft:
    return _drop(draft, correction.key, correction.dropped)


STEPS = {
    CorrectionKind.TITLE: _retitle, CorrectionKind.UNITS: _reassign, CorrectionKind.UNIT: _resolve_unit,
    CorrectionKind.MERGE: _merge, CorrectionKind.SPLIT: _split, CorrectionKind.DROP: _drop_item,
    CorrectionKind.INDICATOR: _rematch,
}


def apply_correction(draft: Draft, correction: Correction, *, new_units: NewUnits) -> Draft:
    """The draft with one correction applied (the one function every correction goes through); ``new_units``
    are the matches of unit names the correction introduces (the caller matches them to the departments)."""
    return STEPS[correction.kind](draft, correction, new_units)


def _drop(draft: Draft, key: str, dropped: bool) -> Draft:
    if key == "projects":
        if draft.projects is None:
            raise DomainError("没有项目汇总。")
        return replace(draft, projects=replace(draft.projects, dropped=dropped))
    for name in ("tasks", "targets", "phases"):
        items = getattr(draft, name)
        if any(item.key == key for item in items):
            return replace(draft, **{name: tuple(replace(i, dropped=dropped) if i.key == key else i for i in items)})
    raise DomainError("没有找到该条目。")


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal as the draft keeps it (plain text, no exponent)."""
    if value is None:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
