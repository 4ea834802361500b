"""The document model: what a report says, with no notion of Word.

Headings carry their level (1–4) and their text without the number; the renderer numbers them 一、/（一）/1./（1）
in document order, restarting each level below a higher one, as GB/T 9704-2012 cl. 7.3.3 writes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int  # 1 一、 2 （一） 3 1. 4 （1）
    text: str

    def __post_init__(self) -> None:
        if not 1 <= self.level <= 4:
            raise ValueError(f"a heading's level lies in 1..4, not {self.level}")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (左空二字). ``lead`` is set in bold before the text (a run-in heading)."""

    text: str
    lead: str = ""


@dataclass(frozen=True)
class Table:
    """A table whose first row (``header``) repeats on every page; ``numeric`` columns align right."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: frozenset[int] = frozenset()
    widths_mm: tuple[float, ...] = ()  # empty: equal widths over the 156 mm text block
    note: str = ""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"a row has {len(row)} cells, the header {len(self.header)}")
        if self.widths_mm and len(self.widths_mm) != len(self.header):
            raise ValueError("one width per column")


@dataclass(frozen=True)
class Image:
    """A PNG image (bytes) with its caption below, centred, ``width_mm`` wide (at most the text block)."""

    png: bytes
    caption: str = ""
    width_mm: float = 150.0


@dataclass(frozen=True)
class Chart:
    """A bar chart drawn from data: one bar per label, grouped by series (:mod:`docgen.charts`)."""

    title: str  # drawn above the bars; leave it empty when the caption below says it
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]
    unit: str = ""
    caption: str = ""


@dataclass(frozen=True)
class Attachment:
    """An attachment: named in the 附件 note after the body, its content on a page of its own ("附件N")."""

    title: str
    blocks: tuple[Block, ...] = ()


Block = Heading | Paragraph | Table | Image | Chart


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    subtitle: str = ""  # e.g. the drafting unit, centred below the title in 楷体
    attachments: tuple[Attachment, ...] = ()
    signature: str = ""  # 发文机关署名, right-aligned above the date
    date: dt.date | None = None  # 成文日期, 右空四字
    notes: tuple[str, ...] = field(default_factory=tuple)  # 版记-like closing notes (e.g. 数据说明)
