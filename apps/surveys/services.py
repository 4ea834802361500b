"""Writes for surveys: questionnaire versions, a survey and its sampling plan, invitation codes, responses (the
public form, the office's entry, the operator's sheet through :mod:`apps.surveys.imports`) and the one
transition function, whose last step submits the computed rates as indicator values for review."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.antispam import form_stamp, over_rate_limit, read_stamp
from apps.core.errors import DomainError, PermissionDeniedError, found
from apps.core.uploads import CheckedUpload, check_upload, safe_filename
from apps.core.validation import check_instances
from apps.geo.models import Region
from apps.programs.models import Program
from apps.programs.selectors import program_indicators, program_regions
from apps.reporting.models import IndicatorValue, PeriodType
from apps.reporting.selectors import annual_round
from apps.reporting.services import ValueInput, indicator_value_save
from apps.review.models import ReviewEvent
from apps.review.services import workflow_step
from apps.review.workflow import EDITABLE
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_upload
from docimport.surveys import (
    AGE,
    OCCUPATION,
    SEX,
    URBAN_RURAL,
    QuestionnaireError,
    answer_errors,
    parse_questionnaire,
)

from .access import MANAGE_REFUSAL, can_manage_surveys
from .models import (
    Invitation,
    OperatorKind,
    PopulationCell,
    Response,
    ResponseChannel,
    Survey,
    SurveyMethod,
)
from .models import Questionnaire as QuestionnaireRow
from .selectors import MEASURE_INDICATORS, program_counties, questionnaire_of, survey_results
from .workflow import ENTRY_OPEN, SURVEY_WORKFLOW, WEB_OPEN, SurveyAction, SurveyStatus

BUILTIN = Path(__file__).parent / "questionnaires"
#: Invitation codes: no 0/O, 1/I/L, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
MAX_INVITATIONS = 5000
#: The public form: at least this many seconds between opening and sending (a person reads seven questions),
#: at most this many before the form expires; so many submissions per address and hour.
MIN_FILL_SECONDS = 8
MAX_FILL_SECONDS = 4 * 3600
RATE_PER_HOUR = 20
FORM_SALT = "surveys.public-form"


class Throttled(DomainError):
    status_code = 429
    code = "throttled"


def _require(actor: User, program: Program) -> None:
    if not can_manage_surveys(actor, program):
        raise PermissionDeniedError(MANAGE_REFUSAL)


# --- questionnaires --------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_upload(*, source: bytes, actor: User | None, program: Program | None = None) -> QuestionnaireRow:
    """Store a new questionnaire version (TOML); the same code and version twice is refused unless identical."""
    if actor is not None:
        if program is None:
            raise PermissionDeniedError(MANAGE_REFUSAL)
        _require(actor, program)
    try:
        text = source.decode("utf-8")
        parsed = parse_questionnaire(text)
    except UnicodeDecodeError as exc:
        raise DomainError("问卷文件须为 UTF-8 编码的 TOML 文本。") from exc
    except QuestionnaireError as exc:
        raise DomainError(str(exc)) from exc
    digest = hashlib.sha256(source).hexdigest()
    existing = QuestionnaireRow.objects.filter(code=parsed.code, version=parsed.version).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise DomainError(f"问卷{parsed.code}的版本{parsed.version}已存在且内容不同；请使用新的版本号。")
    row = QuestionnaireRow(code=parsed.code, version=parsed.version, title=parsed.title, source=text, sha256=digest,
                           created_by=actor)
    row.full_clean()
    row.save()
    if actor is not None and program is not None:
        record(actor, AuditAction.SETUP_CHANGE, row, region_id=program.region_id, version=parsed.version)
    return row


def questionnaires_builtin() -> list[QuestionnaireRow]:
    """The questionnaires shipped with the application (``apps/surveys/questionnaires/*.toml``), stored once."""
    return [questionnaire_upload(source=path.read_bytes(), actor=None) for path in sorted(BUILTIN.glob("*.toml"))]


# --- surveys and their plan -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyInput:
    year: int
    title: str
    questionnaire_id: int
    method: str
    operator: str
    operator_name: str
    field_start: dt.date
    field_end: dt.date
    margin: Decimal = Decimal(3)


@transaction.atomic
def survey_create(*, program: Program, actor: User, data: SurveyInput) -> Survey:
    """A survey of a year (one per program and year), as a draft."""
    _require(actor, program)
    if data.method not in SurveyMethod.values:
        raise DomainError("请选择调查方式（CATI / 入户 / 网络）。")
    if data.operator not in OperatorKind.values:
        raise DomainError("请选择实施机构类型（统计局 / 第三方机构）。")
    if data.field_end < data.field_start:
        raise DomainError("调查结束日期不能早于开始日期。")
    if not (Decimal("0.5") <= data.margin <= Decimal(20)):
        raise DomainError("允许误差须在0.5%至20%之间。")
    if not (program.base_year - 5 <= data.year <= program.target_year + 5):
        raise DomainError(f"年度{data.year}不在创建工作的年限附近。")
    questionnaire = QuestionnaireRow.objects.filter(pk=data.questionnaire_id).first()
    if questionnaire is None:
        raise DomainError("请选择问卷。")
    if Survey.objects.filter(program=program, year=data.year).exists():
        raise DomainError(f"{data.year}年度已有问卷调查。")
    survey = Survey(program=program, year=data.year, title=data.title.strip() or f"{data.year}年度公众满意度调查",
                    questionnaire=questionnaire, method=data.method, operator=data.operator,
                    operator_name=data.operator_name.strip(), field_start=data.field_start, field_end=data.field_end,
                    margin=data.margin, created_by=actor)
    survey.full_clean()
    survey.save()
    record(actor, AuditAction.SETUP_CHANGE, survey, region_id=program.region_id, year=data.year)
    return survey


@dataclass(frozen=True)
class PopulationInput:
    region_code: str
    urban_rural: str
    sex: str
    age_band: str
    population: int


@transaction.atomic
def population_set(*, survey: Survey, actor: User, cells: Sequence[PopulationInput]) -> int:
    """Replace the survey's sampling frame (population per county × 城乡 × sex × age band) before the results are
    submitted; every cell is checked against the program's counties and the questionnaire's profile."""
    _require(actor, survey.program)
    if survey.status == SurveyStatus.SUBMITTED:
        raise DomainError("结果已提交，抽样方案不能再修改。")
    profile = questionnaire_of(survey.questionnaire).profile
    counties = program_counties(survey.program)
    rows, seen = [], set()
    for n, cell in enumerate(cells, start=1):
        if cell.region_code not in counties:
            raise DomainError(f"第{n}项：区县“{cell.region_code}”不属于本创建工作。")
        if (cell.urban_rural not in profile.urban_rural or cell.sex not in profile.sex
                or cell.age_band not in profile.age_bands):
            raise DomainError(f"第{n}项：城乡、性别或年龄段不是问卷中的选项。")
        if not (0 <= cell.population <= 50_000_000):
            raise DomainError(f"第{n}项：人口数须为0至5000万之间的整数。")
        key = (cell.region_code, cell.urban_rural, cell.sex, cell.age_band)
        if key in seen:
            raise DomainError(f"第{n}项：同一区县、城乡、性别、年龄段重复。")
        seen.add(key)
        rows.append(PopulationCell(survey=survey, region=counties[cell.region_code], urban_rural=cell.urban_rural,
                                   sex=cell.sex, age_band=cell.age_band, population=cell.population))
    check_instances(rows)
    PopulationCell.objects.filter(survey=survey).delete()
    PopulationCell.objects.bulk_create(rows)
    record(actor, AuditAction.SETUP_CHANGE, survey, region_id=survey.program.region_id, population_cells=len(rows))
    return len(rows)


@transaction.atomic
def invitations_create(*, survey: Survey, actor: User, count: int) -> list[Invitation]:
    """``count`` new invitation codes for the public form (each answers once)."""
    _require(actor, survey.program)
    if survey.status == SurveyStatus.SUBMITTED:
        raise DomainError("结果已提交，不能再生成邀请码。")
    if not (1 <= count <= MAX_INVITATIONS):
        raise DomainError(f"一次可生成1至{MAX_INVITATIONS:,}个邀请码。")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    taken = set(Invitation.objects.filter(code__in=codes).values_list("code", flat=True))
    rows = Invitation.objects.bulk_create([Invitation(survey=survey, code=code) for code in sorted(codes - taken)])
    record(actor, AuditAction.SETUP_CHANGE, survey, region_id=survey.program.region_id, invitations=len(rows))
    return rows


# --- responses --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseInput:
    """One respondent: the county (a region code), the profile and the answers (item code → option label)."""

    region_code: str
    urban_rural: str
    sex: str
    age_band: str
    occupation: str
    answers: Mapping[str, str]


def response_check(survey: Survey, data: ResponseInput, counties: Mapping[str, Region]) -> dict[str, str]:
    """Field → what is wrong (the one check of the public form, the office entry and the API)."""
    errors = answer_errors(questionnaire_of(survey.questionnaire),
                           {URBAN_RURAL: data.urban_rural, SEX: data.sex, AGE: data.age_band,
                            OCCUPATION: data.occupation}, data.answers)
    if data.region_code not in counties:
        errors = {"区县": "请选择所在区县。", **errors}
    return errors


def _response(survey: Survey, data: ResponseInput, counties: Mapping[str, Region], **fields: object) -> Response:
    errors = response_check(survey, data, counties)
    if errors:
        raise DomainError("；".join(f"{k}：{v}" for k, v in errors.items()))
    return Response(survey=survey, region=counties[data.region_code], urban_rural=data.urban_rural, sex=data.sex,
                    age_band=data.age_band, occupation=data.occupation, answers=dict(data.answers), **fields)


@transaction.atomic
def response_add(*, survey: Survey, actor: User, data: ResponseInput, reference: str = "") -> Response:
    """The office enters one paper or telephone questionnaire (while fielding, or once closed)."""
    _require(actor, survey.program)
    if survey.status not in ENTRY_OPEN:
        raise DomainError(f"调查状态为「{SURVEY_WORKFLOW.status_label(survey.status)}」，不能录入问卷。")
    response = _response(survey, data, program_counties(survey.program), channel=ResponseChannel.OFFICE, created_by=actor,
                         reference=reference.strip()[:40])
    response.save()
    return response


@transaction.atomic
def responses_bulk_add(*, survey: Survey, actor: User, rows: Sequence[tuple[ResponseInput, str]],
                       channel: str = ResponseChannel.IMPORT, staged: StagedImport | None = None) -> int:
    """Many respondents at once (the operator's sheet, the demo): each ``(input, reference)`` checked like one,
    all written in one bulk insert or none."""
    _require(actor, survey.program)
    if survey.status not in ENTRY_OPEN:
        raise DomainError(f"调查状态为「{SURVEY_WORKFLOW.status_label(survey.status)}」，不能导入问卷。")
    counties = program_counties(survey.program)
    responses = [_response(survey, data, counties, channel=channel, created_by=actor, reference=reference[:40],
                           staged_import=staged) for data, reference in rows]
    check_instances(responses)
    Response.objects.bulk_create(responses, batch_size=500)
    return len(responses)


def form_token(invitation: Invitation, *, at: float | None = None) -> str:
    """The signed time the public form was opened for this code (checked on submission)."""
    return form_stamp(invitation.code, salt=FORM_SALT, at=at)


def public_invitation(program_id: int, code: str) -> Invitation:
    """An invitation of an open survey of the program, by its code (unknown, other program: a 404)."""
    invitations = Invitation.objects.select_related("survey__questionnaire", "survey__program__region")
    return found(invitations.filter(code=code.strip().upper()[:CODE_LENGTH + 2], survey__program_id=program_id).first(),
                 "邀请码无效。请核对问卷邀请函上的网址或邀请码。")


def _throttle(address: str | None) -> None:
    if over_rate_limit(f"surveys:rate:{address or 'unknown'}", limit=RATE_PER_HOUR, window=3600):
        raise Throttled("提交过于频繁，请稍后再试。")


@transaction.atomic
def public_response_submit(*, program_id: int, code: str, data: ResponseInput, token: str, honeypot: str,
                           address: str | None) -> Response:
    """The anonymous write: a respondent's answers through an invitation code, once.

    Refused, in this order, without writing: too many submissions from the address this hour (429); a filled
    honeypot field, a missing, forged or expired form token, a form sent too soon after it was opened; an unknown
    code (404), a survey not fielding, a code already used; answers the questionnaire refuses.
    """
    _throttle(address)
    if honeypot.strip():
        raise DomainError("提交未被接受。")
    shown = read_stamp(token, salt=FORM_SALT)
    if shown is None or shown.age > MAX_FILL_SECONDS:
        raise DomainError("问卷页面已过期，请刷新页面后重新填写。")
    invitation = public_invitation(program_id, code)
    if shown.key != invitation.code:
        raise DomainError("问卷页面已过期，请刷新页面后重新填写。")
    if shown.age < MIN_FILL_SECONDS:
        raise DomainError("提交过快，请阅读题目后再提交。")
    survey = invitation.survey
    if survey.status not in WEB_OPEN:
        raise DomainError("本次调查目前不接受填写。")
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at is not None:
        raise DomainError("该邀请码已提交过问卷，每个邀请码只能填写一次。感谢您的参与！")
    response = _response(survey, data, program_counties(survey.program), channel=ResponseChannel.WEB, invitation=locked)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as exc:  # the same code sent twice at once: the first one wins
        raise DomainError("该邀请码已提交过问卷，每个邀请码只能填写一次。") from exc
    Invitation.objects.filter(pk=locked.pk).update(used_at=timezone.now())
    return response


# --- the workflow and the submission of results -------------------------------------------------------------


def _rate_number(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def results_submit_values(survey: Survey, actor: User) -> dict[str, object]:
    """Save each region's weighted rate of the satisfaction and participation items as the value of indicators
    39 and 40 for the survey's year, with the provenance sentence, and submit them for review. A value already
    submitted or approved is left alone (listed as skipped); no rate at all refuses the submission."""
    program = survey.program
    results = survey_results(survey)
    indicators = {i.name: i for i in program_indicators(program)}
    reporting_round = annual_round(program, survey.year)
    if reporting_round is None:
        raise DomainError(f"{survey.year}年度没有年度调度，无法提交调查结果。")
    regions = {r.code: r for r in program_regions(program)}
    current = {(v.region_id, v.indicator_id): v for v in IndicatorValue.objects.filter(
        program=program, period_type=PeriodType.YEAR, year=survey.year, period_number=1)}
    written: list[str] = []
    skipped: list[str] = []
    for measure, name in MEASURE_INDICATORS.items():
        indicator = indicators.get(name)
        item = results.questionnaire.measure_item(measure)
        if indicator is None or item is None:
            continue
        for region_result in results.regions:
            found = region_result.measure(measure)
            region = regions.get(region_result.code)
            if found is None or found.estimate.weighted_rate is None or region is None:
                continue
            label = f"{region.name}·指标{indicator.number_label}"
            value = current.get((region.id, indicator.id))
            if value is not None and value.status not in EDITABLE:
                skipped.append(label)
                continue
            sentence = results.provenance(measure, None if region_result.is_city else region_result)
            indicator_value_save(
                reporting_round=reporting_round, region=region, indicator=indicator, actor=actor,
                data=ValueInput(
                    number=_rate_number(found.estimate.weighted_rate), explanation=sentence,
                    source=f"{survey.year}年问卷调查（{survey.operator_name}，{survey.get_method_display()}）",
                    caliber=f"（{'+'.join(sorted(item.positive))}）/有效回答"
                            + (f"（不含{'、'.join(sorted(item.excluded))}）" if item.excluded else "")
                            + "，按区县×城乡×性别×年龄段事后分层加权",
                    note=f"问卷调查结果（调查#{survey.pk}）", reason="由问卷调查结果核算"),
                expected_version=value.version if value else 0, confirm_warnings=True, submit=True, comment=sentence)
            written.append(label)
    if not written and not skipped:
        raise DomainError("没有可提交的调查结果（满意度、参与度题目均无有效回答）。")
    return {"written": written, "skipped": skipped}


@transaction.atomic
def survey_transition(*, survey: Survey, action: str, actor: User, expected_version: int | None = None,
                      comment: str = "") -> ReviewEvent:
    """Start, close, reopen a survey or submit its results: the only writer of a survey's status.

    Submitting writes the rates as indicator values and submits them for review in the same transaction (the
    event's data lists the values written and skipped); a refusal of any of them leaves everything as it was.
    """
    _require(actor, survey.program)
    if action not in SurveyAction.values:
        raise DomainError(f"未知操作「{action}」。")
    if action == SurveyAction.START and not PopulationCell.objects.filter(survey=survey).exists():
        raise DomainError("请先录入抽样人口（区县×城乡×性别×年龄段），再开始调查。")

    def data() -> dict[str, object]:
        extras: dict[str, object] = {"year": survey.year}
        if action == SurveyAction.SUBMIT:
            extras.update(results_submit_values(survey, actor))
        return extras

    event = workflow_step(obj=survey, workflow=SURVEY_WORKFLOW, action=action, actor=actor, comment=comment,
                          expected_version=expected_version, data=data)
    record(actor, AuditAction.SETUP_CHANGE, survey, region_id=survey.program.region_id, step=action,
           status=survey.status)
    return event


def check_response_upload(upload: UploadedFile | None) -> CheckedUpload:
    """The operator's file: an xlsx workbook (checked by content) or a ``.csv`` file of UTF-8 or GB18030 text."""
    if upload is None or not (upload.name or "").lower().endswith(".csv"):
        return check_upload(upload, allowed={"xlsx"})
    limit = settings.ECOCIV_MAX_UPLOAD_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(f"文件过大，上限为 {limit / 1048576:.0f} MB。")
    if not data:
        raise DomainError("文件为空。")
    if b"\x00" in data:
        raise DomainError("文件的内容不是 CSV 文本（请保存为 UTF-8 或 GBK 编码）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("文件的内容不是 CSV 文本（请保存为 UTF-8 或 GBK 编码）。")
    return CheckedUpload(name=safe_filename(upload.name or "")[:120], kind="csv", size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), data=data)


def responses_stage(*, survey: Survey, actor: User, checked: CheckedUpload) -> StagedImport:
    """Stage and check the operator's response sheet for ``survey`` (preview → confirm → commit, all or nothing)."""
    _require(actor, survey.program)
    return staged_import_upload(kind="surveys.responses", actor=actor, checked=checked, program=survey.program,
                                options={"survey_id": survey.pk})  # the kind reads xlsx and csv (file_format)
