"""Reading plan documents (.docx, .pdf, .txt, .html) into a :class:`PlanExtraction`. No Django, nothing from apps/."""

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

__all__ = [
    "Comparator",
    "Heading",
    "PlanExtraction",
    "PlanPhase",
    "PlanTarget",
    "PlanTask",
    "ProjectCategory",
    "ProjectsTotal",
    "Span",
]
