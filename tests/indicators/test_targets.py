"""Targets are rows per indicator × level: written by the framework loader, read through the indicator."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import IntegrityError

from apps.indicators.framework_files import FrameworkRecord, framework_files, read_framework_file
from apps.indicators.models import Indicator, IndicatorTarget
from apps.indicators.services import framework_load


def national_2019() -> FrameworkRecord:
    return read_framework_file(next(p for p in framework_files() if p.stem == "national-2019"))


@pytest.mark.django_db
def test_loaded_frameworks_have_one_row_per_level_with_a_target():
    leaf = Indicator.objects.prefetch_related("targets").get(framework__code="national-2019", code="2019-29")
    assert leaf.target_texts == {"city": ">=95", "county": ">=85"}
    city_only = Indicator.objects.get(framework__code="national-2019", code="2019-31")
    assert list(city_only.targets.values_list("level", flat=True)) == ["city"]
    parent = Indicator.objects.get(framework__code="national-2019", code="2019-07")
    assert not parent.targets.exists()  # a parent groups its sub-indicators and has no target


@pytest.mark.django_db
def test_one_target_per_indicator_and_level():
    leaf = Indicator.objects.get(framework__code="national-2019", code="2019-29")
    with pytest.raises(IntegrityError):
        IndicatorTarget.objects.create(indicator=leaf, level="city", expression=">=1")


@pytest.mark.django_db
def test_reloading_a_changed_target_rewrites_its_rows_only():
    record = national_2019()
    changed = tuple(dataclasses.replace(item, targets={"city": ">=96"}, scope=("city",))
                    if item.code == "2019-29" else item for item in record.indicators)
    result = framework_load(record=dataclasses.replace(record, indicators=changed))
    assert (result.created, result.updated) == (0, 1)
    leaf = Indicator.objects.get(framework__code="national-2019", code="2019-29")
    assert leaf.target_texts == {"city": ">=96"}
    result = framework_load(record=record)
    assert (result.created, result.updated) == (0, 1)
    assert Indicator.objects.get(pk=leaf.pk).target_texts == {"city": ">=95", "county": ">=85"}
