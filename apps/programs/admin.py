from django.contrib import admin

from apps.accounts.admin import AppendOnlyAdmin, OfficeAdmin

from .models import (
    AssignedTarget,
    Milestone,
    Phase,
    Program,
    RegionGoal,
    Responsibility,
    TargetEdit,
    TargetOverride,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class RegionGoalInline(admin.TabularInline):
    model = RegionGoal
    extra = 0
    autocomplete_fields = ("region",)


@admin.register(Program)
class ProgramAdmin(OfficeAdmin):
    list_display = ("name", "region", "framework", "title_sought", "base_year", "target_year")
    inlines = [PhaseInline, RegionGoalInline]
    autocomplete_fields = ("region",)


@admin.register(Milestone)
class MilestoneAdmin(OfficeAdmin):
    list_display = ("title", "phase", "due")


@admin.register(Responsibility)
class ResponsibilityAdmin(OfficeAdmin):
    list_display = ("program", "indicator", "department", "role")
    list_filter = ("program", "role")


for model in (TargetEdit, TargetOverride, AssignedTarget):
    admin.site.register(model, AppendOnlyAdmin)
