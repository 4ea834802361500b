"""The plan document as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → the check (a job) reads the document into a :class:`~apps.planimport.draft.Draft`, matches its units and
targets, and plans old → new → the office corrects the draft (each correction plans again) → confirm → the commit
plans again against the database as it is then (a difference is a :class:`StalePreview`: previewed again) and
writes everything in the commit job's one transaction: all or nothing.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.jobs.registry import ReportProgress
from apps.programs.access import require_manage
from apps.programs.models import Program
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current
from docimport.plan import UnreadableDocument

from . import services
from .draft import Draft
from .reading import read_plan


def _check(staged: StagedImport, report: ReportProgress) -> Checked:
    report(20, "读取规划文件")
    try:
        extraction = read_plan(staged_import_read(staged), staged.original_name)
    except UnreadableDocument as exc:  # a document the reader cannot open at all
        raise DomainError(f"无法读取该文件：{exc}") from exc
    report(70, "匹配单位与指标")
    draft = services.plan_draft_build(program=staged.program, extraction=extraction)
    plan = services.plan_stage(program=staged.program, draft=draft)
    summary = (f"{len(draft.tasks)}项任务，{len(draft.targets)}项目标，{len(draft.phases)}个阶段"
               f"{'，有项目汇总' if draft.projects else ''}")
    return Checked(plan=plan, rows=len(draft.tasks) + len(draft.targets) + len(draft.phases), summary=summary)


def _commit(staged: StagedImport, actor: User) -> Committed:
    draft = Draft.from_json(staged.plan["draft"])
    writes = services.plan_writes(program=staged.program, draft=draft)
    staged_plan_current(staged, writes.plan(draft, int(staged.plan.get("version", 0))))
    result = services.plan_write(program=staged.program, writes=writes, draft=draft, actor=actor, staged=staged)
    return Committed(result=result, summary=f"新增任务{result['tasks_created']}项，更新{result['tasks_updated']}项，"
                                           f"目标{result['targets']}项，阶段{result['phases']}个")


def authorize(actor: User, program: Program, _options: dict[str, object]) -> None:
    """Only the program's office imports its plan document."""
    if program is None:
        raise DomainError("请选择创建工作。")
    require_manage(actor, program, "只有生态办管理员可以导入规划文件。")


PLAN = register_kind(StagedKind(services.KIND, authorize=authorize, check=_check, commit=_commit,
                                formats=services.FORMATS))
