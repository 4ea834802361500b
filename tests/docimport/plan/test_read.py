"""Reading each input format into lines, in document order."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from docimport.plan.extract import extract_plan
from docimport.plan.read import UnreadableDocument, read_text, unwrap

CORPUS = Path(__file__).parent / "corpus"
TEXT = "一、重点任务\n1.林草覆盖率。到2023年底，全市林草覆盖率稳定在41%以上。\n牵头单位：市林草局\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_txt_in_each_encoding(encoding: str) -> None:
    assert read_text(TEXT.encode(encoding), "plan.txt").splitlines() == TEXT.splitlines()


def test_docx_keeps_paragraph_and_table_order() -> None:
    document = docx.Document()
    document.add_paragraph("一、工作安排")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "第一阶段（2024年1月—3月）"
    table.cell(0, 1).text = "动员部署"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "合并的单元格"
    document.add_paragraph("二、保障措施")
    buffer = io.BytesIO()
    document.save(buffer)
    lines = read_text(buffer.getvalue(), "plan.docx").splitlines()
    assert lines == ["一、工作安排", "第一阶段（2024年1月—3月）", "动员部署", "合并的单元格", "二、保障措施"]


def test_html_drops_scripts_styles_and_head_and_breaks_blocks() -> None:
    html = (
        "<html><head><title>标题</title><style>p{color:red}</style><script>var a = '牵头单位：假';</script></head>"
        "<body><div>一、目标</div><p>到2025年，森林覆盖率<b>达到</b>34%。</p><ul><li>牵头单位：市林业局</li></ul>"
        "<script>document.write('配合单位：假')</script></body></html>"
    )
    assert read_text(html.encode(), "plan.html").splitlines() == [
        "一、目标",
        "到2025年，森林覆盖率达到34%。",
        "牵头单位：市林业局",
    ]


def test_pdf_text_layer_with_wrapped_lines_joined() -> None:
    text = read_text((CORPUS / "pingchuan-2021-plan.pdf").read_bytes(), "plan.pdf")
    assert "到2025年，受污染耕地安全利用率达到93%左右" in text  # wrapped over a page break in the PDF
    assert "第一章 规划背景" in text.splitlines()


def test_unwrap_joins_only_full_lines_that_do_not_end_a_sentence() -> None:
    lines = [
        "到2024年底，全市林草覆盖率稳定在",
        "41%以上。",
        "牵头单位：市林草局",
        "到2024年底，全市林草覆盖率达到了。",
        "二、任务",
    ]
    assert unwrap(lines).splitlines() == [
        "到2024年底，全市林草覆盖率稳定在41%以上。",
        "牵头单位：市林草局",
        "到2024年底，全市林草覆盖率达到了。",
        "二、任务",
    ]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"not a zip", "plan.docx", "docx"),
        (b"%PDF-1.4 broken", "plan.pdf", "PDF"),
        (b"x", "plan.xlsx", "不支持"),
    ],
)
def test_unreadable_documents_are_refused(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(UnreadableDocument, match=message):
        read_text(data, filename)


def test_every_corpus_format_is_read() -> None:
    for suffix in (".txt", ".html", ".docx", ".pdf"):
        documents = [p for p in CORPUS.iterdir() if p.suffix == suffix]
        assert documents, suffix
        assert extract_plan(documents[0].read_bytes(), documents[0].name).targets


def test_pdf_without_a_text_layer_is_refused() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # a scan's page: an image, no text
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UnreadableDocument, match="文字层"):
        read_text(buffer.getvalue(), "scan.pdf")


def test_task_tables_in_docx_and_html_become_items_with_labels() -> None:
    document = docx.Document()
    document.add_paragraph("附件：任务分工表")
    table = document.add_table(rows=2, cols=4)
    for j, text in enumerate(["序号", "工作任务", "牵头单位", "配合单位"]):
        table.cell(0, j).text = text
    for j, text in enumerate(["1", "推进河湖长制", "市水务局", "市自然资源局、市林业局"]):
        table.cell(1, j).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    expected = [
        "附件：任务分工表",
        "1.推进河湖长制",
        "牵头单位：市水务局",
        "配合单位：市自然资源局、市林业局",
    ]
    assert read_text(buffer.getvalue(), "plan.docx").splitlines() == expected
    html = (
        "<p>附件：任务分工表</p><table><tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>配合单位</th></tr>"
        "<tr><td>1</td><td>推进河湖长制</td><td>市水务局</td><td><p>市自然资源局、市林业局</p></td></tr></table>"
    )
    assert read_text(html.encode(), "plan.html").splitlines() == expected


def test_page_numbers_of_a_pdf_are_dropped_and_do_not_stop_a_paragraph() -> None:
    writer_lines = ["到2024年底，全市林草覆盖率稳定在", "— 3 —", "41%以上。"]
    from docimport.plan.read import _PAGE_NUMBER  # noqa: PLC0415

    kept = [line for line in writer_lines if not _PAGE_NUMBER.match(line)]
    assert unwrap(kept) == "到2024年底，全市林草覆盖率稳定在41%以上。"


def _numbered_docx(paragraphs: list[tuple[str, int | None]]) -> bytes:
    """A .docx whose list numbers come from Word's numbering (一、 then （一）), not from the text."""
    from docx.oxml import parse_xml  # noqa: PLC0415 (only these tests build numbering XML)
    from docx.oxml.ns import nsdecls  # noqa: PLC0415

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
            "</w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_automatic_list_numbers_are_written_out() -> None:
    data = _numbered_docx(
        [
            ("总体要求", 0),
            ("指导思想", 1),
            ("工作原则", 1),
            ("重点任务", 0),
            ("生态制度", 1),
            ("编制规划。", 2),
            ("牵头单位：市生态环境局", None),
            ("河长制。", 2),
            ("牵头单位：市水务局", None),
        ]
    )
    assert read_text(data, "plan.docx").splitlines() == [
        "一、总体要求",
        "（一）指导思想",
        "（二）工作原则",
        "二、重点任务",
        "（一）生态制度",
        "1.编制规划。",
        "牵头单位：市生态环境局",
        "2.河长制。",
        "牵头单位：市水务局",
    ]
    result = extract_plan(data, "plan.docx")
    assert [(t.ref, t.lead) for t in result.tasks] == [
        ("二.(一).1", ("市生态环境局",)),
        ("二.(一).2", ("市水务局",)),
    ]


def test_chinese_numerals() -> None:
    from docimport.plan.read import chinese_numeral  # noqa: PLC0415

    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23, 100, 105, 115, 120)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十三",
        "一百",
        "一百零五",
        "一百一十五",
        "一百二十",
    ]


def test_a_layout_table_holding_the_whole_article_is_read_as_text() -> None:
    html = (
        "<table><tr><td><a href='/'>首页</a></td></tr><tr><td><div>一、重点任务</div><p>1.河长制。落实河长制。</p>"
        "<p>牵头单位：市水务局</p><table><tr><td>附表</td></tr></table></td></tr></table>"
    )
    assert read_text(html.encode(), "plan.html").splitlines() == [
        "首页",
        "一、重点任务",
        "1.河长制。落实河长制。",
        "牵头单位：市水务局",
        "附表",
    ]
    assert [(t.ref, t.lead) for t in extract_plan(html.encode(), "plan.html").tasks] == [
        ("一.1", ("市水务局",))
    ]


def test_a_group_row_of_a_task_table_stays_a_heading() -> None:
    from docimport.plan.read import table_lines  # noqa: PLC0415

    rows = [
        ["序号", "任务", "牵头单位", "配合单位"],
        ["一、大气污染防治", "一、大气污染防治", "一、大气污染防治", "一、大气污染防治"],
        ["1", "淘汰燃煤锅炉", "市生态环境局", ""],
        ["二、水污染防治"],
        ["1", "整治排污口", "市水务局", "市生态环境局"],
    ]
    lines = table_lines(rows)
    assert lines == [
        "一、大气污染防治",
        "1.淘汰燃煤锅炉",
        "牵头单位：市生态环境局",
        "二、水污染防治",
        "1.整治排污口",
        "牵头单位：市水务局",
        "配合单位：市生态环境局",
    ]
    result = extract_plan("\n".join(lines).encode(), "plan.txt")
    assert [(t.ref, t.lead, t.cooperating) for t in result.tasks] == [
        ("一.1", ("市生态环境局",), ()),
        ("二.1", ("市水务局",), ("市生态环境局",)),
    ]
