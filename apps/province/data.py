"""What the province cockpit shows: frozen values built by :mod:`apps.province.selectors`, read by the page,
the API's schemas (:mod:`apps.province.schemas`) and nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class CityGate:
    """The certification gate of a city program's own region in its default year (apps.assessment's gate)."""

    year: int
    passed: bool
    binding_applicable: int
    binding_attained: int
    blockers: tuple[int, ...]  # binding indicators applicable and not attained (ids)
    not_attained: tuple[int, ...]  # every indicator not attained by the city in the year (ids)


@dataclass(frozen=True)
class Timeliness:
    """The latest round of a program whose due date has passed: its obligations and how they were submitted."""

    round_id: int | None
    round_name: str
    due: dt.date | None
    expected: int  # round regions × round indicators that apply at the region's level
    on_time: int
    late: int

    @property
    def missing(self) -> int:
        return max(0, self.expected - self.on_time - self.late)

    @property
    def on_time_percent(self) -> int | None:
        """The share submitted on time, rounded down to whole percent (None without a past-due round)."""
        return None if not self.expected else self.on_time * 100 // self.expected


@dataclass(frozen=True)
class CityRow:
    """One city program of the province: its gate, its counties seeking titles and its reporting timeliness."""

    program_id: int
    program_name: str
    city_id: int
    city_name: str
    title_sought: str  # the title's label
    target_year: int
    gate: CityGate
    counties_national: int
    counties_provincial: int
    timeliness: Timeliness

    @property
    def blocker_count(self) -> int:
        return len(self.gate.blockers)


@dataclass(frozen=True)
class WeakIndicator:
    """An indicator not attained by several cities (in each city program's default year)."""

    indicator_id: int
    code: str
    name: str
    binding: bool
    count: int
    cities: tuple[str, ...]


@dataclass(frozen=True)
class ProvinceCockpit:
    province_id: int
    province_name: str
    manages: bool  # the reader is the province office (enters the province sheet and targets)
    total: int  # city programs in the province
    passed: int  # of which passing the certification gate
    counties_national: int
    counties_provincial: int
    weak_spots: tuple[WeakIndicator, ...]
    page: int
    pages: int
    cities: tuple[CityRow, ...]  # the page's rows, by city code
    #: the snapshot it was read from (each build has its own; the page's rendered tables are kept under it)
    snapshot_id: str = ""


@dataclass(frozen=True)
class CockpitSnapshot:
    """The province cockpit computed once for a write stamp (:func:`apps.province.selectors.cockpit_snapshot`):
    every city program's row, the province's totals and the weak spots; a page is a slice of ``rows``."""

    stamp: str
    snapshot_id: str  # unique to this build (a rebuild under the same stamp gets another)
    rows: tuple[CityRow, ...]  # every city program, by city code
    passed: int
    counties_national: int
    counties_provincial: int
    weak_spots: tuple[WeakIndicator, ...]


@dataclass(frozen=True)
class ProvinceTargetRow:
    """A national indicator at one level (city or county) with the national target and the province's own."""

    indicator_id: int
    code: str
    name: str
    level: str
    level_label: str
    national: str  # the national target as printed
    province_target: str  # the province's expression ("" when it has none)
    reason: str
    set_at: dt.datetime | None


@dataclass(frozen=True)
class ProvinceTargets:
    """The province's targets page: every national indicator × level, and whether the reader sets them."""

    province_id: int
    manages: bool
    rows: tuple[ProvinceTargetRow, ...]
