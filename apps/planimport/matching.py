"""Matching a plan's unit names and target phrases to the program's departments and indicators (reads only;
the rules are :mod:`docimport.planmatch`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from apps.geo.models import Department
from apps.indicators.models import Indicator
from apps.programs.models import Program
from apps.programs.selectors import program_indicators
from docimport.plan import PlanExtraction
from docimport.planmatch import Candidate, Match, MatchKind, match_indicator, match_unit

from .draft import DraftUnit, UnitAction


def program_places(program: Program) -> tuple[str, ...]:
    """The place names a unit name may start with: the program's region, with and without its suffix."""
    name = program.region.name
    return tuple(dict.fromkeys([name, name.rstrip("市县区州盟") or name]))


def department_candidates(program: Program) -> list[Department]:
    """The units of the program's region and below (one query)."""
    return list(Department.objects.filter(region__path__startswith=program.region.path).order_by("order", "id"))


def indicator_candidates(indicators: Sequence[Indicator]) -> list[Candidate]:
    return [Candidate(i.id, i.name) for i in indicators]


def unit_match(name: str, departments: Sequence[Department], places: Sequence[str]) -> DraftUnit:
    """The draft's unit for a written name: its match among ``departments``."""
    match = match_unit(name, [Candidate(d.id, d.name, tuple(d.aliases or ())) for d in departments], places)
    action = (UnitAction.NEW if match.kind == MatchKind.NEW else UnitAction.SKIP if match.kind == MatchKind.SKIP
              else UnitAction.MATCH)
    return DraftUnit(name=match.name, action=action, department_id=match.id, department_name=match.matched,
                     confidence=match.confidence, reason=match.reason)


@dataclass(frozen=True)
class PlanMatches:
    """Every unit name and target phrase of an extraction, matched within a program."""

    units: tuple[Match, ...]
    indicators: tuple[Match, ...]


def plan_matches(*, program: Program, extraction: PlanExtraction) -> PlanMatches:
    departments = [Candidate(d.id, d.name, tuple(d.aliases or ())) for d in department_candidates(program)]
    places = program_places(program)
    names = [n for t in extraction.tasks for n in (*t.lead, *t.cooperating)] + list(extraction.blanket_units)
    indicators = indicator_candidates(program_indicators(program))
    return PlanMatches(
        units=tuple(match_unit(n, departments, places) for n in dict.fromkeys(names)),
        indicators=tuple(match_indicator(t.indicator, indicators) for t in extraction.targets))
