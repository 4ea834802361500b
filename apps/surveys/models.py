"""Surveys (问卷调查) of a program: questionnaires as versioned data, surveys with their sampling plan, invitation
codes and responses (append-only). The rates are computed by :mod:`calc.surveys` from the responses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.fields import who_and_when
from apps.geo.models import Region
from apps.programs.models import Program

from .workflow import SURVEY_WORKFLOW, SurveyStatus


class Questionnaire(models.Model):
    """One version of a questionnaire: its TOML source as uploaded and the parsed definition (JSON)."""

    code = models.CharField("问卷代码", max_length=40)
    version = models.CharField("版本", max_length=20)
    title = models.CharField("标题", max_length=200)
    source = models.TextField("问卷文件（TOML）")
    sha256 = models.CharField("文件SHA-256", max_length=64)
    created_by, created_at = who_and_when("上传人", "上传时间", optional=True)

    class Meta:
        verbose_name = "问卷"
        ordering = ["code", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class SurveyMethod(models.TextChoices):
    CATI = "cati", _("电话调查（CATI）")
    HOME = "home", _("入户调查")
    WEB = "web", _("网络调查")


class OperatorKind(models.TextChoices):
    STATISTICS = "statistics", _("统计局")
    THIRD_PARTY = "third_party", _("第三方机构")


class Survey(models.Model):
    program = models.ForeignKey(Program, verbose_name="创建工作", on_delete=models.CASCADE, related_name="surveys")
    year = models.PositiveIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    questionnaire = models.ForeignKey(Questionnaire, verbose_name="问卷", on_delete=models.PROTECT,
                                      related_name="surveys")
    method = models.CharField("调查方式", max_length=12, choices=SurveyMethod.choices)
    operator = models.CharField("实施机构类型", max_length=12, choices=OperatorKind.choices)
    operator_name = models.CharField("实施机构", max_length=100)
    field_start = models.DateField("调查开始日期")
    field_end = models.DateField("调查结束日期")
    margin = models.DecimalField("允许误差（%）", max_digits=4, decimal_places=2, default=3)
    status, version = SURVEY_WORKFLOW.status_fields(default=SurveyStatus.DRAFT, max_length=12)
    created_by, created_at = who_and_when("创建人", "创建时间")

    class Meta:
        verbose_name = "问卷调查"
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="survey_program_year")]

    def __str__(self) -> str:
        return self.title


class _Cell(models.Model):
    """A sampling cell: county × 城乡 × sex × age band (a population's row, or where a respondent stands)."""

    region = models.ForeignKey(Region, verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    urban_rural = models.CharField("城乡", max_length=10)
    sex = models.CharField("性别", max_length=10)
    age_band = models.CharField("年龄段", max_length=20)

    class Meta:
        abstract = True


class PopulationCell(_Cell):
    """The population of one sampling cell, as the office enters it."""

    survey = models.ForeignKey(Survey, verbose_name="调查", on_delete=models.CASCADE, related_name="population")
    population = models.PositiveIntegerField("常住人口")

    class Meta:
        verbose_name = "抽样人口"
        constraints = [models.UniqueConstraint(fields=["survey", "region", "urban_rural", "sex", "age_band"],
                                               name="population_cell")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.urban_rural} {self.sex} {self.age_band}"


class Invitation(models.Model):
    """One invitation code of the public form: a code answers once."""

    survey = models.ForeignKey(Survey, verbose_name="调查", on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField("邀请码", max_length=16, unique=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "邀请码"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.code


class ResponseChannel(models.TextChoices):
    WEB = "web", _("网络问卷")
    IMPORT = "import", _("调查机构导入")
    OFFICE = "office", _("生态办录入")


class Response(_Cell):
    """One respondent's answers (append-only: a response is never edited)."""

    survey = models.ForeignKey(Survey, verbose_name="调查", on_delete=models.CASCADE, related_name="responses")
    occupation = models.CharField("职业", max_length=20)
    answers = models.JSONField("回答")  # {item code: option label}
    channel = models.CharField("来源", max_length=8, choices=ResponseChannel.choices)
    invitation = models.OneToOneField(Invitation, verbose_name="邀请码", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="response")
    reference = models.CharField("问卷编号", max_length=40, blank=True)
    staged_import = models.ForeignKey("staging.StagedImport", verbose_name="导入批次", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_by, created_at = who_and_when("录入人", "提交时间", optional=True)

    class Meta:
        verbose_name = "问卷回答"
        ordering = ["id"]
        indexes = [models.Index(fields=["survey", "region"])]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"
