"""Label lanes of the timeline: labels on one time axis placed in rows so that no two overlap.

Each label belongs to a point of the axis (a milestone's date, a phase's start), given as a fraction ``at``
(0 = the axis' start, 1 = its end), and has a width in pixels (:func:`label_width` estimates it for the
timeline's 12 px font and the page gives the label box exactly that width). A label runs right from its point;
when that would cross the axis' end it runs left to its point instead, and when neither fits it starts at the
axis' start. Labels are then put, in order along the axis, into the first lane where they overlap no other
label, keeping ``gap`` pixels between them.

The layout is computed for the narrowest axis the page allows (``axis_px``). Positions scale with the axis and
widths do not, so labels apart at that width stay apart on any wider axis: the page fixes the axis' minimum
width and scrolls it on a narrower screen.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Anchor = Literal["start", "end", "axis"]  # the label starts at its point, ends at it, or starts at the axis' start

#: Pixel widths at the timeline's label font (12 px): a wide (CJK) glyph is one em, any other glyph at most
#: 0.65 em; the label box adds its padding and leader line.
FONT_PX = 12
NARROW_EM = 0.65
PADDING_PX = 8


def label_width(text: str, *, font_px: int = FONT_PX) -> int:
    """An upper bound of the rendered width of ``text`` in pixels, padding included."""
    wide = sum(1 for char in text if unicodedata.east_asian_width(char) in ("W", "F"))
    return int(font_px * (wide + NARROW_EM * (len(text) - wide)) + 0.999) + PADDING_PX


@dataclass(frozen=True)
class Label:
    key: str
    at: float  # where on the axis: 0..1
    width: int  # px

    def __post_init__(self) -> None:
        if not 0 <= self.at <= 1:
            raise ValueError(f"label {self.key!r}: position {self.at} is off the axis (0..1)")
        if self.width <= 0:
            raise ValueError(f"label {self.key!r}: width must be positive")


@dataclass(frozen=True)
class Placed:
    key: str
    at: float
    width: int
    lane: int
    anchor: Anchor
    left: float  # px from the axis' start, at the axis width the layout was made for
    right: float


def _span(label: Label, axis_px: int) -> tuple[Anchor, float, float]:
    point = label.at * axis_px
    if point + label.width <= axis_px:
        return "start", point, point + label.width
    if point - label.width >= 0:
        return "end", point - label.width, point
    return "axis", 0.0, float(label.width)


def place_labels(labels: Sequence[Label], *, axis_px: int, gap: int = 6) -> list[Placed]:
    """The labels in axis order, each with its lane (0 = first) and how it is anchored; no two in a lane overlap."""
    if axis_px <= 0:
        raise ValueError("the axis needs a positive width")
    lanes: list[list[tuple[float, float]]] = []
    placed: list[Placed] = []
    for label in sorted(labels, key=lambda item: (item.at, item.key)):
        anchor, left, right = _span(label, axis_px)
        free = (i for i, spans in enumerate(lanes) if all(right + gap <= a or b + gap <= left for a, b in spans))
        lane = next(free, len(lanes))
        if lane == len(lanes):
            lanes.append([])
        lanes[lane].append((left, right))
        placed.append(Placed(label.key, label.at, label.width, lane, anchor, left, right))
    return placed


def lane_count(placed: Sequence[Placed]) -> int:
    return max((p.lane for p in placed), default=-1) + 1
