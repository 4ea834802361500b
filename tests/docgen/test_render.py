import datetime as dt
import warnings

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.model import Attachment, Chart, Document, Heading, Paragraph, Table
from docgen.render import chinese_numeral, heading_number, render_docx

from .docx_checks import assert_page_setup, east_asia_font, footer_text, heading_texts, open_docx


def _document() -> Document:
    return Document(
        title="某市2025年度生态文明建设示范区创建工作报告",
        subtitle="（送审稿）",
        blocks=(
            Heading(1, "基本情况"),
            Paragraph("全市共实施项目196个、总投资2,221.71亿元。"),
            Heading(2, "组织领导"),
            Heading(3, "健全机制"),
            Heading(4, "细化分工"),
            Heading(4, "压实责任"),
            Heading(3, "强化督办"),
            Heading(2, "指标完成情况"),
            Table(("指标", "目标", "数值"), tuple((f"指标{i}", "≥90%", "93.1") for i in range(80)),
                  caption="表1 指标完成情况", numeric=frozenset({2})),
            Chart("年度投资", ("甲县", "乙县"), (("计划", (1.5, 2.0)), ("完成", (1.0, 1.75))), unit="亿元"),
            Heading(1, "存在问题"),
            Heading(2, "短板指标"),
        ),
        attachments=(Attachment("甲县进展报告", (Heading(1, "基本情况"),)), Attachment("乙县进展报告")),
        signature="某市生态文明建设示范区创建工作领导小组办公室",
        date=dt.date(2026, 1, 5),
    )


def test_chinese_heading_numbers():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 23, 99)] == ["一", "九", "十", "十一", "二十", "二十三",
                                                                         "九十九"]
    assert [heading_number(level, 2) for level in (1, 2, 3, 4)] == ["二、", "（二）", "2.", "（2）"]


def test_page_size_margins_and_page_number_footers():
    document = open_docx(render_docx(_document()))
    assert_page_setup(document)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer, section.even_page_footer
    assert footer_text(odd) == "— {PAGE} —"
    assert footer_text(even) == "— {PAGE} —"
    assert odd.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert odd.paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert even.paragraphs[0].paragraph_format.left_indent == Pt(14)
    for footer in (odd, even):
        for run in footer.paragraphs[0].runs:
            assert run.font.size == Pt(14)
            assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_fonts_sizes_and_line_spacing_per_style():
    document = open_docx(render_docx(_document()))
    styles = document.styles
    expected = {"Title": ("方正小标宋简体", 22), "Normal": ("仿宋_GB2312", 16), "Heading 1": ("黑体", 16),
                "Heading 2": ("楷体_GB2312", 16), "Heading 3": ("仿宋_GB2312", 16), "Heading 4": ("仿宋_GB2312", 16)}
    for name, (font, size) in expected.items():
        style = styles[name]
        assert east_asia_font(style) == font, name
        assert style.font.size == Pt(size), name
        assert style.font.name == "Times New Roman", name
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None, name
    body = styles["Normal"].paragraph_format
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert 28 <= body.line_spacing.pt <= 29.5
    assert body.first_line_indent == Pt(32)  # 左空二字
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text == "某市2025年度生态文明建设示范区创建工作报告"
    assert styles["Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_headings_are_numbered_in_order_and_restart_below_a_higher_level():
    document = open_docx(render_docx(_document()))
    assert heading_texts(document, 1) == ["一、基本情况", "二、存在问题", "一、基本情况"]  # the attachment restarts
    assert heading_texts(document, 2) == ["（一）组织领导", "（二）指标完成情况", "（一）短板指标"]
    assert heading_texts(document, 3) == ["1.健全机制", "2.强化督办"]
    assert heading_texts(document, 4) == ["（1）细化分工", "（2）压实责任"]


def test_tables_repeat_their_header_row_and_charts_are_pictures():
    document = open_docx(render_docx(_document()))
    table = document.tables[0]
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert [c.text for c in table.rows[0].cells] == ["指标", "目标", "数值"]
    assert len(table.rows) == 81
    assert len(document.inline_shapes) == 1


def test_a_table_caption_and_header_row_keep_with_what_follows():
    """Seen in a LibreOffice preview: a caption alone at the foot of a page, its table on the next."""
    document = open_docx(render_docx(_document()))
    caption = next(p for p in document.paragraphs if p.text == "表1 指标完成情况")
    assert caption.paragraph_format.keep_with_next
    header, first = document.tables[0].rows[0], document.tables[0].rows[1]
    assert all(c.paragraphs[0].paragraph_format.keep_with_next for c in header.cells)
    assert not any(c.paragraphs[0].paragraph_format.keep_with_next for c in first.cells)


def test_attachment_note_signature_and_date():
    document = open_docx(render_docx(_document()))
    texts = [p.text for p in document.paragraphs]
    assert "附件：1. 甲县进展报告" in texts
    assert "2. 乙县进展报告" in texts
    assert "2026年1月5日" in texts
    assert "附件1" in texts and "附件2" in texts


def test_a_bare_document_renders_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        document = open_docx(render_docx(Document(title="标题", blocks=(Paragraph("正文"),))))
    assert [p.text for p in document.paragraphs][:3] == ["标题", "", "正文"]
