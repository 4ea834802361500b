"""The operator's response sheet (xlsx) as a staged-import kind (see :mod:`apps.staging.registry`).

Upload → the check reads every row against the questionnaire (:func:`docimport.surveys.read_responses`) and the
program's counties (by name or 区划代码): any bad row rejects the whole sheet with its row errors; otherwise the
preview shows how many responses each stratum (county × 城乡) receives, received so far → after the import →
confirm → the commit job reads the stored sheet again and creates every response in one transaction.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from apps.accounts.models import User
from apps.core.errors import DomainError, ImportRejected, PermissionDeniedError, RowError, found
from apps.core.uploads import parse_sheet
from apps.jobs.registry import ReportProgress
from apps.programs.models import Program
from apps.staging.diff import FieldChange, RowChange, changes_plan
from apps.staging.models import StagedImport
from apps.staging.registry import Checked, Committed, StagedKind, register_kind
from apps.staging.services import staged_import_read
from docimport.surveys import COUNTY, ResponseRow, read_responses

from .access import MANAGE_REFUSAL, can_manage_surveys
from .models import Response, Survey
from .selectors import program_counties, questionnaire_of
from .services import ResponseInput, responses_bulk_add
from .workflow import ENTRY_OPEN, SURVEY_WORKFLOW

RESPONSES = "surveys.responses"


def _survey(program: Program, options: dict[str, Any]) -> Survey:
    survey = found(Survey.objects.select_related("questionnaire", "program__region").filter(
        program=program, pk=options.get("survey_id")).first(), "调查不存在。")
    if survey.status not in ENTRY_OPEN:
        raise DomainError(f"调查状态为「{SURVEY_WORKFLOW.status_label(survey.status)}」，不能导入问卷。")
    return survey


def _read(staged: StagedImport) -> tuple[Survey, list[tuple[ResponseRow, int]]]:
    """The survey and each row with its county's region id; row errors reject the sheet."""
    survey = _survey(staged.program, staged.options)
    questionnaire = questionnaire_of(survey.questionnaire)
    rows, errors = parse_sheet(lambda data, limits: read_responses(data, questionnaire, limits=limits,
                                                                   fmt=staged.file_format),
                               staged_import_read(staged))
    counties = program_counties(survey.program)
    by_name = {r.name: r for r in counties.values()}
    resolved = []
    for row in rows:
        region = counties.get(row.county) or by_name.get(row.county)
        if region is None:
            errors.append(RowError(row.row, COUNTY, f"区县“{row.county}”不属于本创建工作。", row.reference))
            continue
        resolved.append((row, region.id))
    if errors:
        raise ImportRejected(errors)
    if not resolved:
        raise ImportRejected([RowError(0, "", "表中没有问卷数据。")])
    return survey, resolved


def _check(staged: StagedImport, _report: ReportProgress) -> Checked:
    survey, rows = _read(staged)
    names = {r.id: r.name for r in program_counties(survey.program).values()}
    before = Counter(Response.objects.filter(survey=survey).values_list("region_id", "urban_rural"))
    adding = Counter((region_id, row.urban_rural) for row, region_id in rows)
    changes = [RowChange(row=0, name=f"{names[key[0]]}·{key[1]}", created=not before.get(key),
                         changes=(FieldChange("responses", "问卷份数", str(before.get(key, 0)),
                                              str(before.get(key, 0) + count)),))
               for key, count in sorted(adding.items(), key=lambda kv: (names[kv[0][0]], kv[0][1]))]
    plan = {**changes_plan(changes, 0), "survey_id": survey.pk, "responses": len(rows)}
    return Checked(plan=plan, rows=len(rows), summary=f"{len(rows):,}份问卷检查通过，分布于{len(adding)}个层（区县×城乡）")


def _commit(staged: StagedImport, actor: User) -> Committed:
    survey, rows = _read(staged)
    codes = {r.id: r.code for r in program_counties(survey.program).values()}
    created = responses_bulk_add(survey=survey, actor=actor, staged=staged, rows=[
        (ResponseInput(region_code=codes[region_id], urban_rural=row.urban_rural, sex=row.sex, age_band=row.age_band,
                       occupation=row.occupation, answers=dict(row.answers)), row.reference)
        for row, region_id in rows])
    return Committed(result={"created": created}, summary=f"已导入问卷{created:,}份。")


def authorize(actor: User, program: Program, _options: dict[str, object]) -> None:
    if not can_manage_surveys(actor, program):
        raise PermissionDeniedError(MANAGE_REFUSAL)


register_kind(StagedKind(RESPONSES, authorize=authorize, check=_check, commit=_commit,
                         formats=frozenset({"xlsx", "csv"})))
