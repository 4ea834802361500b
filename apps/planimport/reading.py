"""The one seam to docimport's plan reader, so the app (and its tests) call it in one place."""

from __future__ import annotations

from typing import Any

from docimport.plan import PlanExtraction, as_json, extract_plan


def read_plan(data: bytes, filename: str) -> PlanExtraction:
    """Read a plan document (.docx, .pdf, .txt, .html) into its extraction (no database); a document it cannot
    read raises ``docimport.plan.UnreadableDocument`` (a ``ValueError``)."""
    return extract_plan(data, filename)


def plan_json(extraction: PlanExtraction) -> dict[str, Any]:
    """The extraction as the command prints it (the issue's JSON object)."""
    return as_json(extraction)
