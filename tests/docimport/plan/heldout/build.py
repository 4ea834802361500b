"""Rebuild the binary documents of the held-out sets (``heldout*/``) from their sources (``sources/*.txt``), the
same way as the labelled corpus (``../corpus/build.py``: one paragraph a line, lines starting with "|" are table rows; a PDF is
drawn in SimHei and wrapped at 36 characters a line).

Usage: ``.venv/bin/python tests/docimport/plan/heldout/build.py`` (the outputs are committed).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Sources drawn as a PDF with a text layer (wrapped at 36 characters a line); the others become .docx.
PDF = {"anqiu-2024-carbon", "donghai-2023-straw"}


def main() -> None:
    spec = importlib.util.spec_from_file_location("corpus_build", HERE.parent / "corpus" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for folder in sorted(HERE.parent.glob("heldout*")):
        for source in sorted((folder / "sources").glob("*.txt")):
            if source.stem in PDF:
                module.build_pdf(source, folder / f"{source.stem}.pdf")
            else:
                module.build_docx(source, folder / f"{source.stem}.docx")


if __name__ == "__main__":
    main()
