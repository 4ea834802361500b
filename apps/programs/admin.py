from django.contrib import admin

from apps.accounts.admin import AppendOnlyAdmin, OfficeAdmin, OfficeInline

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


class PhaseInline(OfficeInline):
    model = Phase
    extra = 0


class RegionGoalInline(OfficeInline):
    model = RegionGoal
    extra = 0
    autocomplete_fields = ("region",)


@admin.register(Program)
class ProgramAdmin(OfficeAdmin):
    scope = "program:"
    list_display = ("name", "region", "framework", "title_sought", "base_year", "target_year")
    inlines = [PhaseInline, RegionGoalInline]
    autocomplete_fields = ("region",)


@admin.register(Milestone)
class MilestoneAdmin(OfficeAdmin):
    scope = "program:phase__program"
    choice_scopes = {"phase": "program:program"}
    list_display = ("title", "phase", "due")


@admin.register(Responsibility)
class ResponsibilityAdmin(OfficeAdmin):
    scope = "program:program"
    list_display = ("program", "indicator", "department", "role")
    list_filter = ("program", "role")


for model in (TargetEdit, TargetOverride, AssignedTarget):
    admin.site.register(model, AppendOnlyAdmin)
