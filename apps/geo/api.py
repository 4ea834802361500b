from django.db.models import Q
from ninja import Router

from .access import access_region, home_regions, visible_departments
from .models import Region
from .schemas import DepartmentOut, RegionOut

router = Router(tags=["区域与单位"])


@router.get("/regions", response=list[RegionOut], summary="可见区域（本级及下级）")
def list_regions(request, level: str | None = None):
    homes = home_regions(request.user)
    if not homes:
        return []
    q = Q(pk__in=[])
    for home in homes:
        q |= Q(path__startswith=home.path)
    qs = Region.objects.filter(q)
    if level:
        qs = qs.filter(level=level)
    return list(qs.order_by("path"))


@router.get("/regions/{region_id}", response=RegionOut, summary="区域详情")
def get_region(request, region_id: int):
    return access_region(request.user, region_id)


@router.get("/departments", response=list[DepartmentOut], summary="可见单位")
def list_departments(request):
    return list(visible_departments(request.user).order_by("region__path", "order", "name"))
