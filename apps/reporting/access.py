"""Fetch-and-authorize for reporting, and the one answer to "what may this user report".

- :func:`reporting_parties`: who a user reports as in a program, one party per duty. A department reporter reports
  as its unit (the indicators the unit leads, at the program's own region), a county office as its county's office
  (its county's rows), the office administrator managing the program as the office (every row). Leaders,
  inspectors and a province office on a city's program report nothing.
- :func:`reportable_pairs`: which (region, indicator) pairs of a program the user may enter and submit: the union
  of what its parties may. ``IndicatorValue.review_can_report`` (through :func:`can_report`), the bulk import, the
  round obligations, the inbox and the entry template all ask these.
- :func:`viewable_pairs`: which (region, indicator) pairs of a program the user may read: ``IndicatorValue.can_view``
  (a value's page and API) and every list of values (the approved-values API) ask it.
- :func:`access_values_import`: a staged values import of a round, for its uploader only (the confirm, the
  import's page and its API).

This module does not import the reporting models at run time (the models call :func:`reportable_pairs`); it reaches
rounds and values through the program's related managers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from apps.accounts.models import Duty, Role, User
from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError, found
from apps.geo.access import sees_region
from apps.geo.models import Department, Region
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program, ResponsibilityRole
from apps.staging.models import StagedImport
from apps.staging.selectors import staged_import_for_confirm

if TYPE_CHECKING:
    from apps.indicators.models import Indicator

    from .models import IndicatorValue, ReportingRound


@dataclass(frozen=True)
class ReportingParty:
    """Who a user reports as: a unit (``department``), a county office (``county``), or the office (neither)."""

    department: Department | None = None
    county: Region | None = None

    @property
    def is_office(self) -> bool:
        return self.department is None and self.county is None

    @property
    def label(self) -> str:
        if self.department is not None:
            return self.department.name
        if self.county is not None:
            return f"{self.county.name}生态办"
        return "生态办"


def reporting_parties(user: User, program: Program) -> list[ReportingParty]:
    """Everyone the user reports as in the program, one party per duty (a person with two duties has two).

    The office party is the office managing the program: a province office reads a city's program and
    reports none of its values.
    """
    if not user.is_active:
        return []
    if can_manage_program(user, program):
        return [ReportingParty()]
    parties: list[ReportingParty] = []
    for duty in user.duties_as(Role.DEPARTMENT_REPORTER, Role.COUNTY_OFFICE, program_id=program.id):
        party = ReportingParty(department=duty.department) if duty.role == Role.DEPARTMENT_REPORTER else (
            ReportingParty(county=duty.region))
        if party not in parties:
            parties.append(party)
    return parties


def parties_label(parties: list[ReportingParty]) -> str:
    return "、".join(p.label for p in parties)


def reportable_pairs(user: User, program: Program, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (region id, indicator id) of ``program`` the user may report: the union over its parties.

    The office managing the program: all of them. A unit: the indicators it leads, at the program's own region.
    A county office: its county's rows. At most one query, however many duties the user holds.
    """
    parties = reporting_parties(user, program)
    if any(party.is_office for party in parties):
        return set(pairs)
    counties = {party.county.id for party in parties if party.county is not None}
    allowed = {pair for pair in pairs if pair[0] in counties and pair[0] != program.region_id}
    departments = {party.department.id for party in parties if party.department is not None}
    city = {pair for pair in pairs if pair[0] == program.region_id}
    if departments and city:
        leads = set(program.responsibilities.filter(
            indicator_id__in={pair[1] for pair in city}, department_id__in=departments,
            role=ResponsibilityRole.LEAD,
        ).values_list("indicator_id", flat=True))
        allowed |= {pair for pair in city if pair[1] in leads}
    return allowed


def _duty_views_region(duty: Duty, program: Program, region: Region) -> bool:
    """Whether a duty other than reporting for a unit reads a region's values of the program."""
    if duty.role in (Role.LEADER, Role.INSPECTOR, Role.OFFICE_ADMIN):
        return sees_region(duty, region) and sees_region(duty, program.region)
    if duty.role == Role.COUNTY_OFFICE:
        return duty.region is not None and region.path.startswith(duty.region.path)
    return False


def viewable_pairs(user: User, program: Program, regions: Iterable[Region],
                   indicator_ids: Iterable[int]) -> set[tuple[int, int]]:
    """Which (region id, indicator id) of ``program`` the user may read: the one rule for a value's page, its
    detail, the approved-values list and every other list of values.

    What the user may report; for a leader, an inspector or an office, the regions of the program they see; for a
    county office, its county; for a unit's reporter, the indicators the unit leads or cooperates on, in every
    region. At most two queries, however many pairs and duties.
    """
    regions = list(regions)
    indicator_ids = set(indicator_ids)
    pairs = {(r.id, i) for r in regions for i in indicator_ids}
    if not user.is_active or not pairs:
        return set()
    allowed = reportable_pairs(user, program, pairs)
    duties = user.duties_as(program_id=program.id)
    seen = {r.id for r in regions if any(_duty_views_region(d, program, r) for d in duties)}
    departments = {d.department.id for d in duties if d.role == Role.DEPARTMENT_REPORTER and d.department}
    units_indicators = set(program.responsibilities.filter(
        indicator_id__in=indicator_ids, department_id__in=departments,
    ).values_list("indicator_id", flat=True)) if departments else set()
    return allowed | {(r, i) for r, i in pairs if r in seen or i in units_indicators}


def can_report(user: User, program: Program, region_id: int, indicator_id: int) -> bool:
    """Whether the user may report one (region, indicator) of the program."""
    return (region_id, indicator_id) in reportable_pairs(user, program, {(region_id, indicator_id)})


def access_round(user: User, program_id: int, round_id: int) -> ReportingRound:
    program = access_program(user, program_id)
    reporting_round = found(program.reporting_rounds.filter(pk=round_id).first(), "调度轮次不存在。")
    reporting_round.program = program
    return reporting_round


def round_cell(reporting_round: ReportingRound, region_id: int, indicator_id: int) -> tuple[Region, Indicator]:
    """The region and the indicator (with its parent) of one cell of a round, or 404 when either is not in it.
    Whether the user may report the cell is the value's question (``review_can_report``)."""
    region = reporting_round.regions.filter(pk=region_id).first()
    indicator = reporting_round.indicators.select_related("parent").filter(pk=indicator_id).first()
    if region is None or indicator is None:
        raise NotFoundError(_("该区域或指标不在本轮调度范围内。"))
    return region, indicator


def access_value(user: User, program_id: int, value_id: int) -> IndicatorValue:
    program = access_program(user, program_id)
    values = program.indicator_values.select_related("region", "indicator", "indicator__parent", "round",
                                                     "current_revision", "approved_revision")
    value = found(values.filter(pk=value_id).first(), "指标值不存在。")
    value.program = program
    if not value.can_view(user):
        raise PermissionDeniedError("您无权查看该指标值。")
    return value


#: The staged-import kind of the values import (registered by :mod:`apps.reporting.imports`).
VALUES_IMPORT = "reporting.values"


def access_values_import(actor: User, reporting_round: ReportingRound, import_id: object, *,
                         previewed: bool = False) -> StagedImport:
    """The values import ``import_id`` that ``actor`` uploaded to this round (only a previewed one with
    ``previewed``, as the confirm needs), or "the preview has expired"."""
    if previewed:
        staged = staged_import_for_confirm(actor=actor, kind=VALUES_IMPORT, staged_id=import_id,
                                           program=reporting_round.program)
    else:
        staged = found(StagedImport.objects.filter(pk=int(str(import_id)), kind=VALUES_IMPORT, created_by=actor,
                                                   program=reporting_round.program).first(), "没有找到该导入。")
    if staged.options.get("round") != reporting_round.pk:
        raise DomainError("预览已失效，请重新上传文件。") if previewed else NotFoundError("没有找到该导入。")
    return staged
