"""Reads of plan imports: the preview (the document beside the draft's lists, and what a commit would write)
and the program's imports and latest summary. A fixed number of queries, however long the plan."""

from __future__ import annotations

from dataclasses import dataclass

from apps.programs.models import Program
from apps.programs.selectors import program_indicators
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.selectors import StagedPreview, staged_import_preview

from .draft import Draft, DraftPhase, DraftProjects, DraftTarget, DraftTask, DraftUnit
from .matching import department_candidates
from .models import PLAN_KIND as KIND
from .models import PlanSummary


@dataclass(frozen=True)
class TextLine:
    """One line of the document's text, with its character offsets (items point into them)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class PlanPreview:
    staged: StagedImport
    version: int
    title: str
    text: str
    lines: tuple[TextLine, ...]
    tasks: tuple[DraftTask, ...]
    units: tuple[DraftUnit, ...]
    targets: tuple[DraftTarget, ...]
    phases: tuple[DraftPhase, ...]
    projects: DraftProjects | None
    blanket_units: tuple[str, ...]
    notes: tuple[str, ...]  # what the reader could not read (its warnings)
    outcome: StagedPreview  # old → new rows, unchanged count, warnings, errors
    departments: tuple[Choice, ...]
    indicators: tuple[Choice, ...]

    @property
    def editable(self) -> bool:
        return self.staged.status == StagedStatus.PREVIEWED

    def unit(self, name: str) -> DraftUnit | None:
        return next((u for u in self.units if u.name == name), None)


def text_lines(text: str) -> tuple[TextLine, ...]:
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append(TextLine(start, start + len(line), line))
        start += len(line) + 1
    return tuple(lines)


def plan_preview(*, program: Program, staged: StagedImport) -> PlanPreview | None:
    """The preview of a read plan import (None while it is being read, or when it could not be)."""
    data = (staged.plan or {}).get("draft")
    if not data:
        return None
    draft = Draft.from_json(data)
    departments = tuple(Choice(d.id, d.name) for d in department_candidates(program))
    indicators = tuple(Choice(i.id, i.full_name) for i in program_indicators(program))
    return PlanPreview(
        staged=staged, version=int(staged.plan.get("version", 0)), title=draft.title, text=draft.text,
        lines=text_lines(draft.text),
        tasks=draft.tasks, units=draft.units, targets=draft.targets, phases=draft.phases, projects=draft.projects,
        blanket_units=draft.blanket_units, notes=draft.warnings, outcome=staged_import_preview(staged),
        departments=departments, indicators=indicators)


@dataclass(frozen=True)
class PlanImportState:
    """A plan import as the API answers it: the staged import and, once read, its preview."""

    staged: StagedImport
    preview: PlanPreview | None

    import_id = property(lambda self: self.staged.pk)
    status = property(lambda self: self.staged.display_status)
    finished = property(lambda self: self.staged.finished)
    progress = property(lambda self: self.staged.progress)
    stage = property(lambda self: self.staged.stage)
    original_name = property(lambda self: self.staged.original_name)
    sha256 = property(lambda self: self.staged.sha256)
    result = property(lambda self: self.staged.result or {})

    def _draft(self, name: str, empty: object) -> object:
        return getattr(self.preview, name) if self.preview is not None else empty

    version = property(lambda self: self._draft("version", 0))
    title = property(lambda self: self._draft("title", ""))
    text = property(lambda self: self.preview.text if self.preview is not None else "")
    tasks = property(lambda self: list(self._draft("tasks", ())))
    units = property(lambda self: list(self._draft("units", ())))
    targets = property(lambda self: list(self._draft("targets", ())))
    phases = property(lambda self: list(self._draft("phases", ())))
    projects = property(lambda self: self._draft("projects", None))
    blanket_units = property(lambda self: list(self._draft("blanket_units", ())))
    notes = property(lambda self: list(self._draft("notes", ())))
    changes = property(lambda self: self.outcome.changes)
    unchanged = property(lambda self: self.outcome.unchanged)
    warnings = property(lambda self: self.outcome.warnings)
    errors = property(lambda self: self.outcome.errors)
    message = property(lambda self: self.outcome.message)

    @property
    def outcome(self) -> StagedPreview:
        return self.preview.outcome if self.preview is not None else staged_import_preview(self.staged)


def plan_import_state(*, program: Program, staged: StagedImport) -> PlanImportState:
    return PlanImportState(staged, plan_preview(program=program, staged=staged))


def plan_imports(*, program: Program, actor: object) -> list[StagedImport]:
    """The user's recent plan imports of the program (the plans themselves are not read)."""
    return list(StagedImport.objects.filter(program=program, kind=KIND, created_by=actor).defer("plan")[:10])


def plan_summary_latest(*, program: Program) -> PlanSummary | None:
    return PlanSummary.objects.filter(program=program).select_related("created_by").first()
