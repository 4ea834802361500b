"""The one REST API (OpenAPI at /api/docs). Session auth with CSRF; domain errors map to JSON here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from apps.accounts.api import router as accounts_router
from apps.assessment.api import router as assessment_router
from apps.core.errors import DomainError, ImportRejected
from apps.evidence.api import router as evidence_router
from apps.geo.api import router as geo_router
from apps.indicators.api import router as indicators_router
from apps.monitoring.api import router as monitoring_router
from apps.programs.api import router as programs_router
from apps.reporting.api import router as reporting_router
from apps.tasks.api import router as tasks_router

api = NinjaAPI(
    title="ecociv API",
    version="1",
    description="生态文明建设示范区创建管理系统接口。所有接口均需登录（会话 Cookie + CSRF），权限与页面一致。",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(ImportRejected)
def import_rejected(request: HttpRequest, exc: ImportRejected) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "errors": [e.as_dict() for e in exc.errors]}, status=exc.status_code
    )


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/", accounts_router)
api.add_router("/", geo_router)
api.add_router("/frameworks", indicators_router)
api.add_router("/programs", programs_router)
api.add_router("/", reporting_router)
api.add_router("/", tasks_router)
api.add_router("/", assessment_router)
api.add_router("/", monitoring_router)
api.add_router("/", evidence_router)

