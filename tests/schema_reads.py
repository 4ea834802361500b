"""What a response schema reads by attribute must exist on the object the API returns (apps/assessment/schemas.py).

``tests/assessment/test_schemas.py`` checks this for the dashboards; these helpers let the other apps check their
schemas against frozen dataclasses, models and the few plain classes (``docimport.errors.RowError``) they read.
"""

from __future__ import annotations

import dataclasses

from django.db import models
from ninja import Schema


def attribute_names(source: type) -> set[str]:
    """The attributes an instance of ``source`` has: dataclass fields, slots, model fields and relations, properties."""
    names: set[str] = set()
    for base in source.__mro__:
        names |= {n for n, v in vars(base).items() if isinstance(v, property)}
        names |= set(getattr(base, "__slots__", ()))
    if dataclasses.is_dataclass(source):
        names |= {f.name for f in dataclasses.fields(source)}
    if issubclass(source, models.Model):
        for f in source._meta.get_fields():
            names |= {f.name, getattr(f, "attname", f.name)}
            if f.auto_created and not f.concrete:
                names.add(f.get_accessor_name())
    return names


def unresolved_fields(schema: type[Schema]) -> set[str]:
    """The schema's fields that it reads as they are (no ``resolve_<field>`` in it or a base schema)."""
    resolved = {n.removeprefix("resolve_") for base in schema.__mro__ for n in vars(base) if n.startswith("resolve_")}
    return set(schema.model_fields) - resolved
