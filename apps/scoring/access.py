"""Who sees and changes scoring: the office runs, rules and publishes; a subject sees its own sheet.

- The program's managers (``can_manage_program``) see every run and sheet and do every write.
- Before publication a county office sees only its county government's sheet, a department reporter only its
  unit's, and only once the run is open for objections (a draft is the office's alone); after publication
  everyone who sees the program sees the ranking and every sheet.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.core.errors import PermissionDeniedError, found
from apps.programs.access import access_program, can_manage_program
from apps.programs.models import Program

from .models import Objection, Scheme, ScoreRun, SubjectScore
from .units import own_units
from .workflow import OBJECTABLE, SUBJECT_VISIBLE, RunStatus


def access_scoring(user: User, program_id: int, *, manage: bool = False) -> Program:
    program = access_program(user, program_id)
    if manage and not can_manage_program(user, program):
        raise PermissionDeniedError("只有生态办管理员可以办理考核评分。")
    return program


def visible_runs(user: User, program: Program) -> QuerySet[ScoreRun]:
    runs = ScoreRun.objects.filter(program=program).select_related("scheme")
    if can_manage_program(user, program):
        return runs
    mine = own_units(user, program)
    return runs.filter(Q(status=RunStatus.PUBLISHED)
                       | Q(status__in=SUBJECT_VISIBLE, pk__in=SubjectScore.objects.filter(department_id__in=mine)
                           .values("run_id")))


def sees_ranking(user: User, run: ScoreRun) -> bool:
    """The whole ranking: the office always, anyone else once published."""
    return run.status == RunStatus.PUBLISHED or can_manage_program(user, run.program)


def access_run(user: User, program_id: int, run_id: int, *, manage: bool = False) -> ScoreRun:
    program = access_scoring(user, program_id, manage=manage)
    run = found(ScoreRun.objects.select_related("scheme", "program__region").filter(program=program, pk=run_id).first(),
                "考核结果不存在。")
    if not visible_runs(user, program).filter(pk=run.pk).exists():
        raise PermissionDeniedError("考核结果发布前，您只能查看本单位的评分表。")
    return run


def access_ranking(user: User, program_id: int, run_id: int) -> ScoreRun:
    run = access_run(user, program_id, run_id)
    if not sees_ranking(user, run):
        raise PermissionDeniedError("考核结果发布前，您只能查看本单位的评分表。")
    return run


def can_see_sheet(user: User, run: ScoreRun, department_id: int) -> bool:
    if sees_ranking(user, run):
        return True
    return run.status in SUBJECT_VISIBLE and department_id in own_units(user, run.program)


def access_sheet(user: User, program_id: int, run_id: int, department_id: int) -> tuple[ScoreRun, SubjectScore]:
    run = access_run(user, program_id, run_id)
    subject = found(SubjectScore.objects.filter(run=run, department_id=department_id).first(),
                    "该单位不是本次考核的对象。")
    if not can_see_sheet(user, run, department_id):
        raise PermissionDeniedError("考核结果发布前，您只能查看本单位的评分表。")
    return run, subject


def can_object(user: User, run: ScoreRun, subject: SubjectScore) -> bool:
    return run.status in OBJECTABLE and subject.department_id in own_units(user, run.program)


def access_scheme(user: User, program_id: int, scheme_id: int, *, manage: bool = False) -> Scheme:
    program = access_scoring(user, program_id, manage=manage)
    return found(Scheme.objects.filter(program=program, pk=scheme_id).first(), "评分细则不存在。")


def access_objection(run: ScoreRun, objection_id: int) -> Objection:
    """An objection to a run the caller has already fetched and authorized (:func:`access_run`), or 404."""
    objection = found(Objection.objects.filter(run=run, pk=objection_id).select_related("subject").first(),
                      "异议不存在。")
    objection.run = run
    return objection


def with_evidence_rights(user: User, program: Program, objections: list[Objection]) -> list[Objection]:
    """Mark each objection with ``evidence_visible``: its evidence is the office's and the objector's only (the
    rule of :meth:`Objection.evidence_can_view`, asked once for the list), so pages and the API link to it only
    for them."""
    manages = can_manage_program(user, program)
    mine = set() if manages else own_units(user, program)
    for objection in objections:
        objection.evidence_visible = manages or objection.subject.department_id in mine  # type: ignore[attr-defined]
    return objections
