"""The text of a plan document: .docx, .pdf (text layer), .txt, .html → one string, one paragraph a line."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import PdfReadError

#: What ``read_text`` accepts, by suffix.
SUFFIXES = (".docx", ".pdf", ".txt", ".html", ".htm")


class UnreadableDocument(ValueError):
    """The bytes are not a document of the kind the name says, or it has no text (a scan without a text layer)."""


def read_text(data: bytes, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        return read_docx(data)
    if suffix == ".pdf":
        return read_pdf(data)
    if suffix in (".html", ".htm"):
        return read_html(decode(data))
    if suffix in (".txt", ""):
        return unwrap(space_tables(drop_page_furniture(decode(data).split("\n"))))
    raise UnreadableDocument(f"不支持的文件类型：{suffix}（支持 .docx、.pdf、.txt、.html）")


def decode(data: bytes) -> str:
    """Text bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 (which covers GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument("无法识别文本编码（支持 UTF-8、GB18030）") from exc


def read_docx(data: bytes) -> str:
    """Paragraphs and tables in body order. A table's cells become lines (a merged cell once), except a task table
    (a header naming 牵头单位 or 责任单位), whose rows become numbered items with label lines (``table_lines``)."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument("不是有效的 .docx 文件") from exc
    lines: list[str] = []
    numbers = _Numbering(document)
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            lines.append(numbers.marker(paragraph) + paragraph.text)
        elif child.tag == qn("w:tbl"):
            rows: list[list[str]] = []
            for row in Table(child, document).rows:
                seen: set[int] = set()
                cells: list[str] = []
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                rows.append(cells)
            lines.extend(table_lines(rows))
    return "\n".join(lines)


_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 23 → 二十三, 105 → 一百零五, 115 → 一百一十五 (up to 999)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens = "" if n < 20 else _CN_DIGITS[n // 10]
        return tens + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + _CN_DIGITS[rest]
    else:
        tail = ("一" if rest < 20 else "") + chinese_numeral(rest)
    return _CN_DIGITS[n // 100] + "百" + tail


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(
        ("chineseCounting", "ideographTraditional", "taiwaneseCounting", "chineseLegalSimplified")
    ):
        return chinese_numeral(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    return str(n)


class _Numbering:
    """Word's automatic list numbers ("一、", "（一）", "1."), which python-docx leaves out of a paragraph's text:
    rendered from numbering.xml (the level's format and text) with a counter per list and level."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[
            tuple[str, int], tuple[str, str, int]
        ] = {}  # (numId, ilvl) → (numFmt, lvlText, start)
        self.counters: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, Any] = {
            a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))
        }
        for num in numbering.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is None:
                continue
            for lvl in definition.findall(qn("w:lvl")):
                self.levels[(num.get(qn("w:numId")), int(lvl.get(qn("w:ilvl"), "0")))] = (
                    _val(lvl, "w:numFmt", "decimal"),
                    _val(lvl, "w:lvlText", ""),
                    int(_val(lvl, "w:start", "1")),
                )

    def marker(self, paragraph: Any) -> str:
        num_pr = _num_pr(paragraph)
        if num_pr is None or not self.levels:
            return ""
        num_id, ilvl = num_pr
        level = self.levels.get((num_id, ilvl))
        if level is None or level[0] in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            counters.append(0)
        counters[ilvl] += 1
        del counters[ilvl + 1 :]
        text = level[1]
        for k in range(ilvl + 1):
            fmt, _, start = self.levels.get((num_id, k), ("decimal", "", 1))
            text = text.replace(f"%{k + 1}", _format_number(counters[k] + start - 1, fmt))
        return text


def _val(element: Any, tag: str, default: str) -> str:
    child = element.find(qn(tag))
    value = child.get(qn("w:val")) if child is not None else None
    return value if value is not None else default


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """The paragraph's list (numId, level), from its own properties or its style's."""
    style = getattr(paragraph.style, "element", None)
    for owner in (paragraph._p.pPr, style.pPr if style is not None else None):
        num_pr = owner.find(qn("w:numPr")) if owner is not None else None
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId"))
            if num_id is None or num_id.get(qn("w:val")) == "0":
                return None
            return num_id.get(qn("w:val")), int(_val(num_pr, "w:ilvl", "0"))
    return None


_HEADER_LENGTH = 20
_LEAD_HEADER = re.compile(r"牵头|责任单位|责任部门|主责")
_COOPERATING_HEADER = re.compile(r"配合|参与|协办|协同")
_NUMBER_HEADER = re.compile(r"序号|编号")
_TASK_HEADER = re.compile(r"任务|内容|措施|事项|工作|名称")


_INDICATOR_HEADER = re.compile(r"指标")
_UNIT_HEADER = re.compile(r"^(?:计量)?单位$")
_YEAR_HEADER = re.compile(r"((?:19|20)\d{2})\s*年?")
_BASE_HEADER = re.compile(r"现状|基准|基期|基础|基数|现值")
_TARGET_HEADER = re.compile(r"目标|规划|预期|指标值|考核值|标准值")
_TARGET_CELL = re.compile(
    r"^(?P<cmp>≥|≤|>|<|＞|＜|≧|≦)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s以]*?)\s*(?P<post>以上|以下|以内)?$"
)
_CELL_COMPARATOR = {"＞": ">", "＜": "<", "≧": "≥", "≦": "≤"}


#: A unit in brackets closing an indicator's name: "（%）", "(微克/立方米)", "（万亩）" (no Chinese words but units).
_UNIT_IN_NAME = re.compile(
    r"[(（]\s*(%|‰|[^()（）\s]{1,12}?(?:米|升|吨|亩|公顷|公里|元|个|人次|千瓦|天|次|项|处|座))\s*[)）]$"
)


@dataclass(frozen=True)
class _TargetColumns:
    """The columns of a table that hold targets: the indicator's name, its unit, the target values (a later year,
    目标, 指标值 …; never 现状 or 基准) and the year each names."""

    indicator: int
    unit: int | None
    values: tuple[int, ...]
    years: dict[int, int]

    @classmethod
    def find(cls, header: list[str], exclude: tuple[int | None, ...] = ()) -> _TargetColumns | None:
        indicator = next(
            (i for i, h in enumerate(header) if _INDICATOR_HEADER.search(h) and i not in exclude), None
        )
        if indicator is None:
            return None
        years = {i: int(m.group(1)) for i, h in enumerate(header) if (m := _YEAR_HEADER.search(h))}
        first = min(years.values(), default=0)
        values = tuple(
            i
            for i, h in enumerate(header)
            if i != indicator
            and i not in exclude
            and not _BASE_HEADER.search(h)
            and (_TARGET_HEADER.search(h) or (i in years and (years[i] > first or len(years) == 1)))
        )
        if not values:
            return None
        unit = next((i for i, h in enumerate(header) if _UNIT_HEADER.match(h)), None)
        return cls(indicator, unit, values, years)

    def sentences(self, cells: list[str]) -> list[str]:
        """One sentence a numeric target cell of a row: "到2025年，空气质量优良天数比例≥85%。" (a bare number reads
        "达到"), the form the target rules read."""
        name = cells[self.indicator]
        unit = cells[self.unit] if self.unit is not None and cells[self.unit] not in ("—", "-", "/") else ""
        bracketed = _UNIT_IN_NAME.search(name)
        if bracketed and not unit:
            # "国考断面水质优良比例（%）": no unit column, the unit in brackets after the name.
            name, unit = name[: bracketed.start()].strip(), bracketed.group(1).strip()
        out: list[str] = []
        for i in self.values:
            m = _TARGET_CELL.match(cells[i])
            if not name or m is None:
                continue
            comparator = _CELL_COMPARATOR.get(m.group("cmp") or "", m.group("cmp") or "达到")
            when = f"到{self.years[i]}年，" if i in self.years else ""
            out.append(
                f"{when}{name}{comparator}{m.group('num')}{m.group('unit') or unit}{m.group('post') or ''}。"
            )
        return out


def _cells(row: list[str], width: int) -> list[str]:
    return [" ".join(c.split()) for c in row][:width] + [""] * (width - len(row))


def indicator_table_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    """An indicator table (指标 | 单位 | 2020年现状 | 2025年目标 …) as one sentence a target cell; [] when the table
    is not one (no 指标 column or no target column)."""
    columns = _TargetColumns.find(header)
    if columns is None:
        return []
    return [line for row in rows for line in columns.sentences(_cells(row, len(header)))]


def table_lines(rows: list[list[str]]) -> list[str]:
    """A table as lines. A task table (序号 | 任务 | 牵头单位 | 配合单位 …) becomes "1.任务" followed by
    "牵头单位：…" and "配合单位：…" lines, the layout the rules read; any other table one line a cell."""
    header = [re.sub(r"\s+", "", cell) for cell in rows[0]] if rows else []
    if any(len(h) > _HEADER_LENGTH for h in header):
        # A layout table (a web page's whole article in a cell) has no header row.
        return [line for row in rows for cell in row for line in cell.split("\n")]
    lead = next((i for i, h in enumerate(header) if _LEAD_HEADER.search(h)), None)
    if lead is None:
        targets = indicator_table_lines(header, rows[1:])
        if targets:
            return targets
        return [line for row in rows for cell in row for line in cell.split("\n")]
    cooperating = next((i for i, h in enumerate(header) if _COOPERATING_HEADER.search(h) and i != lead), None)
    if cooperating is None and "牵头" in header[lead]:
        # "牵头单位 | 责任单位": beside a 牵头 column, the other units' column holds those who work with it.
        cooperating = next((i for i, h in enumerate(header) if i > lead and _LEAD_HEADER.search(h)), None)
    number = next((i for i, h in enumerate(header) if _NUMBER_HEADER.search(h)), None)
    task = next(
        (i for i, h in enumerate(header) if _TASK_HEADER.search(h) and i not in (lead, cooperating, number)),
        None,
    )
    target_columns = _TargetColumns.find(header, exclude=(lead, cooperating, number))
    out: list[str] = []
    for k, row in enumerate(rows[1:], start=1):
        cell = _cells(row, len(header))
        if not cell[lead] or len({c for c in cell if c}) == 1:
            # A group row ("一、大气污染防治" across the table) or a row without a unit: its text as it is.
            out.extend(dict.fromkeys(c for c in cell if c))
            continue
        marker = cell[number] if number is not None and cell[number].rstrip(".、").isdigit() else str(k)
        title = cell[task] if task is not None else ""
        out.append(f"{marker.rstrip('.、')}.{title}")
        out.append(f"牵头单位：{cell[lead]}")
        if cooperating is not None and cell[cooperating]:
            out.append(f"配合单位：{cell[cooperating]}")
        out.extend(
            f"{header[i]}：{cell[i]}"
            for i in range(len(header))
            if i not in (lead, cooperating, number, task) and cell[i]
        )
        if target_columns is not None:
            out.extend(target_columns.sentences(cell))
    return out


def space_tables(lines: list[str]) -> list[str]:
    """A task table that a PDF's text layer (or a text copy) gives as one line a row, cells apart by spaces:
    "序号 工作任务 牵头单位 配合单位" then "1 秸秆禁烧巡查 县农业农村局 县公安局" … Read as the table it was
    (``table_lines``) while each following line starts with a number and has as many cells as the header."""
    out: list[str] = []
    k = 0
    while k < len(lines):
        header = lines[k].split()
        if (
            len(header) >= 3
            and any(_LEAD_HEADER.search(h) for h in header)
            and len(header[0]) <= _HEADER_LENGTH
        ):
            rows = [header]
            j = k + 1
            while j < len(lines) and (cells := lines[j].split()) and len(cells) == len(header):
                if not cells[0].rstrip(".、").isdigit():
                    break
                rows.append(cells)
                j += 1
            if len(rows) > 1:
                out.extend(table_lines(rows))
                k = j
                continue
        out.append(lines[k])
        k += 1
    return out


def read_pdf(data: bytes) -> str:
    """The text layer of each page; lines a paragraph was wrapped into are joined again (see ``unwrap``)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadableDocument("不是有效的 PDF 文件") from exc
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("PDF 没有文字层（扫描件需先做文字识别）")
    return unwrap(space_tables(drop_page_furniture("\n".join(pages).split("\n"))))


#: A line that is only a page number: "- 3 -", "— 3 —", "3", "第3页", "3/12".
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–]\s*\d{1,4}\s*[-—–]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$"
)


#: The longest line taken for a running header or footer ("XX市人民政府办公室文件", "XX县2024年工作要点").
_FURNITURE_SIZE = 40


def drop_page_furniture(lines: list[str]) -> list[str]:
    """The lines without page numbers ("— 3 —") and without the running header or footer printed on every page.

    A running header is a short line, not ending a sentence, that recurs next to a page number (the blank lines between them aside), at
    two page breaks or more ("— 2 —" / "XX市人民政府办公室文件"); it is dropped wherever it touches a page number,
    so the sentence a page break cut stays in one piece. Its first occurrence (the letterhead at the top of the
    document, before any page number) is kept.
    """
    stripped = [line.strip() for line in lines]
    page = [bool(line) and _PAGE_NUMBER.match(line) is not None for line in stripped]
    if not any(page):
        return lines

    def neighbours(i: int) -> list[int]:
        out: list[int] = []
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(stripped) and not stripped[j]:
                j += step
            if 0 <= j < len(stripped):
                out.append(j)
        return out

    touching = [
        i for i, line in enumerate(stripped) if line and not page[i] and any(page[j] for j in neighbours(i))
    ]
    counts = Counter(
        stripped[i]
        for i in touching
        if _size(stripped[i]) <= _FURNITURE_SIZE and not _SENTENCE_END.search(stripped[i])
    )
    furniture = {i for i in touching if counts[stripped[i]] >= 2}
    return [line for i, line in enumerate(lines) if not page[i] and i not in furniture]


_SENTENCE_END = re.compile(r"[。；;：:！？!?）)】」”]$")
_LINE_START_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十]+[章节]|任务[一二三四五六七八九十\d]+|[①-⑳]|牵头|配合|责任)"
)


def unwrap(lines: list[str]) -> str:
    """Join the lines a PDF or an OCR'd text wrapped a paragraph into.

    A line at least 3/4 as long as the document's long lines (the 90th percentile, spaces not counted) that does
    not end a sentence continues on the next line, unless that one starts with a heading marker or a label. A text
    of whole paragraphs has few such lines (its paragraphs end with 。), so it passes unchanged.
    """
    stripped = [line.strip() for line in lines]
    sizes = sorted(_size(line) for line in stripped if line)
    if not sizes:
        return ""
    full = sizes[int(0.9 * (len(sizes) - 1))]
    out: list[str] = []
    joining = False
    for line in stripped:
        if not line:
            joining = False
            continue
        if joining and out and not _LINE_START_MARKER.match(re.sub(r"\s+", "", line[:16])):
            out[-1] += line
        else:
            out.append(line)
        joining = _size(line) * 4 >= full * 3 and not _SENTENCE_END.search(line)
    return "\n".join(out)


def _size(line: str) -> int:
    return sum(1 for c in line if not c.isspace())


_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer blockquote pre dd dt "
    "hr".split()
)
_SKIP_TAGS = frozenset("script style noscript template head".split())


class _TextParser(HTMLParser):
    """Text of the body, a block element a line; tables collected by row and cell and written by ``table_lines``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        # Open tables (nested ones stack), each a list of rows, a row a list of cells, a cell a list of pieces.
        self.tables: list[list[list[list[str]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002 (HTMLParser's signature)
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag == "table":
            self.tables.append([])
        elif self.tables and tag == "tr":
            self.tables[-1].append([])
        elif self.tables and tag in ("td", "th"):
            if not self.tables[-1]:
                self.tables[-1].append([])
            self.tables[-1][-1].append([])
        elif tag in _BLOCK_TAGS:
            self._write("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "table" and self.tables:
            rows = [["".join(cell) for cell in row] for row in self.tables.pop() if row]
            self._write("\n" + "\n".join(table_lines(rows)) + "\n")
        elif tag in _BLOCK_TAGS:
            self._write("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self._write(data.replace("\n", " "))

    def _write(self, text: str) -> None:
        table = self.tables[-1] if self.tables else None
        if table and table[-1]:
            table[-1][-1].append(text)
        elif table is None:
            self.parts.append(text)


def read_html(html: str) -> str:
    """Block elements become lines; scripts, styles and the head are dropped (the <title> too: the body repeats it)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
