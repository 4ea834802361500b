"""Charts as PNG images, drawn with matplotlib in a CJK font that ships with a Python package.

The font is Noto Sans CJK SC from the ``mplfonts`` wheel (pinned in pyproject.toml), registered with matplotlib
by file path, so a report built on a bare machine (no Chinese system font) shows every glyph. Drawing never
touches the user's matplotlib configuration: every figure is drawn inside an ``rc_context``.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .model import Chart

#: The font file inside the package that ships it.
FONT_PACKAGE = "mplfonts"
FONT_FILE = "fonts/NotoSansCJKsc-Regular.otf"

#: Colours of the series, printable in greyscale too (dark blue, orange, grey, green).
COLOURS = ("#1f4e79", "#e07b00", "#7f7f7f", "#3a7d44")
DPI = 200


@cache
def cjk_font() -> tuple[Path, str]:
    """The bundled CJK font's path and family name, registered with matplotlib once per process."""
    path = Path(str(files(FONT_PACKAGE).joinpath(FONT_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"the CJK font {FONT_FILE} of {FONT_PACKAGE} is missing")
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    return path, name


def bar_chart_png(chart: Chart, *, width_mm: float = 150.0, height_mm: float = 80.0) -> bytes:
    """The chart as a PNG: grouped bars, the value above each bar, the unit as the y-axis name."""
    _, family = cjk_font()
    rc = {"font.family": [family], "font.sans-serif": [family], "axes.unicode_minus": False, "font.size": 10}
    with matplotlib.rc_context(rc):
        # A Figure of its own on the Agg canvas, not pyplot: no global state, safe in a web process's threads.
        figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        count = max(len(chart.series), 1)
        width = 0.8 / count
        positions = range(len(chart.labels))
        for index, (name, values) in enumerate(chart.series):
            xs = [p - 0.4 + width * (index + 0.5) for p in positions]
            bars = axes.bar(xs, values, width=width, label=name, color=COLOURS[index % len(COLOURS)])
            axes.bar_label(bars, labels=[f"{v:,.4g}" for v in values], fontsize=8, padding=1)
        axes.set_xticks(list(positions), list(chart.labels), rotation=30 if len(chart.labels) > 6 else 0,
                        ha="right" if len(chart.labels) > 6 else "center")
        if chart.title:
            axes.set_title(chart.title, fontsize=12)
        if chart.unit:
            axes.set_ylabel(chart.unit)
        axes.spines[["top", "right"]].set_visible(False)
        axes.margins(y=0.15)
        if len(chart.series) > 1:
            axes.legend(frameon=False, fontsize=9)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
