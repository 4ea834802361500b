from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.accounts.admin import OfficeAdmin, OfficeInline, is_office_admin
from apps.geo.models import RegionLevel

from .models import Framework, Indicator, IndicatorTarget


@admin.register(Framework)
class FrameworkAdmin(OfficeAdmin):
    scope = "global"
    list_display = ("code", "title", "short_title", "document", "issued_on", "partial")
    readonly_fields = ("source_sha256", "loaded_at")


def _changes_indicator(request: HttpRequest, indicator: Indicator | None) -> bool:
    """National indicators come from the package's data files: only a superuser changes them in the admin; an
    office changes its own programs' local indicators."""
    return is_office_admin(request) and (
        request.user.is_superuser or (indicator is not None and indicator.program_id is not None))


class IndicatorTargetInline(OfficeInline):
    model = IndicatorTarget
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return _changes_indicator(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return _changes_indicator(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return _changes_indicator(request, obj) and request.user.is_superuser


@admin.register(Indicator)
class IndicatorAdmin(OfficeAdmin):
    scope = "program?:program"
    list_display = ("code", "name", "parent", "unit", "binding", "targets_by_level", "framework")
    list_filter = ("framework", "domain", "binding")
    search_fields = ("code", "name")
    readonly_fields = ("framework", "program", "parent", "code", "meta")
    inlines = [IndicatorTargetInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Indicator]:
        return super().get_queryset(request).prefetch_related("targets")

    @admin.display(description="目标")
    def targets_by_level(self, obj: Indicator) -> str:
        return "；".join(f"{RegionLevel(level).label}：{text}" for level, text in obj.target_texts.items())

    def has_add_permission(self, request: HttpRequest) -> bool:  # frameworks come from the package's data files
        return False

    def has_change_permission(self, request: HttpRequest, obj: Indicator | None = None) -> bool:
        return _changes_indicator(request, obj) if obj is not None else is_office_admin(request)
