"""API schemas shared by the apps: read by attribute, as described in apps/assessment/schemas.py."""

from __future__ import annotations

from ninja import Schema


class RowErrorOut(Schema):
    """One problem in one row of an import (a :class:`docimport.errors.RowError` or its stored form)."""

    row: int
    column: str
    message: str
    subject: str = ""  # what the row is about as the sheet names it (indicator code and name, task, project)


class ErrorOut(Schema):
    """Every refusal of the API: a message for the user and a stable code for programs (``invalid``, ``not_found``,
    ``permission_denied``, ``conflict``, ``gone``, ``invalid_input``, ``server_error``, …); an import's refusal adds
    its row errors, a request that fails validation its field errors."""

    detail: str
    code: str
    errors: list[dict] | None = None
