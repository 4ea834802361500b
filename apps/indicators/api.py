from ninja import Router

from apps.core.errors import NotFoundError

from .models import Framework, Indicator
from .schemas import FrameworkOut, IndicatorOut

router = Router(tags=["指标体系"])


@router.get("", response=list[FrameworkOut], summary="指标体系版本")
def list_frameworks(request):
    return list(Framework.objects.all())


@router.get("/{code}/indicators", response=list[IndicatorOut], summary="指标体系的国家指标")
def list_indicators(request, code: str):
    framework = Framework.objects.filter(code=code).first()
    if framework is None:
        raise NotFoundError("指标体系不存在。")
    return list(Indicator.objects.filter(framework=framework, program__isnull=True).select_related("parent")
                .prefetch_related("targets"))
