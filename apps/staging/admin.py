from django.contrib import admin

from .models import StagedImport


@admin.register(StagedImport)
class StagedImportAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "program", "original_name", "status", "progress", "created_by", "created_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in StagedImport._meta.fields]
