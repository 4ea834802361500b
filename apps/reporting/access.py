"""Fetch-and-authorize for reporting, and the one answer to "what may this user report".

- :func:`reporting_party`: who a user reports as. A department reporter reports as its unit (the indicators the
  unit leads, at the program's own region), a county office as its county's office (its county's rows), an
  office administrator as the office (every row). Leaders and inspectors report nothing.
- :func:`reportable_pairs`: which (region, indicator) pairs of a program the user may enter and submit. The
  office that manages the program always may; otherwise the party decides. ``IndicatorValue.review_can_report``,
  the bulk import, the round obligations, the inbox and the entry template all ask these two.

This module does not import the reporting models at run time (the models call :func:`reportable_pairs`); it reaches
rounds and values through the program's related managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, PermissionDeniedError
from apps.geo.models import Department, Region
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program, ResponsibilityRole

if TYPE_CHECKING:
    from .models import IndicatorValue, ReportingRound


@dataclass(frozen=True)
class ReportingParty:
    """Who a user reports as: a unit (``department_id``), a county office (``county_id``), or the office."""

    user: User
    department_id: int | None = None
    county_id: int | None = None

    @property
    def is_office(self) -> bool:
        return self.department_id is None and self.county_id is None

    @property
    def department(self) -> Department | None:
        return self.user.department if self.department_id is not None else None

    @property
    def county(self) -> Region | None:
        return self.user.region if self.county_id is not None else None

    @property
    def label(self) -> str:
        if self.department_id is not None:
            return self.user.department.name
        if self.county_id is not None:
            return f"{self.user.region.name}生态办"
        return "生态办"


def reporting_party(user: User) -> ReportingParty | None:
    """Who the user reports as, or None if it reports nothing."""
    if not user.is_active:
        return None
    if user.role == Role.DEPARTMENT_REPORTER and user.department_id:
        return ReportingParty(user, department_id=user.department_id)
    if user.role == Role.COUNTY_OFFICE and user.region_id:
        return ReportingParty(user, county_id=user.region_id)
    if user.role == Role.OFFICE_ADMIN and user.region_id:
        return ReportingParty(user)
    return None


def reportable_pairs(user: User, program: Program, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (region id, indicator id) of ``program`` the user may report (at most one query).

    The office managing the program: all of them. A unit: the indicators it leads, at the program's own region.
    A county office: its county's rows.
    """
    if not user.is_active:
        return set()
    if can_manage_program(user, program):
        return set(pairs)
    party = reporting_party(user)
    if party is None or party.is_office:
        return set()
    if party.department_id is not None:
        city = {pair for pair in pairs if pair[0] == program.region_id}
        if not city:
            return set()
        leads = set(program.responsibilities.filter(
            indicator_id__in={pair[1] for pair in city}, department_id=party.department_id,
            role=ResponsibilityRole.LEAD,
        ).values_list("indicator_id", flat=True))
        return {pair for pair in city if pair[1] in leads}
    return {pair for pair in pairs if pair[0] == party.county_id and pair[0] != program.region_id}


def access_round(user: User, program_id: int, round_id: int) -> ReportingRound:
    program = access_program(user, program_id)
    reporting_round = program.reporting_rounds.filter(pk=round_id).first()
    if reporting_round is None:
        raise NotFoundError("调度轮次不存在。")
    reporting_round.program = program
    return reporting_round


def access_value(user: User, program_id: int, value_id: int) -> IndicatorValue:
    program = access_program(user, program_id)
    value = (
        program.indicator_values.select_related("region", "indicator", "indicator__parent", "round",
                                                "current_revision", "approved_revision")
        .filter(pk=value_id)
        .first()
    )
    if value is None:
        raise NotFoundError("指标值不存在。")
    value.program = program
    if not value.can_view(user):
        raise PermissionDeniedError("您无权查看该指标值。")
    return value
