"""The one seam to docimport's plan reader, so the app (and its tests) call it in one place."""

from __future__ import annotations

from typing import Any

from docimport.plan import PlanExtraction


def read_plan(data: bytes, filename: str) -> PlanExtraction:
    """Read a plan document (.docx, .pdf, .txt, .html) into its extraction (no database)."""
    from docimport.plan.extract import extract_plan  # noqa: PLC0415 - the reader is loaded when first used

    return extract_plan(data, filename)


def plan_json(extraction: PlanExtraction) -> dict[str, Any]:
    """The extraction as the command prints it (docimport's ``as_json``)."""
    from docimport.plan.extract import as_json  # noqa: PLC0415

    return as_json(extraction)
