"""The text of a plan document: .docx, .pdf (text layer), .txt, .html → one string, one paragraph a line."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import PurePath

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
        return unwrap(decode(data).split("\n"))
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
    """Paragraphs and tables in body order; each table cell's paragraphs become lines (a merged cell once)."""

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocument("不是有效的 .docx 文件") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, document).text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, document).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


def read_pdf(data: bytes) -> str:
    """The text layer of each page; lines a paragraph was wrapped into are joined again (see ``unwrap``)."""

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise UnreadableDocument("不是有效的 PDF 文件") from exc
    if not any(page.strip() for page in pages):
        raise UnreadableDocument("PDF 没有文字层（扫描件需先做文字识别）")
    return unwrap("\n".join(pages).split("\n"))


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
    "title hr".split()
)
_SKIP_TAGS = frozenset("script style noscript template head".split())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002 (HTMLParser's signature)
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP_TAGS:
            self.skipping += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data.replace("\n", " "))


def read_html(html: str) -> str:
    """Block elements become lines; scripts, styles and the head are dropped (the <title> too: the body repeats it)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)
