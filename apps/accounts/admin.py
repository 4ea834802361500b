from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.core.admin import OfficeAdmin

from .models import User


@admin.register(User)
class UserAdmin(OfficeAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "region", "department", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        ("角色与范围", {"fields": ("role", "region", "department")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "display_name", "role", "region", "department")}),
    )
    autocomplete_fields = ("region", "department")
