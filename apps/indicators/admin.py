from django.contrib import admin

from apps.accounts.admin import OfficeAdmin

from .models import Framework, Indicator


@admin.register(Framework)
class FrameworkAdmin(OfficeAdmin):
    list_display = ("code", "title", "short_title", "document", "issued_on", "partial")
    readonly_fields = ("source_sha256", "loaded_at")


@admin.register(Indicator)
class IndicatorAdmin(OfficeAdmin):
    list_display = ("code", "name", "parent", "unit", "binding", "target_city", "target_county", "framework")
    list_filter = ("framework", "domain", "binding")
    search_fields = ("code", "name")
    readonly_fields = ("framework", "program", "parent", "code", "meta")

    def has_add_permission(self, request):  # frameworks come from the package's data files
        return False
