"""The roll-up of task groups: status, progress and overdue derived from the children, recursively."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.tasks.rollup import COMPLETED, IN_PROGRESS, NOT_STARTED, TaskNode, roll_up

TODAY = dt.date(2026, 6, 30)
PAST, FUTURE = dt.date(2026, 6, 29), dt.date(2026, 7, 1)
G = 1  # the group of every table row below


def _kids(*specs: tuple[str, int, dt.date | None]) -> list[TaskNode]:
    return [TaskNode(G, None, NOT_STARTED, 0)] + [
        TaskNode(10 + i, G, status, percent, deadline) for i, (status, percent, deadline) in enumerate(specs)]


@pytest.mark.parametrize(("children", "status", "progress", "percent", "overdue"), [
    # every child done: done, 100 %
    ([(COMPLETED, 100, PAST), (COMPLETED, 100, None)], COMPLETED, Fraction(100), 100, False),
    # a completed child counts 100 % whatever per cent it stored
    ([(COMPLETED, 80, None), (IN_PROGRESS, 50, None)], IN_PROGRESS, Fraction(75), 75, False),
    # none started: not started, 0 %
    ([(NOT_STARTED, 0, FUTURE), (NOT_STARTED, 0, None)], NOT_STARTED, Fraction(0), 0, False),
    # one started
    ([(NOT_STARTED, 0, None), (IN_PROGRESS, 30, None)], IN_PROGRESS, Fraction(15), 15, False),
    # equal weight, the exact mean kept and the printed per cent rounded down
    ([(COMPLETED, 100, None), (COMPLETED, 100, None), (IN_PROGRESS, 99, None)], IN_PROGRESS, Fraction(299, 3), 99,
     False),
    ([(IN_PROGRESS, 60, None), (IN_PROGRESS, 70, None), (IN_PROGRESS, 85, None)], IN_PROGRESS, Fraction(215, 3), 71,
     False),
    # one child overdue makes the group overdue; due today is not overdue
    ([(IN_PROGRESS, 50, PAST), (COMPLETED, 100, None)], IN_PROGRESS, Fraction(75), 75, True),
    ([(IN_PROGRESS, 50, TODAY), (COMPLETED, 100, None)], IN_PROGRESS, Fraction(75), 75, False),
    # a done child past its deadline is not overdue
    ([(COMPLETED, 100, PAST), (IN_PROGRESS, 10, FUTURE)], IN_PROGRESS, Fraction(55), 55, False),
])
def test_group_of_leaves(children, status, progress, percent, overdue):
    result = roll_up(_kids(*children), TODAY)[G]
    assert (result.status, result.progress, result.percent, result.overdue) == (status, progress, percent, overdue)
    assert result.is_group and result.children == result.tasks == len(children)
    assert result.completed == sum(1 for s, *_ in children if s == COMPLETED)
    assert result.overdue_tasks == int(overdue)


def test_the_groups_own_stored_values_do_not_count():
    nodes = [TaskNode(G, None, COMPLETED, 100), TaskNode(2, G, NOT_STARTED, 0)]
    assert roll_up(nodes, TODAY)[G].status == NOT_STARTED


def test_a_groups_own_deadline_makes_it_overdue_until_every_child_is_done():
    late = [TaskNode(G, None, NOT_STARTED, 0, PAST), TaskNode(2, G, IN_PROGRESS, 50, FUTURE)]
    assert roll_up(late, TODAY)[G].overdue and roll_up(late, TODAY)[G].overdue_tasks == 0
    done = [TaskNode(G, None, NOT_STARTED, 0, PAST), TaskNode(2, G, COMPLETED, 100, FUTURE)]
    assert not roll_up(done, TODAY)[G].overdue


def test_nested_groups_roll_up_recursively_each_child_weighing_the_same():
    # （一） has item 1. (a leaf at 100 %) and item 2. with three sub-items (0, 0, 60 → 20 %)
    nodes = [
        TaskNode(1, None, NOT_STARTED, 0),
        TaskNode(2, 1, COMPLETED, 100, dt.date(2025, 12, 31), start=dt.date(2025, 1, 1)),
        TaskNode(3, 1, NOT_STARTED, 0),
        TaskNode(4, 3, NOT_STARTED, 0, dt.date(2027, 6, 30)),
        TaskNode(5, 3, NOT_STARTED, 0, None, start=dt.date(2024, 3, 1)),
        TaskNode(6, 3, IN_PROGRESS, 60, PAST),
    ]
    result = roll_up(nodes, TODAY)
    assert result[3].progress == 20 and result[3].status == IN_PROGRESS and result[3].overdue
    assert result[1].progress == 60 and result[1].percent == 60  # (100 + 20) / 2, not (100 + 0 + 0 + 60) / 4
    assert (result[1].tasks, result[1].completed, result[1].in_progress, result[1].not_started) == (4, 1, 1, 2)
    assert result[1].overdue and result[1].overdue_tasks == 1 and result[1].children == 2
    assert result[1].first_start == dt.date(2024, 3, 1) and result[1].last_deadline == dt.date(2027, 6, 30)
    assert not result[2].is_group and result[2].tasks == 1 and result[2].percent == 100


def test_a_node_whose_parent_is_not_listed_is_a_root():
    result = roll_up([TaskNode(7, 99, IN_PROGRESS, 40)], TODAY)
    assert result[7].percent == 40 and not result[7].is_group


@pytest.mark.parametrize("nodes", [
    [TaskNode(1, 2, NOT_STARTED, 0), TaskNode(2, 1, NOT_STARTED, 0)],
    [TaskNode(1, None, NOT_STARTED, 0), TaskNode(1, None, NOT_STARTED, 0)],
])
def test_cycles_and_repeated_ids_are_refused(nodes):
    with pytest.raises(ValueError):
        roll_up(nodes, TODAY)


@pytest.mark.parametrize("kwargs", [{"percent": 101}, {"percent": -1}, {"status": "done"}, {"parent_id": 1}])
def test_invalid_nodes_are_refused(kwargs):
    with pytest.raises(ValueError):
        TaskNode(**{"id": 1, "parent_id": None, "status": NOT_STARTED, "percent": 0, **kwargs})


def test_empty_list():
    assert roll_up([], TODAY) == {}


_leaf = st.tuples(st.sampled_from([NOT_STARTED, IN_PROGRESS, COMPLETED]), st.integers(0, 100))


@given(st.lists(st.lists(_leaf, min_size=1, max_size=5), min_size=1, max_size=5))
def test_a_group_is_done_exactly_when_it_reads_100(groups):
    nodes = [TaskNode(1, None, NOT_STARTED, 0)]
    next_id = 2
    for leaves in groups:
        group_id = next_id
        nodes.append(TaskNode(group_id, 1, NOT_STARTED, 0))
        next_id += 1
        for status, percent in leaves:
            percent = 100 if status == COMPLETED else min(percent, 99)
            nodes.append(TaskNode(next_id, group_id, status, percent))
            next_id += 1
    top = roll_up(nodes, TODAY)[1]
    assert (top.percent == 100) == (top.status == COMPLETED)
    assert 0 <= top.progress <= 100
    assert top.tasks == top.completed + top.in_progress + top.not_started == sum(len(g) for g in groups)
