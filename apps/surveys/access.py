"""Fetch-and-authorize for surveys.

The program's office administrators, leaders and inspectors read its surveys and their results (a duty whose
region sees the program's); only the office (``can_manage_program``) creates a survey, enters its sampling plan,
generates invitation codes, imports or enters responses and submits the results. Nobody else sees a survey: the
public sees only the form of an invitation code and, once published, the results on the portal.
"""

from __future__ import annotations

from apps.accounts.models import Role, User
from apps.core.errors import PermissionDeniedError, found
from apps.geo.access import sees_region
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program

from .models import Survey

READ_ROLES = {Role.OFFICE_ADMIN, Role.LEADER, Role.INSPECTOR}
MANAGE_REFUSAL = "只有生态办管理员可以管理问卷调查。"


def can_manage_surveys(user: User, program: Program) -> bool:
    return can_manage_program(user, program)


def access_surveys(user: User, program_id: int, *, manage: bool = False) -> Program:
    """The program, if the user may read its surveys (and manage them, if ``manage``)."""
    program = access_program(user, program_id)
    if manage and not can_manage_surveys(user, program):
        raise PermissionDeniedError(MANAGE_REFUSAL)
    if not any(sees_region(d, program.region) for d in user.duties_as(*READ_ROLES, program_id=program.id)):
        raise PermissionDeniedError("问卷调查仅对生态办管理员、领导和核查人员开放。")
    return program


def access_survey(user: User, program_id: int, survey_id: int, *, manage: bool = False) -> Survey:
    """A survey of a program the user may read (and manage, if ``manage``)."""
    program = access_surveys(user, program_id, manage=manage)
    survey = found(Survey.objects.select_related("questionnaire", "program__region").filter(
        program=program, pk=survey_id).first(), "调查不存在。")
    survey.program = program
    return survey
