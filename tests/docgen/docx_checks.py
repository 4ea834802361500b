"""Reading back what GB/T 9704 fixes in a .docx, for the renderer's and the reports' tests."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def east_asia_font(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def assert_page_setup(document) -> None:
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for side, mm in (("top_margin", 37), ("bottom_margin", 35), ("left_margin", 28), ("right_margin", 26)):
        assert abs(getattr(section, side) - Mm(mm)) < Mm(0.1), side


def footer_text(footer) -> str:
    """The footer's text with the PAGE field shown as {PAGE}."""
    out = []
    for run in footer.paragraphs[0].runs:
        instr = run._r.find(qn("w:instrText"))
        if instr is not None:
            out.append("{" + instr.text.strip() + "}")
        elif run._r.find(qn("w:fldChar")) is None and run._r.find(qn("w:t")) is not None:
            out.append(run.text)
    text = "".join(out)
    return text.replace("{PAGE}1", "{PAGE}")  # the field's cached result


def heading_texts(document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def body_text(document) -> str:
    """Every paragraph's text, then every table cell's, one a line: what a report says, wherever it says it."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return "\n".join(texts)
