"""Official documents (公文) as Word files: a typed document model rendered after GB/T 9704-2012.

Pure Python over python-docx and matplotlib: no Django, nothing from ``apps/`` or ``config/``. An app builds a
:class:`docgen.model.Document` from its selectors and calls :func:`docgen.render.render_docx`; charts are drawn
by :mod:`docgen.charts` with a CJK font shipped by a Python package (no system font needed).
"""

from .model import Attachment, Block, Chart, Document, Heading, Image, Paragraph, Table
from .numbers import cn_amount, cn_change, cn_date, cn_month, cn_number, cn_percent, wan_to_yi

__all__ = [
    "Attachment",
    "Block",
    "Chart",
    "Document",
    "Heading",
    "Image",
    "Paragraph",
    "Table",
    "cn_amount",
    "cn_change",
    "cn_date",
    "cn_month",
    "cn_number",
    "cn_percent",
    "wan_to_yi",
]
