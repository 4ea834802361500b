"""Office admin of scoring, scoped to the programs the administrator manages: schemes are edited (the TOML text
is checked on save); runs are read-only snapshots (their workflow is on the pages and in the API); the office's
facts and manual points are read-only too: every change is a revision, written through the pages, the API and the
import (``apps.scoring.services``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.admin import AppendOnlyAdmin, OfficeAdmin

from .models import ManualScore, OfficeFact, Scheme, ScoreRun


@admin.register(Scheme)
class SchemeAdmin(OfficeAdmin):
    scope = "program:program"
    list_display = ["name", "code", "version", "period", "program", "created_at"]
    list_filter = ["period"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "name", "version", "groups", "period"]
    fields = ["program", "code", "name", "version", "groups", "period", "text", "sources"]


@admin.register(ScoreRun)
class ScoreRunAdmin(OfficeAdmin):
    scope = "program:program"
    list_display = ["scheme", "period", "status", "scheme_version", "code_version", "created_at"]
    list_filter = ["status", "period"]
    exclude = ["inputs"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OfficeFact)
class OfficeFactAdmin(AppendOnlyAdmin):
    scope = "program:program"
    list_display = ["department", "period", "key", "value", "text", "na", "reason"]
    list_filter = ["period"]
    search_fields = ["key", "department__name"]


@admin.register(ManualScore)
class ManualScoreAdmin(AppendOnlyAdmin):
    scope = "program:program"
    list_display = ["department", "period", "scheme_code", "item", "points", "reason"]
    list_filter = ["period"]
