"""The timeline's label lanes: no two labels of a lane overlap, at the layout's width and at any wider one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calc.tasks.lanes import Label, label_width, lane_count, place_labels


@pytest.mark.parametrize(("text", "width"), [
    ("", 8), ("巩固提升", 4 * 12 + 8), ("2026", 32 + 8), ("《规划》通过", 6 * 12 + 8), ("PM2.5 下降", 71 + 8),
])
def test_label_width(text, width):
    assert label_width(text) == width


@pytest.mark.parametrize(("labels", "lanes", "anchors"), [
    # far apart: one lane, each runs right from its point
    ([("a", 0.0, 100), ("b", 0.5, 100)], [0, 0], ["start", "start"]),
    # too close: the second label goes to the next lane
    ([("a", 0.1, 100), ("b", 0.15, 100)], [0, 1], ["start", "start"]),
    # exactly the gap apart still fits in one lane
    ([("a", 0.0, 94), ("b", 0.1, 100)], [0, 0], ["start", "start"]),
    ([("a", 0.0, 95), ("b", 0.1, 100)], [0, 1], ["start", "start"]),
    # at the axis' end a label runs left to its point
    ([("a", 1.0, 100)], [0], ["end"]),
    # a label wider than the room on either side starts at the axis' start
    ([("a", 0.5, 900)], [0], ["axis"]),
    # a third label returns to the first lane once there is room
    ([("a", 0.0, 100), ("b", 0.05, 100), ("c", 0.2, 100)], [0, 1, 0], ["start", "start", "start"]),
])
def test_place_labels(labels, lanes, anchors):
    placed = place_labels([Label(k, at, w) for k, at, w in labels], axis_px=1000)
    assert [p.lane for p in placed] == lanes and [p.anchor for p in placed] == anchors
    assert lane_count(placed) == max(lanes) + 1


@pytest.mark.parametrize("label", [("a", -0.1, 10), ("a", 1.1, 10), ("a", 0.5, 0)])
def test_invalid_labels_are_refused(label):
    with pytest.raises(ValueError):
        Label(*label)


def test_a_positive_axis_is_needed():
    with pytest.raises(ValueError):
        place_labels([], axis_px=0)


def _boxes(placed, axis_px: int):
    """Each label's box on an axis ``axis_px`` wide, as the page draws it (left: at%, right: (1 - at)%, or 0)."""
    for p in placed:
        point = p.at * axis_px
        left = {"start": point, "end": point - p.width, "axis": 0.0}[p.anchor]
        yield p.lane, left, left + p.width


@given(st.lists(st.tuples(st.floats(0, 1), st.integers(1, 400)), max_size=30), st.integers(0, 2000))
def test_no_overlap_at_the_layout_width_or_wider(items, extra):
    layout_px = 720
    placed = place_labels([Label(str(i), at, w) for i, (at, w) in enumerate(items)], axis_px=layout_px)
    assert len(placed) == len(items)
    for axis_px in (layout_px, layout_px + extra):
        boxes = list(_boxes(placed, axis_px))
        for _lane, left, right in boxes:
            assert -1e-6 <= left and right <= axis_px + 1e-6
        for i, (lane_a, a0, a1) in enumerate(boxes):
            for lane_b, b0, b1 in boxes[i + 1:]:
                if lane_a == lane_b:
                    assert a1 <= b0 + 1e-6 or b1 <= a0 + 1e-6
