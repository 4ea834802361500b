from __future__ import annotations

from django.db.models import QuerySet

from .models import Department, Region


def region_subtree(region: Region, *, include_self: bool = True) -> QuerySet[Region]:
    qs = Region.objects.filter(path__startswith=region.path)
    return qs if include_self else qs.exclude(pk=region.pk)


def department_lookup(region: Region) -> dict[str, Department]:
    """Every way a unit's name may be written in a sheet → the unit (for imports)."""
    departments = Department.objects.filter(region__path__startswith=region.path).select_related("region")
    lookup: dict[str, Department] = {}
    for department in departments:
        for name in [department.name, *department.aliases]:
            lookup.setdefault(normalise_unit_name(name), department)
    return lookup


def normalise_unit_name(name: str) -> str:
    return "".join(str(name).split()).replace("（", "(").replace("）", ")")
