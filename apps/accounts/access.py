"""Who manages which users and grants which duties: an office administrator, within its own regions.

The rule is the admin's (``apps.accounts.admin`` builds its ``"user:"`` scope from :func:`managed_assignments_q`):
an office administrator manages a user all of whose duties lie within one of its office regions (a duty's home:
its region, or its unit's region), so office A never reaches office B's people, nor a person who also holds a
duty elsewhere. It grants a duty only within its own region, and an office duty limited to one program grants only
duties limited to that program: nobody grants a role above their own. A superuser (operations) manages everyone.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.errors import PermissionDeniedError, found

from .models import Duty, Region, Role, RoleAssignment, User


def office_duties(user: User) -> list[Duty]:
    """The user's office-administrator duties (each with its region)."""
    return [d for d in user.duties_as(Role.OFFICE_ADMIN) if d.region is not None] if user.is_active else []


def can_administer(user: User) -> bool:
    """Whether the user manages users at all (an active office administrator or a superuser)."""
    return user.is_active and (user.is_superuser or bool(office_duties(user)))


def _within(office: Duty, home: Region | None) -> bool:
    return home is not None and office.region is not None and home.path.startswith(office.region.path)


def _covers(office: Duty, home: Region | None, program_id: int | None) -> bool:
    return _within(office, home) and (office.program_id is None or office.program_id == program_id)


def can_grant(user: User, *, home: Region | None, program_id: int | None) -> bool:
    """Whether the user may give (or take back) a duty standing in ``home`` for that program (None: every one)."""
    if user.is_active and user.is_superuser:
        return True
    return any(_covers(d, home, program_id) for d in office_duties(user))


def can_manage_user(user: User, person: User) -> bool:
    """Every duty of the person lies within one of the user's office regions (a person without duties: superusers)."""
    if user.is_active and user.is_superuser:
        return True
    offices = office_duties(user)
    return bool(offices and person.duties) and all(any(_within(o, d.home) for o in offices) for d in person.duties)


def managed_assignments_q(user: User) -> Q:
    """Role assignments whose scope (region, or unit's region) lies within one of the office's regions."""
    q = Q(pk__in=[])
    for duty in office_duties(user):
        assert duty.region is not None
        q |= Q(region__path__startswith=duty.region.path) | Q(department__region__path__startswith=duty.region.path)
    return q


def managed_users(user: User) -> QuerySet[User]:
    """The users the office manages, as :func:`can_manage_user` says, in one query."""
    if not can_administer(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    inside = managed_assignments_q(user)
    outside = RoleAssignment.objects.exclude(inside).values("user_id")
    return User.objects.filter(assignments__in=RoleAssignment.objects.filter(inside)).exclude(pk__in=outside).distinct()


def require_administer(user: User) -> None:
    if not can_administer(user):
        raise PermissionDeniedError("只有生态办管理员可以管理用户和设置。")


def access_managed_user(user: User, person_id: int) -> User:
    """Fetch a user the office manages, or raise (another office's user: 403)."""
    require_administer(user)
    person = User.objects.filter(pk=person_id).first()
    if person is not None and not can_manage_user(user, person):
        raise PermissionDeniedError("您无权管理该用户。")
    return found(person, "用户不存在。")


def access_managed_assignment(user: User, assignment_id: int) -> RoleAssignment:
    """Fetch a role assignment of a managed user that the user may take back, or raise."""
    assignment = found(RoleAssignment.objects.select_related("user", "region", "department__region")
                       .filter(pk=assignment_id).first(), "角色分配不存在。")
    access_managed_user(user, assignment.user_id)
    home = assignment.department.region if assignment.department_id else assignment.region
    if not can_grant(user, home=home, program_id=assignment.program_id):
        raise PermissionDeniedError("您无权撤销该角色。")
    return assignment
