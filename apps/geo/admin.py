from django.contrib import admin

from apps.accounts.admin import OfficeAdmin

from .models import Department, Region


@admin.register(Region)
class RegionAdmin(OfficeAdmin):
    scope = "region:"
    list_display = ("code", "name", "level", "parent", "terrain", "arid", "plateau", "coastal", "city_size", "zone")
    list_filter = ("level", "terrain", "coastal", "zone")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(OfficeAdmin):
    scope = "region:region"
    list_display = ("name", "region", "kind", "governs", "order")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region", "governs")
