"""Roll-up of the task list: a task group's status and progress derived from its children.

A plan's task list is a tree (（一） → 1. → （1））. A task with children is a *group*: its own stored status and
per cent are not what the office reads; they are derived from the children, recursively, by these rules:

* **progress**: the mean of the children's progress, each child weighing the same (a sub-group counts as one
  child with its own rolled-up progress). The task list has no weight field; the plans list a group's items
  as peers, so equal weight is what the office expects. A completed child counts 100 %. The exact mean is kept
  (a :class:`~fractions.Fraction`) and the printed per cent is rounded down, so a group reads 100 % only when
  every child is done.
* **status**: 已完成 when every child is done; 未启动 when no child has started; otherwise 推进中.
* **overdue**: a task is overdue when its deadline has passed (due today is not overdue) and it is not done;
  a group is overdue when any task below it is, or when its own deadline has passed and it is not done.

Everything is computed in one pass over the whole list (no recursion per group): the nodes are put in
breadth-first order from the roots and folded bottom-up. A node whose parent is not in the list is a root
(a reporter's list holds only its own tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

TaskState = Literal["not_started", "in_progress", "completed"]
NOT_STARTED: TaskState = "not_started"
IN_PROGRESS: TaskState = "in_progress"
COMPLETED: TaskState = "completed"
_STATES: frozenset[str] = frozenset((NOT_STARTED, IN_PROGRESS, COMPLETED))


@dataclass(frozen=True)
class TaskNode:
    """One task as stored: its own status and per cent (0–100), and its dates (``deadline`` None = 长期坚持)."""

    id: int
    parent_id: int | None
    status: TaskState
    percent: int
    deadline: dt.date | None = None
    start: dt.date | None = None

    def __post_init__(self) -> None:
        if self.status not in _STATES:
            raise ValueError(f"unknown task status {self.status!r}")
        if not 0 <= self.percent <= 100:
            raise ValueError(f"a task's per cent lies in 0..100, not {self.percent}")
        if self.parent_id == self.id:
            raise ValueError(f"task {self.id} is its own parent")


@dataclass(frozen=True)
class Rollup:
    """What the office reads of a task: for a leaf its own values, for a group the values derived from below.

    ``tasks`` counts the leaf tasks at or below the node (1 for a leaf), split by state in ``completed``,
    ``in_progress`` and ``not_started``; ``overdue_tasks`` counts the overdue ones among them. ``first_start``
    and ``last_deadline`` span the leaves' dates (None when none has one)."""

    status: TaskState
    progress: Fraction  # exact per cent, 0..100
    overdue: bool
    is_group: bool
    children: int
    tasks: int
    completed: int
    in_progress: int
    not_started: int
    overdue_tasks: int
    first_start: dt.date | None
    last_deadline: dt.date | None

    @property
    def percent(self) -> int:
        """The per cent as printed: rounded down, so that 100 means every task is done."""
        return int(self.progress)  # progress >= 0: int() rounds down


def _leaf(node: TaskNode, today: dt.date) -> Rollup:
    done = node.status == COMPLETED
    overdue = node.deadline is not None and node.deadline < today and not done
    return Rollup(
        status=node.status, progress=Fraction(100 if done else node.percent), overdue=overdue, is_group=False,
        children=0, tasks=1, completed=int(done), in_progress=int(node.status == IN_PROGRESS),
        not_started=int(node.status == NOT_STARTED), overdue_tasks=int(overdue), first_start=node.start,
        last_deadline=node.deadline,
    )


def _group(node: TaskNode, parts: list[Rollup], today: dt.date) -> Rollup:
    if all(p.status == COMPLETED for p in parts):
        status = COMPLETED
    elif all(p.status == NOT_STARTED for p in parts):
        status = NOT_STARTED
    else:
        status = IN_PROGRESS
    own_late = node.deadline is not None and node.deadline < today and status != COMPLETED
    starts = [p.first_start for p in parts if p.first_start is not None]
    deadlines = [p.last_deadline for p in parts if p.last_deadline is not None]
    return Rollup(
        status=status, progress=sum((p.progress for p in parts), Fraction(0)) / len(parts),
        overdue=own_late or any(p.overdue for p in parts), is_group=True, children=len(parts),
        tasks=sum(p.tasks for p in parts), completed=sum(p.completed for p in parts),
        in_progress=sum(p.in_progress for p in parts), not_started=sum(p.not_started for p in parts),
        overdue_tasks=sum(p.overdue_tasks for p in parts), first_start=min(starts, default=None),
        last_deadline=max(deadlines, default=None),
    )


def roll_up(nodes: Iterable[TaskNode], today: dt.date) -> dict[int, Rollup]:
    """Every node's :class:`Rollup`, keyed by id; ``today`` decides what is overdue.

    Raises ``ValueError`` on a repeated id or a cycle of parents.
    """
    by_id: dict[int, TaskNode] = {}
    for node in nodes:
        if node.id in by_id:
            raise ValueError(f"task {node.id} appears twice")
        by_id[node.id] = node
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for node in by_id.values():
        if node.parent_id is not None and node.parent_id in by_id:
            children.setdefault(node.parent_id, []).append(node.id)
        else:
            roots.append(node.id)
    order = list(roots)  # breadth-first: every parent before its children
    for node_id in order:
        order.extend(children.get(node_id, ()))
    if len(order) != len(by_id):
        raise ValueError("the tasks' parents form a cycle")
    result: dict[int, Rollup] = {}
    for node_id in reversed(order):  # children before their parent
        node = by_id[node_id]
        kids = children.get(node_id)
        result[node_id] = _group(node, [result[k] for k in kids], today) if kids else _leaf(node, today)
    return result
