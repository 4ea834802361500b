"""Fixtures for monitoring imports: sites in 甲市 (world), a 2025 annual round, helpers to build files."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from apps.monitoring.models import Section, Station
from apps.monitoring.samples import to_bytes
from apps.reporting.services import reporting_round_create
from tests.conftest import shared_fixture


@pytest.fixture(autouse=True)
def inline_batches(settings: Settings):
    """Batches are checked synchronously in tests (deterministic; no thread)."""
    settings.ECOCIV_JOB_BACKEND = "inline"
    settings.MONITORING_RAISE = True


@shared_fixture
def sites(world: SimpleNamespace):
    city, hill, plain = world.city, world.counties["hill"], world.counties["plain"]
    stations = [
        Station.objects.create(code="S1", name="市站", region=city),
        Station.objects.create(code="S2", name="丘陵站", region=hill),
        Station.objects.create(code="S3", name="平原站", region=plain),
    ]
    sections = [
        Section.objects.create(code="W1", name="市断面", region=city, river="甲河"),
        Section.objects.create(code="W2", name="丘陵断面", region=hill, river="甲河"),
        Section.objects.create(code="W3", name="平原水库", region=plain, river="乙河", waterbody="lake",
                               drinking_source=True),
    ]
    return SimpleNamespace(stations=stations, sections=sections)


@shared_fixture
def round_2025(world: SimpleNamespace):
    return reporting_round_create(program=world.program, actor=world.users.office, name="2025年度调度",
                                  period_type="year", year=2025, due=dt.date(2026, 1, 31))


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def file_of(frame: pl.DataFrame, fmt: str) -> bytes:
    return to_bytes(frame, fmt)
