from django.contrib import admin

from .models import ProjectCategory


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(admin.ModelAdmin):
    """Offices add or reorder project categories here (the eight usual ones come with the migration)."""

    list_display = ("name", "order")
    list_editable = ("order",)
