"""What a response schema reads by attribute must exist on the object the API returns (apps/assessment/schemas.py).

Each app's ``test_schemas.py`` lists what each of its schemas reads (frozen dataclasses, models, the few plain
classes such as ``docimport.errors.RowError``) and the dataclasses that must be frozen, and takes its two tests
from :func:`schema_tests`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

import pytest
from django.db import models
from ninja import Schema


def attribute_names(source: type) -> set[str]:
    """The attributes an instance of ``source`` has: dataclass fields, slots, model fields, relations and choice
    labels, properties."""
    names: set[str] = set()
    for base in source.__mro__:
        names |= {n for n, v in vars(base).items() if isinstance(v, property)}
        names |= set(getattr(base, "__slots__", ()))
    if dataclasses.is_dataclass(source):
        names |= {f.name for f in dataclasses.fields(source)}
    if issubclass(source, models.Model):
        for f in source._meta.get_fields():
            names |= {f.name, getattr(f, "attname", f.name)}
            if getattr(f, "choices", None):  # ninja calls what an alias names: get_<field>_display()
                names.add(f"get_{f.name}_display")
            if f.auto_created and not f.concrete:
                names.add(f.get_accessor_name())
    return names


def unresolved_fields(schema: type[Schema]) -> set[str]:
    """The attributes the schema reads as they are: its fields with no ``resolve_<field>`` in it or a base schema,
    each under its ``alias`` when it has one (the first step of an alias path such as ``region.code``)."""
    resolved = {n.removeprefix("resolve_") for base in schema.__mro__ for n in vars(base) if n.startswith("resolve_")}
    return {(info.alias or name).split(".")[0] for name, info in schema.model_fields.items() if name not in resolved}


def schema_tests(reads: dict[type[Schema], type], frozen: Iterable[type]) -> tuple[Callable[..., None], ...]:
    """An app's two schema tests: every field a schema reads exists on its source; the dataclasses are frozen."""

    @pytest.mark.parametrize("schema", list(reads), ids=lambda s: s.__name__)
    def test_schema_fields_come_from_what_it_reads(schema: type[Schema]) -> None:
        assert unresolved_fields(schema) <= attribute_names(reads[schema])

    def test_dataclasses_are_frozen() -> None:
        for cls in frozen:
            assert cls.__dataclass_params__.frozen, cls.__name__

    return test_schema_fields_come_from_what_it_reads, test_dataclasses_are_frozen
