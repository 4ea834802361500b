from django.http import HttpRequest
from ninja import Router

from apps.core.errors import found

from .models import Framework, Indicator
from .schemas import FrameworkOut, IndicatorOut

router = Router(tags=["指标体系"])


@router.get("", response=list[FrameworkOut], summary="指标体系版本")
def list_frameworks(request: HttpRequest) -> list[Framework]:  # noqa: ARG001 - ninja passes it by this name
    return list(Framework.objects.all())


@router.get("/{code}/indicators", response=list[IndicatorOut], summary="指标体系的国家指标")
def list_indicators(request: HttpRequest, code: str) -> list[Indicator]:  # noqa: ARG001 - as above
    framework = found(Framework.objects.filter(code=code).first(), "指标体系不存在。")
    return list(Indicator.objects.filter(framework=framework, program__isnull=True).select_related("parent")
                .prefetch_related("targets"))
