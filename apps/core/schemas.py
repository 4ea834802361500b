"""API schemas shared by the apps: read by attribute, as described in apps/assessment/schemas.py."""

from __future__ import annotations

from ninja import Schema


class RowErrorOut(Schema):
    """One problem in one row of an import (a :class:`docimport.errors.RowError` or its stored form)."""

    row: int
    column: str
    message: str
