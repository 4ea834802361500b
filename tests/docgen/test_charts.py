import logging
import warnings

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from docgen.charts import bar_chart_png, cjk_font
from docgen.model import Chart


def test_the_cjk_font_ships_with_a_python_package_not_the_system():
    path, family = cjk_font()
    assert "site-packages" in str(path) and path.name == "NotoSansCJKsc-Regular.otf"
    assert "CJK" in family


def test_chinese_chart_text_has_no_missing_glyphs_and_no_fallback(caplog):
    chart = Chart("各县区年度投资完成情况", ("鹿城区", "龙湾区", "瓯海区", "洞头区"),
                  (("计划投资", (12.5, 8.0, 6.25, 3.0)), ("完成投资", (10.0, 8.0, 5.5, 1.25))), unit="亿元")
    _, family = cjk_font()
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING, "matplotlib.font_manager"):
        warnings.simplefilter("always")
        png = bar_chart_png(chart)
    assert png.startswith(b"\x89PNG")
    messages = [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "missing from" in m or "not found" in m.lower()], messages
    found = font_manager.findfont(font_manager.FontProperties(family=[family]), fallback_to_default=False)
    assert found.endswith("NotoSansCJKsc-Regular.otf")


def test_a_glyph_the_default_font_lacks_would_be_caught():
    """The check above can fail: DejaVu Sans (matplotlib's default) has no CJK glyphs and warns."""
    with warnings.catch_warnings(record=True) as caught, matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        figure = Figure()
        FigureCanvasAgg(figure)
        figure.add_subplot().set_title("投资")
        figure.canvas.draw()
    assert any("missing from" in str(w.message) for w in caught)
