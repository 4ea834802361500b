"""Who may import a plan document into a program: its office (``can_manage_program``); a staged plan import is
seen and corrected by its uploader only, while the office duty holds. A program the user may not manage is a 403
(``access_program``'s answers: another city's too), an unknown one or someone else's import a 404."""

from __future__ import annotations

from apps.accounts.models import User
from apps.core.errors import found
from apps.programs.access import access_program
from apps.programs.models import Program
from apps.staging.models import StagedImport

from .models import PLAN_KIND as KIND


def access_plan_program(user: User, program_id: int) -> Program:
    """The program whose plan the user may import (its office), or a 403/404."""
    return access_program(user, program_id, manage=True)


def access_plan_import(user: User, program_id: int, import_id: int) -> tuple[Program, StagedImport]:
    """The program and its plan import ``import_id`` that ``user`` uploaded, or a 403/404."""
    program = access_plan_program(user, program_id)
    staged = found(StagedImport.objects.select_related("program__region").filter(
        pk=import_id, kind=KIND, program=program, created_by=user).first(), "没有找到该规划文件导入。")
    return program, staged
