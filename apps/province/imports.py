"""The province sheet as a staged-import kind (see :mod:`apps.staging.registry`): the staged import belongs to no
program (``program`` is empty) and names its province in ``options["province"]``.

Upload → the check plans old → new per row (or row errors) → confirm → the commit checks the stored sheet again,
refuses it when it would now write something else than the preview showed, and writes every number in the one
transaction of the commit job: all or nothing.
"""

from __future__ import annotations

from typing import Any

from apps.accounts.models import User
from apps.core.errors import ImportRejected, PermissionDeniedError
from apps.geo.models import Region, RegionLevel
from apps.jobs.registry import ReportProgress
from apps.staging.diff import changes_plan
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current

from . import sheet
from .access import manages_province, province_ids

ASSIGNED = "province.assigned"
REFUSAL = "只有省级生态办可以录入全省考核任务。"


def _province(staged: StagedImport) -> Region:
    return Region.objects.get(pk=staged.options["province"], level=RegionLevel.PROVINCE)


def _checked(staged: StagedImport) -> tuple[sheet.SheetPreview, dict[str, Any]]:
    preview = sheet.sheet_check(province=_province(staged), data=staged_import_read(staged))
    if not preview.ok:
        raise ImportRejected(preview.errors)
    return preview, changes_plan(preview.changes, preview.unchanged)


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    preview, plan = _checked(staged)
    return Checked(plan=plan, rows=len(preview.lines),
                   summary=f"{len(preview.changes)}行有变化，{preview.unchanged}行无变化")


def _commit(staged: StagedImport, actor: User) -> Committed:
    preview, plan = _checked(staged)
    staged_plan_current(staged, plan)
    written = sheet.sheet_write(preview=preview, actor=actor)
    return Committed(result={"rows": len(preview.changes), "numbers": written, "unchanged": preview.unchanged},
                     summary=f"已写入{written}个考核任务值")


def authorize(actor: User, _program: object, options: dict[str, Any]) -> None:
    """The province office of the staged import's province (before the upload is read: of any province)."""
    if not actor.is_active:
        raise PermissionDeniedError(REFUSAL)
    province_id = options.get("province")
    if province_id is None:
        if not any(manages_province(actor, d.region) for d in actor.duties
                   if d.region is not None and d.region.id in province_ids(actor)):
            raise PermissionDeniedError(REFUSAL)
        return
    province = Region.objects.filter(pk=province_id, level=RegionLevel.PROVINCE).first()
    if province is None or not manages_province(actor, province):
        raise PermissionDeniedError(REFUSAL)


register_kind(StagedKind(ASSIGNED, authorize=authorize, check=_check, commit=_commit))
