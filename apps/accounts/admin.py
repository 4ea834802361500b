"""Django admin for master data: office administrators only (and superusers for operations)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Role, RoleAssignment, User


def is_office_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or (hasattr(user, "has_role") and user.has_role(Role.OFFICE_ADMIN))))


def _has_permission(request: HttpRequest) -> bool:
    return is_office_admin(request)


admin.site.has_permission = _has_permission  # type: ignore[method-assign]


class OfficeAdmin(admin.ModelAdmin):
    """Model admin whose every permission is "is an office administrator"."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_office_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_office_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)


class AppendOnlyAdmin(OfficeAdmin):
    """Revisions are written through the pages and the API; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 1
    fields = ("role", "region", "department", "program")
    autocomplete_fields = ("region", "department")
    verbose_name = "角色分配"
    verbose_name_plural = "角色分配（一人可有多项职责）"

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)


@admin.register(User)
class UserAdmin(OfficeAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "duties_label", "is_active")
    list_filter = ("assignments__role", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "display_name")}),
    )
    inlines = (RoleAssignmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("assignments__region", "assignments__department", "assignments__program")

    @admin.display(description="角色与范围")
    def duties_label(self, obj: User) -> str:
        return "；".join(str(a) for a in obj.assignments.all())
