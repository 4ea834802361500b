"""Every user's single role, region and department become one role assignment (and back, on reverse)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REPORTER = "department_reporter"


def assignment_of(role: str, region_id: int | None, department_id: int | None) -> dict | None:
    """The assignment a legacy (role, region, department) triple becomes, or None if it had no scope.

    A department reporter is scoped to its unit; every other role to its region. A user without the scope its
    role needs (e.g. a superuser made by ``createsuperuser``) saw nothing before and gets no assignment.
    """
    if role == REPORTER:
        return {"role": role, "department_id": department_id} if department_id else None
    return {"role": role, "region_id": region_id} if region_id else None


def copy_user_scopes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:  # noqa: ARG001
    User = apps.get_model("accounts", "User")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    rows = []
    for user_id, role, region_id, department_id in User.objects.values_list("id", "role", "region_id",
                                                                             "department_id").order_by("id"):
        fields = assignment_of(role, region_id, department_id)
        if fields is not None:
            rows.append(RoleAssignment(user_id=user_id, **fields))
    RoleAssignment.objects.bulk_create(rows, batch_size=500)


def restore_user_scopes(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:  # noqa: ARG001
    """Reverse: each user takes its first assignment back into the three columns."""
    User = apps.get_model("accounts", "User")
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    seen: set[int] = set()
    for assignment in RoleAssignment.objects.order_by("user_id", "id"):
        if assignment.user_id in seen:
            continue
        seen.add(assignment.user_id)
        User.objects.filter(pk=assignment.user_id).update(role=assignment.role, region_id=assignment.region_id,
                                                          department_id=assignment.department_id)
    RoleAssignment.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roleassignment'),
    ]

    operations = [
        migrations.RunPython(copy_user_scopes, restore_user_scopes),
    ]
