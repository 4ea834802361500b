"""The units (单位) import of the set-up pages as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → the check reads the sheet (:mod:`docimport.setup`), finds each row's region by code among the
uploader's office regions (a region outside them is a row error), matches a stored unit by region and name and
plans old → new per changed column → confirm → the commit plans again against the database as it is then and
writes in bulk, all or nothing, unless the plan changed since the preview (then it is previewed again). Units
are never deleted by an import: a unit missing from the sheet stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError

from apps.accounts.access import require_administer
from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import ImportRejected
from apps.core.uploads import parse_sheet
from apps.geo.models import Department, Region, RegionLevel
from apps.jobs.registry import ReportProgress
from apps.staging.diff import RowChange, changes_plan, column_changes
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read, staged_plan_current
from docimport.errors import RowError
from docimport.setup import COLUMNS, GOVERNS, NAME, REGION, UnitRow, parse_units, render_units_xlsx

from .access import managed_departments, office_regions

UNITS = "setup.units"


def unit_row(department: Department) -> UnitRow:
    """A stored unit as the sheet writes it (the export and the import's old side)."""
    return UnitRow(0, department.name, department.region.code, department.kind,
                   department.governs.code if department.governs_id else "", tuple(department.aliases),
                   department.order)


def units_export(actor: User) -> bytes:
    """The units within the actor's offices as the import reads them (export → import changes nothing)."""
    units = managed_departments(actor).order_by("region__path", "order", "name")
    return render_units_xlsx(unit_row(department) for department in units)


@dataclass
class UnitPlan:
    new: list[Department]  # unsaved units to create
    changed: list[Department]  # stored units with the sheet's values set
    changes: list[RowChange]
    unchanged: int

    def plan(self) -> dict[str, object]:
        return changes_plan(self.changes, self.unchanged)


def units_check(*, actor: User, data: bytes) -> UnitPlan:
    """Parse and resolve a units sheet for ``actor``; raises ImportRejected with every bad row. Writes nothing."""
    units, errors = parse_sheet(parse_units, data)
    regions = {region.code: region for region in office_regions(actor)}
    stored = {(d.region.code, d.name): d for d in managed_departments(actor)}
    plan = UnitPlan([], [], [], 0)
    for unit in units:
        for column, code in ((REGION, unit.region_code), (GOVERNS, unit.governs_code)):
            if code and code not in regions:
                errors.append(RowError(unit.row, column, f"区划代码“{code}”不存在或不在您的管辖范围内。", unit.name))
        if unit.governs_code in regions and regions[unit.governs_code].level != RegionLevel.COUNTY:
            errors.append(RowError(unit.row, GOVERNS, f"“{unit.governs_code}”不是县区的区划代码。", unit.name))
        old = stored.get((unit.region_code, unit.name))
        changed = column_changes(None if old is None else unit_row(old).cells(), unit.cells(), COLUMNS)
        if not changed:
            plan.unchanged += 1
            continue
        if unit.region_code in regions and (not unit.governs_code or unit.governs_code in regions):
            department = _department(unit, old, regions, errors)
            (plan.new if old is None else plan.changed).append(department)
        plan.changes.append(RowChange(unit.row, unit.name, old is None, changed))
    if errors:
        raise ImportRejected(errors)
    return plan


def _department(unit: UnitRow, old: Department | None, regions: dict[str, Region],
                errors: list[RowError]) -> Department:
    """The unit as the row would store it, validated as the model validates (the same on every database)."""
    department = old or Department(name=unit.name, region=regions[unit.region_code])
    department.kind, department.aliases, department.order = unit.kind, list(unit.aliases), unit.order
    department.governs = regions[unit.governs_code] if unit.governs_code else None
    try:
        department.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.append(RowError(unit.row, NAME, "；".join(dict.fromkeys(exc.messages)), unit.name))
    return department


def units_write(*, actor: User, planned: UnitPlan) -> dict[str, int]:
    """Create and change the planned units in bulk (inside the commit's transaction) and audit the import."""
    Department.objects.bulk_create(planned.new)
    Department.objects.bulk_update(planned.changed, ["kind", "aliases", "order", "governs"])
    result = {"created": len(planned.new), "updated": len(planned.changed), "unchanged": planned.unchanged}
    record(actor, AuditAction.SETUP_CHANGE, target_type="geo.department", target_label="单位导入", **result)
    return result


class ListPlan(Protocol):
    """What a set-up list import's check plans: the changed rows (old → new) and how many change nothing."""

    changes: list[RowChange]
    unchanged: int

    def plan(self) -> dict[str, object]: ...


P = TypeVar("P", bound=ListPlan)


def register_list_kind(name: str, *, check: Callable[..., P], write: Callable[..., dict[str, int]]) -> None:
    """Register a set-up list import: only an office administrator imports (each row then within its own scope);
    ``check(actor=, data=)`` plans (raising the row errors); the commit plans again against the database as it is
    then and ``write(actor=, planned=)`` carries the plan out, unless it changed since the preview."""

    def checked(staged: StagedImport, _report: ReportProgress) -> Checked:
        planned = check(actor=staged.created_by, data=staged_import_read(staged))
        return Checked(plan=planned.plan(), rows=len(planned.changes) + planned.unchanged,
                       summary=f"{len(planned.changes)}行有变化，{planned.unchanged}行无变化")

    def commit(staged: StagedImport, actor: User) -> Committed:
        planned = check(actor=staged.created_by, data=staged_import_read(staged))
        staged_plan_current(staged, planned.plan())
        return Committed(result=write(actor=actor, planned=planned))

    def authorize(actor: User, _program: object, _options: dict[str, object]) -> None:
        require_administer(actor)

    register_kind(StagedKind(name, authorize=authorize, check=checked, commit=commit))


register_list_kind(UNITS, check=units_check, write=units_write)
