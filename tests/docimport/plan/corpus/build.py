"""Rebuild the binary documents of the evaluation corpus from their sources (``sources/*.txt``).

``dongchuan-2024-points.docx``, ``linjiang-2023-forest.docx``: one paragraph a line; lines starting with "|" are the rows of a table.
``pingchuan-2021-plan.pdf``, ``baishi-2024-water.pdf``: A4 pages drawn with matplotlib in SimHei (from the ``mplfonts`` wheel), the text
embedded as a TrueType text layer and wrapped at 36 characters a line, as a published PDF wraps its paragraphs.

Usage: ``.venv/bin/python tests/docimport/plan/corpus/build.py`` (the outputs are committed; run it after editing
a source).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import matplotlib
import mplfonts

matplotlib.use("Agg")
matplotlib.rcParams["pdf.fonttype"] = 42
matplotlib.rcParams["svg.hashsalt"] = "ecociv"

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

HERE = Path(__file__).resolve().parent
WRAP = 36
LINES_PER_PAGE = 40


def build_docx(source: Path, target: Path) -> None:
    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            rows.clear()

    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            rows.append(line.strip("|").split("|"))
            continue
        flush()
        document.add_paragraph(line)
    flush()
    buffer = io.BytesIO()
    document.core_properties.created = dt.datetime(2024, 1, 15, 9, 0)
    document.save(buffer)
    target.write_bytes(buffer.getvalue())


def build_pdf(source: Path, target: Path) -> None:
    font = Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"
    font_manager.fontManager.addfont(str(font))
    props = font_manager.FontProperties(fname=str(font))
    lines: list[str] = []
    for paragraph in source.read_text(encoding="utf-8").splitlines():
        while len(paragraph) > WRAP:
            lines.append(paragraph[:WRAP])
            paragraph = paragraph[WRAP:]
        lines.append(paragraph)
    with PdfPages(target, metadata={"CreationDate": None, "Creator": "ecociv corpus"}) as pdf:
        for first in range(0, len(lines), LINES_PER_PAGE):
            figure = plt.figure(figsize=(8.27, 11.69))
            for k, line in enumerate(lines[first : first + LINES_PER_PAGE]):
                figure.text(0.08, 0.95 - k * 0.022, line, fontproperties=props, fontsize=12)
            pdf.savefig(figure)
            plt.close(figure)


if __name__ == "__main__":
    build_docx(HERE / "sources" / "dongchuan-2024-points.txt", HERE / "dongchuan-2024-points.docx")
    build_docx(HERE / "sources" / "linjiang-2023-forest.txt", HERE / "linjiang-2023-forest.docx")
    build_pdf(HERE / "sources" / "pingchuan-2021-plan.txt", HERE / "pingchuan-2021-plan.pdf")
    build_pdf(HERE / "sources" / "baishi-2024-water.txt", HERE / "baishi-2024-water.pdf")
