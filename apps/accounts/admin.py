"""Django admin for master data: office administrators only (and superusers for operations)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from axes.admin import AccessAttemptAdmin
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import record

from .access import managed_assignments_q, office_duties
from .models import Role, RoleAssignment, User


def is_office_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or (hasattr(user, "has_role") and user.has_role(Role.OFFICE_ADMIN))))


def _has_permission(request: HttpRequest) -> bool:
    return is_office_admin(request)


admin.site.has_permission = _has_permission  # type: ignore[method-assign]


def admin_scope_q(user: User, scope: str) -> Q | None:
    """The rows an office administrator may reach in the admin (None: every row, for a superuser).

    ``scope`` names the way from the model to its place: ``"region:<lookup>"`` (the lookup to a region: the
    office's region and everything below it), ``"program:<lookup>"`` (the lookup to a program: the programs the
    office manages, as ``apps.programs.access.can_manage_program`` says: a city office its city's, a province
    office only the province's own), ``"user:<lookup>"`` (to a user: users all of whose duties lie within the
    office's region, so an office never reaches another city's people) or ``"global"`` (national data: every row,
    read-only for an office). ``<lookup>`` is empty when the model is the region, program or user itself.
    ``"program?:<lookup>"``: as ``program``, and the rows without a program (national data, read-only).
    """
    if user.is_superuser:
        return None
    kind, _, lookup = scope.partition(":")
    if kind.endswith("?"):
        scoped_q = admin_scope_q(user, f"{kind[:-1]}:{lookup}")
        return Q(**{f"{lookup}__isnull": True}) | scoped_q if scoped_q is not None else None
    prefix = f"{lookup}__" if lookup else ""
    if kind == "global":
        return Q()
    if kind not in ("region", "program", "user"):
        return Q(pk__in=[])  # a model whose scope is not stated: nothing, rather than every city's rows
    if kind == "user":
        inside = managed_assignments_q(user)
        outside = RoleAssignment.objects.exclude(inside).values("user_id")
        return Q(**{f"{prefix}assignments__in": RoleAssignment.objects.filter(inside)}) & ~Q(
            **{f"{prefix}pk__in": outside})
    q = Q(pk__in=[])
    for duty in office_duties(user):
        if kind == "region":
            q |= Q(**{f"{prefix}path__startswith": duty.region.path})
        else:
            duty_q = (Q(**{f"{prefix}region": duty.region.id}) if duty.region.level == "province"
                      else Q(**{f"{prefix}region__path__startswith": duty.region.path}))
            q |= duty_q if duty.program_id is None else duty_q & Q(**{f"{prefix}pk": duty.program_id})
    return q


def scoped(queryset: QuerySet[Any], request: HttpRequest, scope: str) -> QuerySet[Any]:
    q = admin_scope_q(request.user, scope)
    return queryset if q is None else queryset.filter(q).distinct()


class ScopedChoices:
    """Foreign-key and many-to-many choices limited to what the administrator may reach.

    A related model registered with an :class:`OfficeAdmin` offers what that admin lists; any other related model
    names its scope in ``choice_scopes`` (field name → scope), or offers nothing to a non-superuser: a related
    model without a rule never leaks another city's rows.
    """

    choice_scopes: dict[str, str] = {}

    def _choices(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> None:
        related = db_field.remote_field.model
        scope = self.choice_scopes.get(db_field.name)
        if scope is None:
            model_admin = admin.site._registry.get(related)
            scope = model_admin.scope if isinstance(model_admin, OfficeAdmin) else "none"
        kwargs["queryset"] = scoped(kwargs.get("queryset", related._default_manager.all()), request, scope)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        self._choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class OfficeAdmin(ScopedChoices, admin.ModelAdmin):
    """Model admin for office administrators, scoped to the administrator's region (``scope``, see
    :func:`admin_scope_q`); deleting is for superusers, and national (``"global"``) data is read-only. Every add,
    change and delete made through it (users and their roles among them) is recorded in the audit log besides
    Django's own LogEntry."""

    scope = "none"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(super().get_queryset(request), request, self.scope)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str) -> HttpResponse:
        """An object outside the administrator's scope is not found (404), as on the pages, not a redirect."""
        raise Http404("对象不存在或不在您的管辖范围内。")

    def _writes(self, request: HttpRequest) -> bool:
        return is_office_admin(request) and (request.user.is_superuser or self.scope != "global")

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record(request.user, AuditAction.ADMIN_ADD, obj, request=request, change=message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        record(request.user, AuditAction.ADMIN_CHANGE, obj, request=request, change=message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Model]) -> Any:
        objects = list(queryset)  # logged before they are deleted
        for obj in objects:
            record(request.user, AuditAction.ADMIN_DELETE, obj, request=request)
        return super().log_deletions(request, objects)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_office_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._writes(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._writes(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request) and request.user.is_superuser


class AppendOnlyAdmin(OfficeAdmin):
    """Revisions are written through the pages and the API; the admin only shows them."""

    scope = "program:program"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OfficeInline(ScopedChoices, admin.TabularInline):
    """An inline of an :class:`OfficeAdmin`: its parent decides who reaches the rows; deleting as the parent."""

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_office_admin(request) and request.user.is_superuser


class RoleAssignmentInline(OfficeInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 1
    fields = ("role", "region", "department", "program")
    autocomplete_fields = ("region", "department")
    verbose_name = "角色分配"
    verbose_name_plural = "角色分配（一人可有多项职责）"

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Removing a duty within the office's region is the office's work (the user stays in its scope)."""
        return is_office_admin(request)


@admin.register(User)
class UserAdmin(OfficeAdmin, BaseUserAdmin):
    """The office's people: users all of whose duties lie within its region. Setting another user's password
    and deleting a user are for superusers (an office deactivates a user instead)."""

    scope = "user:"
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

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description="角色与范围")
    def duties_label(self, obj: User) -> str:
        return "；".join(str(a) for a in obj.assignments.all())


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    """The audit log, read-only, for superusers (operations); an office administrator reads the events of its
    own region on /audit/, with search and export."""

    scope = "global"  # never reached by an office: viewing is for superusers only (below)

    list_display = ("at", "actor_name", "action_label", "target_label", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_label", "action")
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # no bulk delete

    @admin.display(description="操作")
    def action_label(self, obj: AuditEvent) -> str:
        return obj.action_label


# django-axes lists a lockout's remaining attempts under a column it names after the method ("Status"), with no
# label to translate: named here, so the admin shows no English (its other texts are in locale/zh_Hans).
admin.display(description="状态")(AccessAttemptAdmin.status)
