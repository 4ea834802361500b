from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from apps.geo.models import LEVEL_ORDER, RegionLevel
from calc.attainment.text import unit_label
from calc.targets import Target, describe, is_qualitative, parse_target, target_words


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


def evidence_checklist_problem(checklist: object, optional: object) -> str:
    """Why an evidence checklist and its optional items are not well formed, or "" (the loader and the admin)."""
    if not isinstance(checklist, list) or not all(isinstance(item, str) and item.strip() for item in checklist):
        return "佐证材料清单必须是非空文本的列表。"
    if not isinstance(optional, list) or not all(isinstance(item, str) for item in optional):
        return "非必需佐证材料必须是文本列表。"
    unknown = [item for item in optional if item not in checklist]
    if unknown:
        return f"「{unknown[0]}」不在佐证材料清单中。"
    return ""


class Framework(models.Model):
    """A versioned indicator system (national or provincial), loaded from a data file in the package."""

    code = models.SlugField("编码", max_length=40, unique=True)
    title = models.CharField("名称", max_length=120)
    short_title = models.CharField("简称", max_length=40, blank=True)
    document = models.CharField("文号", max_length=80, blank=True)
    issuer = models.CharField("发布机关", max_length=40, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    levels = models.JSONField("适用层级", default=list)
    partial = models.BooleanField("不完整", default=False, help_text="部分指标尚未核实，不能单独作为申报依据。")
    note = models.TextField("说明", blank=True)
    source_sha256 = models.CharField("来源文件校验值", max_length=64, blank=True, editable=False)
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = "指标体系"
        ordering = ["-issued_on", "code"]

    def __str__(self) -> str:
        return f"{self.title}（{self.short_title}）" if self.short_title else self.title


class Indicator(models.Model):
    """An indicator or sub-indicator. Targets sit on leaves; ``program`` is set for a local addition."""

    framework = models.ForeignKey(Framework, verbose_name="指标体系", on_delete=models.CASCADE,
                                  related_name="indicators")
    program = models.ForeignKey(
        "programs.Program",
        verbose_name="地方增设所属创建工作",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="local_indicators",
    )
    parent = models.ForeignKey("self", verbose_name="上级指标", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="subs")
    code = models.CharField("编码", max_length=24)
    number = models.PositiveIntegerField("序号")
    name = models.CharField("指标名称", max_length=120)
    domain = models.CharField("领域", max_length=20)
    task = models.CharField("任务", max_length=60)
    unit = models.CharField("单位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    binding = models.BooleanField("约束性", null=True, help_text="空表示尚未确认。")
    scope_levels = models.JSONField("适用层级", default=list)
    coastal_only = models.BooleanField("仅沿海地区", default=False)
    where_applicable = models.BooleanField("涉及地区适用（*）", default=False)
    evidence_checklist = models.JSONField("佐证材料清单", default=list, blank=True)
    evidence_optional = models.JSONField("非必需佐证材料", default=list, blank=True,
                                         help_text="佐证材料清单中可以不提供的项；其余各项提交时必须具备。")
    meta = models.JSONField("来源与确认程度", default=dict, blank=True)
    order = models.PositiveIntegerField("排序", default=0, db_index=True)

    class Meta:
        verbose_name = "指标"
        ordering = ["framework", "order"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        problem = evidence_checklist_problem(self.evidence_checklist, self.evidence_optional)
        if problem:
            raise ValidationError({"evidence_optional": problem})

    @property
    def evidence_required(self) -> tuple[str, ...]:
        """The checklist items a submission must have (all but the optional ones)."""
        optional = set(self.evidence_optional or [])
        return tuple(item for item in self.evidence_checklist or [] if item not in optional)

    @property
    def full_name(self) -> str:
        if self.parent_id is not None:
            return f"{self.parent.name}：{self.name}"
        return self.name

    @property
    def number_label(self) -> str:
        return f"{self.number}" if self.parent_id is None else f"{self.number}-{self.code[-1]}"

    @property
    def target_texts(self) -> dict[str, str]:
        """Level → target expression, top level first (reads ``targets`` prefetched by the loaders)."""
        texts = {row.level: row.expression for row in self.targets.all()}
        return {level.value: texts[level] for level in LEVEL_ORDER if level in texts}

    def target_text_for(self, level: str) -> str:
        return self.target_texts.get(level, "")

    def target_for(self, level: str) -> Target | None:
        text = self.target_text_for(level)
        return parse_target(text) if text else None

    @property
    def is_qualitative(self) -> bool:
        """Qualitative at the top level that has a target; use :meth:`is_qualitative_for` for a region."""
        text = next(iter(self.target_texts.values()), "")
        return bool(text) and is_qualitative(parse_target(text))

    def is_qualitative_for(self, level: str) -> bool:
        """Whether a region of this level reports a status rather than a number.

        Levels can differ: 规划环境影响评价 is ``=100`` for a city and ``qual:开展`` for a county.
        """
        text = self.target_text_for(level)
        return is_qualitative(parse_target(text)) if text else self.is_qualitative

    def printed_target(self, level: str) -> str:
        """The level's target in words, with the unit (``≥95%``, ``保持稳定或持续改善``)."""
        target = self.target_for(level)
        return self.describe(target) if target else ""

    def describe(self, target: Target) -> str:
        """A target of this indicator in words: its direction and unit, the unit as sentences print it (μg/m3 →
        微克/立方米, see :func:`calc.attainment.text.unit_label` and :func:`calc.targets.describe`)."""
        return describe(target, direction=self.direction, unit=unit_label(self.unit))  # type: ignore[arg-type]

    def target_words(self, expression: str) -> str:
        """A stored target expression of this indicator in words ("" for none)."""
        return target_words(expression, direction=self.direction, unit=unit_label(self.unit))  # type: ignore[arg-type]


class IndicatorTarget(models.Model):
    """An indicator's target for the regions of one level, as an expression (see ``calc/targets.py``).

    Framework files (and a program's local indicators) write one row per level the indicator applies
    to. A target for another kind of scope (a department's target) becomes a row here too, with its own
    column and a wider unique constraint; the resolution chain in ``apps.programs.selectors`` reads it as
    one more layer.
    """

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="targets")
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    expression = models.CharField("目标", max_length=255)

    class Meta:
        verbose_name = "指标目标"
        constraints = [models.UniqueConstraint(fields=["indicator", "level"], name="indicatortarget_unique_level")]

    def __str__(self) -> str:
        return f"{self.indicator}（{self.get_level_display()}）：{self.expression}"
