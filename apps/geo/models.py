from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from calc.targets import RegionProfile


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"


LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]


class Terrain(models.TextChoices):
    MOUNTAIN = "mountain", "山区"
    HILL = "hill", "丘陵"
    PLAIN = "plain", "平原"


class CitySize(models.TextChoices):
    MEGACITY = "megacity", "超大城市"
    SUPERCITY = "supercity", "特大城市"
    LARGE = "large", "大城市"
    MEDIUM = "medium", "中等城市"
    SMALL = "small", "小城市"


class Zone(models.TextChoices):
    EAST = "east", "东部"
    CENTRAL = "central", "中部"
    WEST = "west", "西部"


class Region(models.Model):
    """An administrative region; ``path`` (codes from the root) makes subtree queries one query."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区域", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("区划路径", max_length=255, editable=False, db_index=True)
    terrain = models.CharField("地形类别", max_length=16, choices=Terrain.choices, blank=True)
    arid = models.BooleanField("干旱半干旱地区", default=False)
    plateau = models.BooleanField("青藏高原地区", default=False)
    coastal = models.BooleanField("沿海地区", default=False)
    city_size = models.CharField("城市规模", max_length=16, choices=CitySize.choices, blank=True)
    zone = models.CharField("东中西部", max_length=16, choices=Zone.choices, blank=True)

    class Meta:
        verbose_name = "区域"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.parent_id is None:
            return
        parent = self.parent
        if LEVEL_ORDER.index(RegionLevel(parent.level)) >= LEVEL_ORDER.index(RegionLevel(self.level)):
            raise ValidationError({"parent": f"上级区域「{parent}」的层级必须高于本区域。"})
        if self.pk and f"/{self.code}/" in parent.path:
            raise ValidationError({"parent": "上级区域不能是本区域或其下级。"})

    def profile(self) -> RegionProfile:
        return RegionProfile(
            level=self.level,
            terrain=self.terrain or None,
            arid=self.arid,
            plateau=self.plateau,
            coastal=self.coastal,
            city_size=self.city_size or None,
            zone=self.zone or None,
        )

    def attribute_labels(self) -> list[str]:
        labels = [self.get_level_display()]
        if self.terrain:
            labels.append(self.get_terrain_display())
        if self.arid:
            labels.append("干旱半干旱")
        if self.plateau:
            labels.append("青藏高原")
        labels.append("沿海" if self.coastal else "内陆")
        if self.city_size:
            labels.append(self.get_city_size_display())
        if self.zone:
            labels.append(self.get_zone_display())
        return labels


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", "部门"
    GOVERNMENT = "government", "县区政府"


class Department(models.Model):
    """A unit that can lead or cooperate on an indicator: a city department or a county government."""

    region = models.ForeignKey(Region, verbose_name="所属区域", on_delete=models.PROTECT, related_name="departments")
    name = models.CharField("单位名称", max_length=80)
    aliases = models.JSONField(
        "其他写法", default=list, blank=True, help_text="导入时可识别的其他名称，如「生态环境局」「市生态环境局」。"
    )
    kind = models.CharField("类型", max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT)
    governs = models.ForeignKey(
        Region,
        verbose_name="所辖县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governments",
        help_text="县区政府作为市级责任单位时，其所辖县区。",
    )
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        ordering = ["region__path", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == DepartmentKind.GOVERNMENT and not self.governs_id:
            raise ValidationError({"governs": "县区政府单位必须指明所辖县区。"})
