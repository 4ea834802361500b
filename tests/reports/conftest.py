"""The small world's 2025 round (``rep``) with values in every review state, some with evidence files."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS
from apps.evidence.services import evidence_attach
from apps.reporting.models import IndicatorValue
from apps.reporting.services import evidence_upload, indicator_value_transition
from tests.conftest import shared_fixture
from tests.reporting.conftest import rep, save

__all__ = ["rep", "save", "values"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(value: IndicatorValue, user, name: str, data: bytes = PDF, item: str = "") -> None:  # type: ignore[no-untyped-def]
    evidence_upload(value=value, upload=SimpleUploadedFile(name, data), actor=user, checklist_item=item)


def attach_late(value: IndicatorValue, user, name: str) -> None:  # type: ignore[no-untyped-def]
    """A file added to a value whatever its state (the evidence service itself, as an import would)."""
    evidence_attach(subject=value, upload=check_upload(SimpleUploadedFile(name, PDF + name.encode()), allowed=EVIDENCE_KINDS), actor=user)


def submit(value: IndicatorValue, user) -> IndicatorValue:  # type: ignore[no-untyped-def]
    value = IndicatorValue.objects.select_related("program__region", "indicator").get(pk=value.pk)
    indicator_value_transition(value=value, action="submit", actor=user, expected_version=value.version,
                               comment="佐证材料后补")
    return IndicatorValue.objects.select_related("program__region", "indicator").get(pk=value.pk)


@shared_fixture
def values(rep: SimpleNamespace) -> SimpleNamespace:
    """2025 values: approved with evidence (the city's and 丘陵县's numeric, two files each with the same name),
    approved without evidence (丘陵县 qualitative), submitted with evidence (平原县 numeric), a draft with
    evidence (the city's qualitative), returned with evidence (平原县 qualitative)."""
    world, office, county = rep.world, rep.world.users.office, rep.world.users.county
    hill, plain = world.counties["hill"], world.counties["plain"]
    approve = "approve"

    def approved(value: IndicatorValue) -> IndicatorValue:
        value = submit(value, office)
        indicator_value_transition(value=value, action=approve, actor=office, expected_version=value.version)
        return value

    city_numeric = save(rep, office, number="31.5", source="市统计局", caliber="年末常住人口口径")
    attach(city_numeric, office, "统计公报.pdf")
    attach(city_numeric, office, "统计公报.pdf", PDF + b"2")
    city_numeric = approved(city_numeric)
    hill_numeric = save(rep, county, region=hill, number="28")
    attach(hill_numeric, county, "监测报告:2025*终稿.pdf")
    hill_numeric = approved(hill_numeric)
    hill_qualitative = approved(save(rep, county, region=hill, indicator=rep.qualitative, number=None,
                                     qualitative="achieved"))
    plain_numeric = save(rep, office, region=plain, number="20")
    attach(plain_numeric, office, "未审核材料.pdf")
    submit(plain_numeric, office)
    city_draft = save(rep, office, indicator=rep.qualitative, number=None, qualitative="in_progress")
    attach(city_draft, office, "草稿材料.pdf")
    plain_returned = save(rep, office, region=plain, indicator=rep.qualitative, number=None, qualitative="achieved")
    attach(plain_returned, office, "退回材料.pdf")
    plain_returned = submit(plain_returned, office)
    indicator_value_transition(value=plain_returned, action="return", actor=office, comment="数据有误",
                               expected_version=plain_returned.version)
    return SimpleNamespace(rep=rep, approved=[city_numeric, hill_numeric, hill_qualitative],
                           unapproved=[plain_numeric, city_draft, plain_returned])
