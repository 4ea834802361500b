"""Reads for monitoring: sites, batches and computed results of a program (constant query counts)."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.errors import NotFoundError
from apps.core.permissions import access_program
from apps.programs.models import Program

from .models import ComputedResult, ImportBatch, Section, Station


def program_stations(program: Program) -> QuerySet[Station]:
    return Station.objects.filter(region__path__startswith=program.region.path).select_related("region")


def program_sections(program: Program) -> QuerySet[Section]:
    return Section.objects.filter(region__path__startswith=program.region.path).select_related("region")


def program_batches(program: Program) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(program=program).select_related("created_by").defer("plan")


def program_results(program: Program, *, year: int | None = None) -> QuerySet[ComputedResult]:
    """Results of committed batches, newest first within each region/year/measure."""
    rows = ComputedResult.objects.filter(program=program, batch__status="committed").select_related("region", "batch")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("region__path", "year", "measure", "-id")


def current_results(program: Program, *, year: int | None = None) -> list[ComputedResult]:
    """The latest result per (region, year, measure)."""
    seen: set[tuple[int, int, str]] = set()
    latest = []
    for row in program_results(program, year=year):
        key = (row.region_id, row.year, row.measure)
        if key not in seen:
            seen.add(key)
            latest.append(row)
    return latest


def access_batch(user: User, program_id: int, batch_id: int) -> ImportBatch:
    """A batch of a program the user may see (fetch-and-authorize)."""
    program = access_program(user, program_id)
    batch = ImportBatch.objects.select_related("program__region", "program__framework", "created_by").filter(
        program=program, pk=batch_id).first()
    if batch is None:
        raise NotFoundError("导入批次不存在。")
    return batch
