"""Fetch-and-authorize for monitoring: who reads a program's monitoring results and who imports them.

The office administrators, leaders and inspectors of the program (a duty of theirs whose region sees the
program's) read the results; only the office imports
(``manage``). Department reporters and county offices see the values in reporting, not here.
"""

from __future__ import annotations

from apps.accounts.models import Role, User
from apps.core.errors import PermissionDeniedError, found
from apps.geo.access import sees_region
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program

from .models import ImportBatch

READ_ROLES = {Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR}


def access_monitoring(user: User, program_id: int, *, manage: bool = False) -> Program:
    """The program, if the user may read its monitoring results (and import, if ``manage``)."""
    program = access_program(user, program_id)
    if manage and not can_manage_program(user, program):
        raise PermissionDeniedError("只有生态办管理员可以导入监测数据。")
    if not any(sees_region(d, program.region) for d in user.duties_as(*READ_ROLES, program_id=program.id)):
        raise PermissionDeniedError("监测数据核算仅对生态办管理员、领导和核查人员开放。")
    return program


def access_batch(program: Program, batch_id: int) -> ImportBatch:
    """A batch of a program the caller has already fetched and authorized (:func:`access_monitoring`)."""
    batches = ImportBatch.objects.select_related("program__region", "program__framework", "created_by")
    return found(batches.filter(program=program, pk=batch_id).first(), "导入批次不存在。")
