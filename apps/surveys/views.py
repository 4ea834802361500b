"""The office's survey pages (问卷调查) and the public questionnaire form (/public/<program>/survey/<code>/).

Office pages: access → selector or service → render. The public form is the only anonymous write of the
application besides 公示 comments: the service refuses it when throttled, when the honeypot is filled, when it is
sent too soon after the form was opened, and for a used or unknown invitation code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.audit.services import client_ip
from apps.core.downloads import xlsx_response
from apps.core.errors import DomainError
from apps.core.web import back_to, cleaned, page, public_page, step_page, submit
from apps.staging.models import StagedImport
from apps.staging.web import StagedImportStep, staged_import_page, when_committed

from . import exports, imports, services
from .access import access_survey, access_surveys, can_manage_surveys
from .forms import (
    InvitationsForm,
    QuestionnaireForm,
    ResponseForm,
    SurveyForm,
    SurveyStepForm,
    population_inputs,
)
from .selectors import program_counties, program_surveys, questionnaire_of, questionnaires, survey_results
from .workflow import ENTRY_OPEN, SURVEY_WORKFLOW, SurveyStatus

# --- the office's pages --------------------------------------------------------------------------------


@page
def surveys_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_surveys(request.user, program_id)
    manages = can_manage_surveys(request.user, program)  # type: ignore[arg-type]
    if manages:
        services.questionnaires_builtin()
    form = SurveyForm(request.POST or None)
    if request.method == "POST":
        access_surveys(request.user, program_id, manage=True)

        def create(data: dict[str, Any]) -> object:
            return services.survey_create(program=program, actor=request.user, data=services.SurveyInput(  # type: ignore[arg-type]
                year=data["year"], title=data["title"], questionnaire_id=data["questionnaire"].id,
                method=data["method"], operator=data["operator"], operator_name=data["operator_name"],
                field_start=data["field_start"], field_end=data["field_end"], margin=data["margin"]))
        created = submit(form, create)
        if created is not None:
            messages.success(request, _("已创建问卷调查（草稿）。请录入抽样人口后开始调查。"))
            return redirect("survey", program_id=program.id, survey_id=created.pk)  # type: ignore[attr-defined]
    return render(request, "surveys/list.html", {
        "program": program, "surveys": program_surveys(program), "form": form, "manages": manages,
        "questionnaires": list(questionnaires()), "questionnaire_form": QuestionnaireForm()})


@page(back="surveys")
@require_POST
def questionnaire_upload(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_surveys(request.user, program_id, manage=True)
    upload = cleaned(QuestionnaireForm(request.POST, request.FILES), _("请选择问卷文件（TOML）。"))["file"]
    if upload.size > 256 * 1024:
        raise DomainError(_("问卷文件过大（上限256 KB）。"))
    row = services.questionnaire_upload(source=upload.read(), actor=request.user, program=program)  # type: ignore[arg-type]
    messages.success(request, _("已保存问卷「%(title)s」（版本%(version)s）。") % {"title": row.title, "version": row.version})
    return redirect("surveys", program_id=program.id)


@page
def survey_page(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id)
    results = survey_results(survey)
    questionnaire = results.questionnaire
    counties = program_counties(survey.program)
    population = {(c.region.code, c.urban_rural, c.sex, c.age_band): c.population
                  for c in survey.population.select_related("region")}
    grid = [{"county": county, "urban_rural": ur,
             "cells": [(f"pop|{code}|{ur}|{sex}|{age}", population.get((code, ur, sex, age), ""))
                       for sex in questionnaire.profile.sex for age in questionnaire.profile.age_bands]}
            for code, county in counties.items() for ur in questionnaire.profile.urban_rural]
    return render(request, "surveys/survey.html", {
        "program": survey.program, "survey": survey, "results": results, "questionnaire": questionnaire,
        "manages": can_manage_surveys(request.user, survey.program),  # type: ignore[arg-type]
        "actions": SURVEY_WORKFLOW.allowed_actions(survey.status), "grid": grid,
        "columns": [(sex, age) for sex in questionnaire.profile.sex for age in questionnaire.profile.age_bands],
        "entry_open": survey.status in ENTRY_OPEN, "invitations_form": InvitationsForm(),
        "draft": survey.status != SurveyStatus.SUBMITTED,
        "provenance": [s for s in (results.provenance("satisfaction"), results.provenance("participation")) if s]})


_back = back_to("survey", "program_id", "survey_id")

survey_step = step_page(access=functools.partial(access_survey, manage=True), form=SurveyStepForm,
                        workflow=SURVEY_WORKFLOW, to=_back,
                        transition=lambda survey, **move: services.survey_transition(survey=survey, **move))


@page(back=_back)
@require_POST
def population(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    cells = population_inputs(request.POST, program_counties(survey.program), questionnaire_of(survey.questionnaire))
    count = services.population_set(survey=survey, actor=request.user, cells=cells)  # type: ignore[arg-type]
    messages.success(request, _("已保存抽样人口：%(count)s个单元。") % {"count": count})
    return redirect("survey", program_id=program_id, survey_id=survey_id)


@page(back=_back)
@require_POST
def invitations(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    count = cleaned(InvitationsForm(request.POST), _("生成数量须为1至5000之间的整数。"))["count"]
    rows = services.invitations_create(survey=survey, actor=request.user, count=count)  # type: ignore[arg-type]
    messages.success(request, _("已生成邀请码%(count)s个，可下载 Excel。") % {"count": len(rows)})
    return redirect("survey", program_id=program_id, survey_id=survey_id)


@page
def invitations_download(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    data = exports.invitations_xlsx(survey, request.build_absolute_uri("/").rstrip("/"))
    return xlsx_response(data, f"{survey.title}邀请码.xlsx", "invitations.xlsx")


@page
def entry(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    questionnaire = questionnaire_of(survey.questionnaire)
    form = ResponseForm(questionnaire, program_counties(survey.program), request.POST or None)
    if request.method == "POST":
        def add(data: dict[str, Any]) -> object:
            return services.response_add(survey=survey, actor=request.user, data=form.response_input(),  # type: ignore[arg-type]
                                         reference=data.get("reference", ""))
        if submit(form, add) is not None:
            messages.success(request, _("已录入一份问卷。"))
            return redirect("survey_entry", program_id=program_id, survey_id=survey_id)
    return render(request, "surveys/entry.html", {"program": survey.program, "survey": survey, "form": form,
                                                  "questionnaire": questionnaire})


@page
def import_page(request: HttpRequest, program_id: int, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, program_id, survey_id, manage=True)
    program = survey.program

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("已导入问卷%(count)s份。") % {"count": staged.result["created"]})
        return redirect("survey", program_id=program.id, survey_id=survey.pk)

    step = StagedImportStep(
        kind=imports.RESPONSES, program=program, actor=request.user,
        upload=lambda checked: services.responses_stage(survey=survey, actor=request.user, checked=checked))  # type: ignore[arg-type]
    return staged_import_page(request, step, template="surveys/import.html",
                              context={"program": program, "survey": survey, "item_codes": " ".join(
                                  item.code for item in questionnaire_of(survey.questionnaire).items)},
                              done=when_committed(committed))


# --- the public questionnaire ------------------------------------------------------------------------------

def public(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The questionnaire: a public page (Chinese, an unknown code a plain 404) that no cache keeps."""
    wrapped = public_page(view, not_found="publication/public_404.html")

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = wrapped(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store"
        return response

    return require_http_methods(["GET", "POST"])(wrapper)


@public
def public_form(request: HttpRequest, program_id: int, code: str) -> HttpResponse:
    invitation = services.public_invitation(program_id, code)
    survey = invitation.survey
    program = survey.program
    context: dict[str, Any] = {"survey": survey, "program": program, "code": invitation.code, "program_id": program.id,
                               "portal": {"program_name": program.name, "region_name": program.region.name}}
    if invitation.used_at is not None:
        return render(request, "surveys/public_message.html",
                      {**context, "title": "已提交", "message": "该邀请码已提交过问卷，感谢您的参与！"})
    if survey.status != SurveyStatus.FIELDING:
        return render(request, "surveys/public_message.html",
                      {**context, "title": "暂不接受填写", "message": "本次调查目前不接受填写，感谢您的关注。"})
    questionnaire = questionnaire_of(survey.questionnaire)
    counties = program_counties(survey.program)
    form = ResponseForm(questionnaire, counties, request.POST or None, public=True,
                        initial={"token": services.form_token(invitation)})
    status = 200
    if request.method == "POST":
        def send(data: dict[str, Any]) -> object:
            return services.public_response_submit(
                program_id=program_id, code=invitation.code, data=form.response_input(), token=data["token"],
                honeypot=data.get("website", ""), address=client_ip(request))
        done = submit(form, send)
        if isinstance(form.refusal, services.Throttled):
            return render(request, "surveys/public_message.html", {**context, "title": "请稍后再试",
                                                                   "message": str(form.refusal)}, status=429)
        if done is not None:
            return render(request, "surveys/public_message.html",
                          {**context, "title": "提交成功", "message": "问卷已提交，感谢您对生态文明建设的关心和支持！"})
        status = 400
        form.data = form.data.copy()
        form.data["token"] = services.form_token(invitation)  # a fresh start time for the corrected form
    return render(request, "surveys/public_form.html", {**context, "form": form, "questionnaire": questionnaire},
                  status=status)
