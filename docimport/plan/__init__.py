"""Reading plan documents (.docx, .pdf, .txt, .html) into a :class:`PlanExtraction`. No Django, nothing from apps/."""

from docimport.plan.extract import as_json, extract_plan, extract_text
from docimport.plan.model import (
    Comparator,
    Heading,
    PlanExtraction,
    PlanPhase,
    PlanTarget,
    PlanTask,
    ProjectCategory,
    ProjectsTotal,
    Span,
)
from docimport.plan.read import SUFFIXES, UnreadableDocument

__all__ = [
    "as_json",
    "extract_plan",
    "extract_text",
    "Comparator",
    "Heading",
    "PlanExtraction",
    "PlanPhase",
    "PlanTarget",
    "PlanTask",
    "ProjectCategory",
    "ProjectsTotal",
    "Span",
    "SUFFIXES",
    "UnreadableDocument",
]
