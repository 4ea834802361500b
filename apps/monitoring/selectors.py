"""Reads for monitoring: sites, batches and computed results of a program (constant query counts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.latest import latest_per_key
from apps.geo.models import Region
from apps.programs.models import Program
from apps.programs.selectors import program_regions

from .compute import Measure, measures
from .models import BASE_MEASURES, BaseValue, BatchStatus, ComputedResult, ImportBatch, Section, Station
from .plans import BatchPlan


def program_stations(program: Program) -> QuerySet[Station]:
    return Station.objects.filter(region__path__startswith=program.region.path).select_related("region")


def program_sections(program: Program) -> QuerySet[Section]:
    return Section.objects.filter(region__path__startswith=program.region.path).select_related("region")


def program_batches(program: Program) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(program=program).select_related("created_by").defer("plan")


def program_results(program: Program, *, year: int | None = None) -> QuerySet[ComputedResult]:
    """Results of committed batches, newest first within each region/year/measure."""
    rows = ComputedResult.objects.filter(program=program, batch__status=BatchStatus.COMMITTED).select_related(
        "region", "indicator_value")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("region__path", "year", "measure", "-id")


def current_results(program: Program, *, year: int | None = None) -> list[ComputedResult]:
    """The latest result per (region, year, measure), chosen in SQL; earlier results are not fetched."""
    return list(latest_per_key(program_results(program, year=year), key=("region", "year", "measure"),
                               newest_first=("-id",)))


def batch_plan(batch: ImportBatch) -> BatchPlan:
    """What the batch's check planned (or, once committed, what the commit did): writes, results, sites."""
    return BatchPlan.from_json(batch.plan)


def result_years(program: Program) -> list[int]:
    """Years with committed results, latest first."""
    return list(ComputedResult.objects.filter(program=program, batch__status=BatchStatus.COMMITTED)
                .order_by("-year").values_list("year", flat=True).distinct())


@dataclass(frozen=True)
class Column:
    key: str  # measure key
    label: str
    unit: str
    grade: bool = False  # the EI grade column shows the result's text


@dataclass(frozen=True)
class RegionRow:
    region: Region
    cells: tuple[tuple[Column, ComputedResult | None], ...] = ()
    results: tuple[ComputedResult, ...] = ()


@dataclass(frozen=True)
class ResultsTable:
    year: int | None
    years: tuple[int, ...]
    columns: tuple[Column, ...]
    rows: tuple[RegionRow, ...]


def results_table(program: Program, *, year: int | None = None) -> ResultsTable:
    """The current results of one year (default: the latest) as regions × measures (4 queries whatever the size).

    Rows: the program's region first, then its counties; columns: the measures with a result that year, in the
    order of ``measures.toml``, with the EI grade as its own column.
    """
    years = result_years(program)
    if year not in years:
        year = years[0] if years else None
    current = current_results(program, year=year) if year is not None else []
    present = {r.measure for r in current}
    columns: list[Column] = []
    for key, measure in measures().items():
        if key in present:
            columns.append(Column(key, _short(measure), measure.unit))
            if key == "eco.ei":
                columns.append(Column(key, str(_("EI等级")), "", grade=True))
    by_cell = {(r.region_id, r.measure): r for r in current}
    rows = tuple(RegionRow(
        region=region,
        cells=tuple((column, by_cell.get((region.id, column.key))) for column in columns),
        results=tuple(by_cell[(region.id, c.key)] for c in columns if not c.grade and (region.id, c.key) in by_cell),
    ) for region in program_regions(program))
    return ResultsTable(year=year, years=tuple(years), columns=tuple(columns), rows=rows)


SHORT_LABELS = {"water.share_i_iii": _("Ⅰ–Ⅲ类比例"), "water.share_i_iii_change": _("Ⅰ–Ⅲ类比例提高"),
                "water.share_worse_v": _("劣Ⅴ类比例"), "water.share_worse_v_decline": _("劣Ⅴ类比例下降"),
                "water.drinking_attainment": _("饮用水水源地达标率"), "eco.ei": "EI",
                "air.pm25_decline": _("PM2.5下降幅度")}


def _short(measure: Measure) -> str:
    return str(SHORT_LABELS.get(measure.key, measure.label))


def recent_batches(program: Program, *, limit: int = 10) -> tuple[list[ImportBatch], int]:
    """The latest ``limit`` batches and how many there are in all."""
    batches = program_batches(program)
    return list(batches[:limit]), batches.count()


@dataclass(frozen=True)
class SiteCount:
    region: Region
    stations: int
    sections: int


def site_counts(program: Program) -> list[SiteCount]:
    """Stations and sections per region of the program (regions without sites included), city first."""
    stations = dict(program_stations(program).order_by().values_list("region_id").annotate(n=Count("id")))
    sections = dict(program_sections(program).order_by().values_list("region_id").annotate(n=Count("id")))
    return [SiteCount(region=r, stations=stations.get(r.id, 0), sections=sections.get(r.id, 0))
            for r in program_regions(program)]


@dataclass(frozen=True)
class BaseEntry:
    region: Region
    measure: Measure
    current: BaseValue | None
    history: tuple[BaseValue, ...]
    imported: object | None  # the imported base-year value, which wins when present
    imported_note: str = ""

    @property
    def used(self) -> str:
        if self.imported is not None:
            return "imported"
        return "office" if self.current else ""


def base_values(program: Program, measure: str, year: int, *, office: bool = True) -> dict[str, tuple[Decimal, str]]:
    """Base-year values per region code with where each came from.

    The latest committed imported result wins; an office-entered value (the latest row) is used only for
    regions without one (a result computed from the raw data by the same method is preferred to a bulletin
    figure; the provenance sentence names which one was used).
    """
    # An insufficient year (数据不足) is no base: stored without a value since the annual-validity rule, and
    # earlier rows that kept a value mark it with inputs.valid = false.
    imported = ComputedResult.objects.filter(program=program, measure=measure, year=year, value__isnull=False,
                                             batch__status=BatchStatus.COMMITTED).filter(
        Q(inputs__valid__isnull=True) | Q(inputs__valid=True))  # (not exclude(valid=False): NULL for a missing key)
    rows = latest_per_key(imported, key=("region",), newest_first=("-id",)).order_by("region_id")
    found: dict[str, tuple[Decimal, str]] = {
        code: (_plain(value), f"导入核算，批次#{batch_id}")
        for code, value, batch_id in rows.values_list("region__code", "value", "batch_id")
    }
    if office:
        entered = latest_per_key(BaseValue.objects.filter(program=program, measure=measure, year=year),
                                 key=("region",), newest_first=("-id",)).order_by("region_id")
        for code, value, source in entered.values_list("region__code", "value", "source"):
            found.setdefault(code, (_plain(value), f"生态办录入，来源：{source}"))
    return found


def _plain(value: Decimal) -> Decimal:
    return Decimal(format(value.normalize(), "f"))  # 49.0000 (stored) → 49


def base_entries(program: Program) -> list[BaseEntry]:
    """Office-entered base-year values (current and history) next to the imported ones (5 queries)."""
    rows = list(BaseValue.objects.filter(program=program, year=program.base_year).select_related(
        "region", "created_by").order_by("region__path", "measure", "-id"))
    imported = {key: base_values(program, key, program.base_year, office=False) for key in BASE_MEASURES}
    grouped: dict[tuple[int, str], list[BaseValue]] = {}
    for row in rows:
        grouped.setdefault((row.region_id, row.measure), []).append(row)
    all_measures = measures()
    entries = []
    for (_region_id, key), history in grouped.items():
        region = history[0].region
        found = imported[key].get(region.code)
        entries.append(BaseEntry(region=region, measure=all_measures[key], current=history[0], history=tuple(history),
                                 imported=found[0] if found else None, imported_note=found[1] if found else ""))
    return entries
