"""The document model rendered as a Word file after GB/T 9704-2012 (党政机关公文格式).

What the standard fixes and how it is set here (python-docx 1.2.0; see ``docs/reports.md``):

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
- title 方正小标宋简体 二号 (22 pt), centred; body 仿宋_GB2312 三号 (16 pt), fixed line spacing 28.95 pt
  (22 lines in the 225 mm block), each paragraph indented two characters; Latin and digits Times New Roman;
- headings 一、 黑体, （一） 楷体_GB2312, 1. and （1） 仿宋_GB2312, all 三号, numbered here in document order;
- page numbers "— 1 —" in 宋体 四号 (14 pt): odd pages right, even pages left, each one character in from the
  edge, through different odd and even footers (``w:evenAndOddHeaders``) holding a ``PAGE`` field;
- tables: the header row repeats on every page (``w:tblHeader``), rows do not split across pages.

Chinese font names go into ``w:eastAsia`` of ``w:rFonts`` (``Font.name`` sets only the Latin slots), and the
theme font attributes of python-docx's default styles are removed, since Word prefers them to named fonts.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from .charts import bar_chart_png
from .model import Attachment, Block, Chart, Document, Heading, Image, Paragraph, Table
from .numbers import cn_date

# --- the standard's numbers ------------------------------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
#: The page number's 一字线 sits 7 mm below the text block; the footer's 14 pt line ends about 5 mm lower.
FOOTER_DISTANCE_MM = MARGIN_BOTTOM_MM - 7 - 5

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_SMALL_4 = Pt(12)  # 小四, inside tables
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
TABLE_LINE = Pt(18)

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEI = "黑体"
FONT_KAI = "楷体_GB2312"
FONT_PAGE = "宋体"
FONT_LATIN = "Times New Roman"

#: Style name → (East Asian font, size, bold). Headings keep Word's built-in names so the navigation pane works.
STYLE_TITLE = "Title"
STYLE_SUBTITLE = "Subtitle"
STYLE_BODY = "Normal"
HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3", 4: "Heading 4"}
HEADING_FONTS = {1: FONT_HEI, 2: FONT_KAI, 3: FONT_BODY, 4: FONT_BODY}
STYLE_TABLE_TEXT = "公文表格"
STYLE_CAPTION = "公文图表题"
STYLE_FOOTER = "Footer"

_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (headings never reach 100)."""
    if not 0 < number < 100:
        raise ValueError(f"a heading number lies in 1..99, not {number}")
    tens, units = divmod(number, 10)
    text = ("" if tens <= 1 else CN_DIGITS[tens]) + ("十" if tens else "")
    return text + (CN_DIGITS[units] if units else "")


def heading_number(level: int, number: int) -> str:
    """The label GB/T 9704 gives the ``number``-th heading of ``level``: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}."
    return f"（{number}）"


# --- fonts and styles ------------------------------------------------------------------------------------


def set_fonts(element: Any, east_asia: str, latin: str = FONT_LATIN) -> None:
    """Name the fonts of a run or a style: ``east_asia`` for Chinese, ``latin`` for Latin and digits."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(document: Any, name: str, *, font: str, size: Pt, bold: bool = False,
           align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, exact: Pt | None = LINE_PITCH) -> Any:
    styles = document.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415  (only when a custom style is new)

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[STYLE_BODY]
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element, font)
    paragraph = style.paragraph_format
    paragraph.alignment = align
    paragraph.first_line_indent = Pt(size.pt * 2) if indent else Pt(0)
    paragraph.left_indent = Pt(0)
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    if exact is None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        paragraph.line_spacing = exact
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return style


def _set_language(document: Any) -> None:
    rpr = document.styles[STYLE_BODY].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _styles(document: Any) -> None:
    _style(document, STYLE_BODY, font=FONT_BODY, size=SIZE_3)
    _set_language(document)
    _style(document, STYLE_TITLE, font=FONT_TITLE, size=SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False,
           exact=Pt(35))
    title = document.styles[STYLE_TITLE].element
    borders = title.find(qn("w:pPr") + "/" + qn("w:pBdr"))  # the default template underlines the title
    if borders is not None:
        borders.getparent().remove(borders)
    _style(document, STYLE_SUBTITLE, font=FONT_KAI, size=SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    for level, name in HEADING_STYLES.items():
        style = _style(document, name, font=HEADING_FONTS[level], size=SIZE_3)
        style.paragraph_format.keep_with_next = True
    _style(document, STYLE_TABLE_TEXT, font=FONT_BODY, size=SIZE_SMALL_4, indent=False, exact=TABLE_LINE,
           align=WD_ALIGN_PARAGRAPH.LEFT)
    _style(document, STYLE_CAPTION, font=FONT_HEI, size=SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _style(document, STYLE_FOOTER, font=FONT_PAGE, size=SIZE_4, indent=False, exact=None)


# --- page set-up and page numbers -------------------------------------------------------------------------


def _page_setup(document: Any) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _field_run(paragraph: Any, instruction: str) -> None:
    """A field (``PAGE``) as Word stores it: begin, the instruction, separate, a cached result, end."""
    parts: list[tuple[str, str | None]] = [("begin", None), ("instr", instruction), ("separate", None),
                                           ("text", "1"), ("end", None)]
    for kind, text in parts:
        run = paragraph.add_run()
        set_fonts(run._r, FONT_PAGE)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _page_number(paragraph: Any, *, odd: bool) -> None:
    """"— n —" in 宋体 四号, one character in from the outside edge."""
    paragraph.style = STYLE_FOOTER
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    form = paragraph.paragraph_format
    form.first_line_indent = Pt(0)
    if odd:
        form.right_indent = SIZE_4
    else:
        form.left_indent = SIZE_4
    set_fonts(paragraph.add_run("— ")._r, FONT_PAGE)
    _field_run(paragraph, "PAGE")
    set_fonts(paragraph.add_run(" —")._r, FONT_PAGE)
    for run in paragraph.runs:
        run.font.size = SIZE_4


# --- blocks ----------------------------------------------------------------------------------------------


class _Numbering:
    def __init__(self) -> None:
        self.counters = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        self.counters[level - 1] += 1
        for deeper in range(level, 4):
            self.counters[deeper] = 0
        return heading_number(level, self.counters[level - 1])


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _no_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    trpr.append(element)


def _add(container: Any, text: str, style: str) -> Any:
    """A paragraph in ``style`` (a style id) added to a document or a cell.

    python-docx's ``paragraph.style = …`` looks the default style up by scanning every style, per paragraph;
    a report with a 200-row table spent seconds there. Writing ``w:pStyle`` directly is the same XML."""
    paragraph = _append(container, text) if isinstance(container, DocxDocument) else container.add_paragraph(text)
    _set_style(paragraph, style)
    return paragraph


def _append(document: Any, text: str) -> Any:
    """``document.add_paragraph(text)``, the same XML, without python-docx's search for the body's section
    properties from the body's first child, once a paragraph: quadratic over a long report (4 s of an annual
    report with its attachments). They are the body's last child, when present."""
    body = document._body
    element = body._element
    p = OxmlElement("w:p")
    if len(element) and element[-1].tag == qn("w:sectPr"):
        element[-1].addprevious(p)
    else:
        element.append(p)
    paragraph = DocxParagraph(p, body)
    if text:
        paragraph.add_run(text)
    return paragraph


def _set_style(paragraph: Any, style: str) -> None:
    # A style's id is its name without spaces, for Word's built-in styles ("Heading 1" → Heading1) and for the
    # ones added here alike (python-docx's add_style).
    paragraph._p.get_or_add_pPr().style = style.replace(" ", "")


def _cell_text(cell: Any, text: str, *, style: str, bold_font: str | None, right: bool) -> None:
    paragraph = cell.paragraphs[0]
    _set_style(paragraph, style)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif bold_font:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    if bold_font:
        set_fonts(run._r, bold_font)


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _body_rows_xml(table: Table, widths: Sequence[float], style: str) -> str:
    """The table's body rows as WordprocessingML, one string: what python-docx's cell API writes for each
    cell (width, paragraph style, right alignment of numbers, a run; rows never split), without building
    Python objects per cell, which cost most of the time of a report with many tables."""
    style_id = style.replace(" ", "")
    twips = [round(Mm(width) / 635) for width in widths]  # 1 twip = 635 EMU
    rows = []
    for row in table.rows:
        cells = []
        for column, text in enumerate(row):
            runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>'
                                  for part in _XML_ILLEGAL.sub("", text).split("\n"))
            jc = '<w:jc w:val="right"/>' if column in table.numeric else ""
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{twips[column]}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
                         f'<w:pStyle w:val="{style_id}"/>{jc}</w:pPr><w:r>{runs}</w:r></w:p></w:tc>')
        rows.append(f'<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>{"".join(cells)}</w:tr>')
    return "".join(rows)


def _table(document: Any, table: Table) -> None:
    if table.caption:  # the caption never stays alone at the foot of a page, away from its table
        _add(document, table.caption, STYLE_CAPTION).paragraph_format.keep_with_next = True
    columns = len(table.header)
    widths = table.widths_mm or tuple(TEXT_WIDTH_MM / columns for _ in range(columns))
    # Not ``document.add_table`` and ``grid.style = "Table Grid"``: the first reads the last section's width by an
    # XPath over the whole document, the second looks the style up by name among all styles, each once a table
    # (0.02 s a table near the end of an annual report with its 230 attachments); the widths are set below anyway,
    # and the style's id is its name without spaces (as in :func:`_set_style`). The same XML.
    grid = document._body.add_table(1, columns, Mm(TEXT_WIDTH_MM))
    grid._tbl.tblStyle_val = "TableGrid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = Mm(width)  # the grid (w:gridCol), which LibreOffice and WPS lay out by
    header = grid.rows[0]
    _no_split(header)
    for column, (cell, text) in enumerate(zip(header.cells, table.header, strict=True)):
        cell.width = Mm(widths[column])
        _cell_text(cell, text, style=STYLE_TABLE_TEXT, bold_font=FONT_HEI, right=False)
        cell.paragraphs[0].paragraph_format.keep_with_next = True  # nor the header row without a row below it
    _repeat_header(header)
    if table.rows:
        body = parse_xml(f'<w:tbl {nsdecls("w")}>{_body_rows_xml(table, widths, STYLE_TABLE_TEXT)}</w:tbl>')
        for row in list(body):
            grid._tbl.append(row)
    if table.note:
        note = _add(document, table.note, STYLE_TABLE_TEXT)
        note.paragraph_format.first_line_indent = Pt(24)
    _add(document, "", STYLE_TABLE_TEXT)  # air below the table before the next paragraph


def _image(document: Any, png: bytes, caption: str, width_mm: float) -> None:
    paragraph = _add(document, "", STYLE_CAPTION)  # single spacing: an exact line would clip it
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(min(width_mm, TEXT_WIDTH_MM)))
    paragraph.paragraph_format.keep_with_next = bool(caption)  # the caption stays on the image's page
    if caption:
        _add(document, caption, STYLE_CAPTION)


def _blocks(document: Any, blocks: Iterable[Block], numbering: _Numbering) -> None:
    for block in blocks:
        if isinstance(block, Heading):
            _add(document, numbering.next(block.level) + block.text, HEADING_STYLES[block.level])
        elif isinstance(block, Paragraph):
            paragraph = _add(document, "", STYLE_BODY)
            if block.lead:
                set_fonts(paragraph.add_run(block.lead)._r, FONT_KAI)
            paragraph.add_run(block.text)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Image):
            _image(document, block.png, block.caption, block.width_mm)
        elif isinstance(block, Chart):
            _image(document, bar_chart_png(block), block.caption, 150)
        else:  # pragma: no cover - the union is closed
            raise TypeError(f"unknown block {block!r}")


def _attachment_note(document: Any, attachments: tuple[Attachment, ...]) -> None:
    """正文下空一行左空二字 "附件："; several are numbered, later lines aligned under the first name."""
    _add(document, "", STYLE_BODY)
    several = len(attachments) > 1
    for index, attachment in enumerate(attachments, 1):
        name = f"{index}. {attachment.title}" if several else attachment.title
        paragraph = _add(document, ("附件：" if index == 1 else "") + name, STYLE_BODY)
        if index > 1:
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.left_indent = Pt(SIZE_3.pt * 5)


def text_width(text: str) -> float:
    """Width in characters of 三号: a Chinese character 1, a half-width digit or letter 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _closing(document: Any, model: Document) -> None:
    """成文日期 右空四字; the signature centred over the date (flush right when it is too long for that)."""
    if not (model.signature or model.date):
        return
    _add(document, "", STYLE_BODY)
    date = cn_date(model.date)
    indents = {date: 4.0, model.signature: max(0.0, 4 + (text_width(date) - text_width(model.signature)) / 2)}
    for text in (model.signature, date):
        if text:
            paragraph = _add(document, text, STYLE_BODY)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.right_indent = Pt(SIZE_3.pt * indents[text])


def _attachment(document: Any, index: int, attachment: Attachment, several: bool) -> None:
    label = _add(document, "", STYLE_BODY)
    label.add_run().add_break(WD_BREAK.PAGE)
    label.paragraph_format.first_line_indent = Pt(0)
    set_fonts(label.add_run(f"附件{index}" if several else "附件")._r, FONT_HEI)
    _add(document, attachment.title, STYLE_TITLE)
    _add(document, "", STYLE_BODY)
    _blocks(document, attachment.blocks, _Numbering())


def render_docx(model: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    document = new_document()
    _styles(document)
    _page_setup(document)
    body = document.element.body
    for paragraph in list(document.paragraphs):  # the default template's empty first paragraph
        body.remove(paragraph._p)
    document.core_properties.title = model.title
    document.core_properties.language = "zh-CN"
    _add(document, model.title, STYLE_TITLE)
    if model.subtitle:
        _add(document, model.subtitle, STYLE_SUBTITLE)
    _add(document, "", STYLE_BODY)  # 标题下空一行
    _blocks(document, model.blocks, _Numbering())
    if model.attachments:
        _attachment_note(document, model.attachments)
    _closing(document, model)
    for note in model.notes:
        paragraph = _add(document, note, STYLE_TABLE_TEXT)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    several = len(model.attachments) > 1
    for index, attachment in enumerate(model.attachments, 1):
        _attachment(document, index, attachment, several)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
