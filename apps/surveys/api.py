"""REST endpoints for surveys: the office's (same permissions as the pages, ``access.py``) and the one anonymous
write, a respondent's answers through an invitation code (throttled, validated, CSRF-protected like the form)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.utils import check_csrf

from apps.accounts.models import User
from apps.audit.services import client_ip
from apps.core.errors import DomainError
from apps.staging.web import ImportPlace, staged_import_routes

from . import schemas, services
from .access import access_survey, access_surveys
from .imports import RESPONSES
from .models import Invitation, Questionnaire, Survey
from .selectors import SurveyResults, program_surveys, questionnaires, survey_results

router = Router(tags=["问卷调查"])


def _response_input(payload: schemas.ResponseIn) -> services.ResponseInput:
    return services.ResponseInput(region_code=payload.region_code, urban_rural=payload.urban_rural, sex=payload.sex,
                                  age_band=payload.age_band, occupation=payload.occupation,
                                  answers=dict(payload.answers))


@router.get("/programs/{program_id}/surveys", response=list[schemas.SurveyOut])
def surveys(request: HttpRequest, program_id: int) -> list[Survey]:
    return program_surveys(access_surveys(request.user, program_id))


@router.post("/programs/{program_id}/surveys", response={201: schemas.SurveyOut})
def survey_create(request: HttpRequest, program_id: int, payload: schemas.SurveyIn) -> Status:
    program = access_surveys(request.user, program_id, manage=True)
    survey = services.survey_create(program=program, actor=request.user,  # type: ignore[arg-type]
                                    data=services.SurveyInput(**payload.dict()))  # type: ignore[attr-defined]
    return Status(201, survey)


@router.get("/programs/{program_id}/surveys/questionnaires", response=list[schemas.QuestionnaireOut])
def questionnaire_list(request: HttpRequest, program_id: int) -> list[Questionnaire]:
    access_surveys(request.user, program_id)
    return list(questionnaires())


@router.post("/programs/{program_id}/surveys/questionnaires", response={201: schemas.QuestionnaireOut},
             summary="上传问卷新版本（TOML 文件）")
def questionnaire_upload(request: HttpRequest, program_id: int, file: File[UploadedFile]) -> Status:
    program = access_surveys(request.user, program_id, manage=True)
    if file.size is not None and file.size > 256 * 1024:
        raise DomainError("问卷文件过大（上限256 KB）。")
    row = services.questionnaire_upload(source=file.read(256 * 1024 + 1), actor=request.user,  # type: ignore[arg-type]
                                        program=program)
    return Status(201, row)


@router.get("/programs/{program_id}/surveys/{survey_id}", response=schemas.SurveyOut)
def survey_get(request: HttpRequest, program_id: int, survey_id: int) -> Survey:
    return access_survey(request.user, program_id, survey_id)


@router.put("/programs/{program_id}/surveys/{survey_id}/population", response=schemas.CountOut,
            summary="替换抽样人口（区县×城乡×性别×年龄段）")
def population_set(request: HttpRequest, program_id: int, survey_id: int,
                   payload: list[schemas.PopulationCellIn]) -> dict[str, int]:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    cells = [services.PopulationInput(c.region_code, c.urban_rural, c.sex, c.age_band, c.population) for c in payload]
    return {"count": services.population_set(survey=survey, actor=request.user, cells=cells)}  # type: ignore[arg-type]


@router.get("/programs/{program_id}/surveys/{survey_id}/invitations", response=list[schemas.InvitationOut])
def invitation_list(request: HttpRequest, program_id: int, survey_id: int) -> list[Invitation]:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    return list(Invitation.objects.filter(survey=survey).order_by("id"))


@router.post("/programs/{program_id}/surveys/{survey_id}/invitations", response={201: list[schemas.InvitationOut]})
def invitations_create(request: HttpRequest, program_id: int, survey_id: int, payload: schemas.InvitationsIn) -> Status:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    return Status(201, services.invitations_create(survey=survey, actor=request.user,  # type: ignore[arg-type]
                                                   count=payload.count))


@router.post("/programs/{program_id}/surveys/{survey_id}/responses", response={201: schemas.ResponseOut},
             summary="生态办录入一份问卷")
def response_add(request: HttpRequest, program_id: int, survey_id: int, payload: schemas.ResponseIn) -> Status:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    response = services.response_add(survey=survey, actor=request.user, data=_response_input(payload),  # type: ignore[arg-type]
                                     reference=payload.reference)
    return Status(201, response)


@router.get("/programs/{program_id}/surveys/{survey_id}/results", response=schemas.ResultsOut,
            summary="配额完成情况与各题（加权）肯定率、Wilson 95% 置信区间，按区县和全市")
def results(request: HttpRequest, program_id: int, survey_id: int) -> SurveyResults:
    return survey_results(access_survey(request.user, program_id, survey_id))


@router.post("/programs/{program_id}/surveys/{survey_id}/transition", response=schemas.SurveyTransitionOut,
             summary="开始、结束、重新开始调查或提交结果（start / close / reopen / submit）")
def transition(request: HttpRequest, program_id: int, survey_id: int, payload: schemas.SurveyTransitionIn) -> dict[str, object]:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    event = services.survey_transition(survey=survey, action=payload.action, actor=request.user,  # type: ignore[arg-type]
                                       expected_version=payload.expected_version)
    return {"status": survey.status, "version": survey.version, "data": event.data}


def _responses_place(user: User, program_id: int, survey_id: int) -> ImportPlace:
    """A survey's response sheets: the office's, kept with the survey they answer."""
    survey = access_survey(user, program_id, survey_id, manage=True)
    return ImportPlace(survey.program, {"survey_id": survey.pk})


staged_import_routes(router, "/programs/{program_id}/surveys/{survey_id}/import", kind=RESPONSES,
                     access=_responses_place, check=services.check_response_upload, summaries=(
                         "上传调查机构的问卷数据（xlsx 或 CSV）并预览（各层新增份数）；确认用 …/import/{import_id}/commit。"
                         "任一行有错误则不写入（400，errors 列出行与列）",
                         "本人上传的问卷数据导入：预览、进度或结果",
                         "确认写入已预览的问卷数据（仅上传者）；预览后数据有变化则不写入并重新预览（400）"))


def csrf_only(request: HttpRequest) -> bool:
    """The anonymous write's guard: no login, but the CSRF token of the form's page, like any form (a missing or
    wrong token is refused before the payload is even read)."""
    if check_csrf(request) is not None:
        raise HttpError(403, "CSRF 校验失败。")
    return True


@router.post("/public/surveys/{program_id}/{code}", response={201: schemas.CountOut}, auth=csrf_only,
             summary="受访者提交问卷（匿名；需 CSRF、问卷页面的 token；按 IP 限流；每个邀请码一次）")
def public_submit(request: HttpRequest, program_id: int, code: str, payload: schemas.PublicResponseIn) -> Status:
    services.public_response_submit(program_id=program_id, code=code, data=_response_input(payload),
                                    token=payload.token, honeypot=payload.website, address=client_ip(request))
    return Status(201, {"count": 1})
