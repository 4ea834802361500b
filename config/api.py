"""The one REST API (OpenAPI at /api/docs). Session auth with CSRF.

Every refusal is JSON of one shape, ``apps.core.schemas.ErrorOut`` (``{"detail", "code"}``, plus ``errors`` for an
import's rows or a request's fields), mapped here and nowhere else: a ``DomainError`` answers its own status and
code, a model's own ``full_clean`` refusal 400, a request that fails validation 422, ``Http404`` 404, ``PermissionDenied`` 403, and anything unexpected a
500 (logged and reported as Django reports a failed request). Every operation declares these answers in the
OpenAPI document. Integers beyond what the database holds and text with control characters are refused as
invalid input before any view runs (``apps.core.api.checked_input``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core import signals
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from apps.accounts.api import router as accounts_router
from apps.assessment.api import router as assessment_router
from apps.audit.api import router as audit_router
from apps.core.api import ERROR_STATUSES, checked_input, validation_message
from apps.core.errors import DomainError, ImportRejected
from apps.core.schemas import ErrorOut
from apps.evidence.api import router as evidence_router
from apps.geo.api import router as geo_router
from apps.indicators.api import router as indicators_router
from apps.monitoring.api import router as monitoring_router
from apps.planimport.api import router as planimport_router
from apps.programs.api import router as programs_router
from apps.province.api import router as province_router
from apps.publication.api import router as publication_router
from apps.reporting.api import router as reporting_router
from apps.reports.api import router as reports_router
from apps.scoring.api import router as scoring_router
from apps.setup.api import router as setup_router
from apps.staging.api import router as staging_router
from apps.surveys.api import router as surveys_router
from apps.tasks.api import router as tasks_router

logger = logging.getLogger("django.request")


class EcocivAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        """The generated document with every operation's error answers declared (as ``ErrorOut``)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, **error})
        return schema


api = EcocivAPI(
    title="ecociv API",
    version="1",
    description="生态文明建设示范区创建管理系统接口。所有接口均需登录（会话 Cookie + CSRF），权限与页面一致。"
                "所有错误均以 JSON 返回：{\"detail\": 说明, \"code\": 代码}。",
    auth=django_auth,
    urls_namespace="api",
)
api.add_decorator(checked_input)


def _error(request: HttpRequest, status: int, detail: str, code: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(ImportRejected)
def import_rejected(request: HttpRequest, exc: ImportRejected) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), exc.code, errors=[e.as_dict() for e in exc.errors])


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), exc.code)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, validation_message(exc.errors), "invalid_input", errors=exc.errors)


@api.exception_handler(DjangoValidationError)
def model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A model's own ``full_clean`` refused what a service was about to write: the user's input, so a 400."""
    return _error(request, 400, "；".join(exc.messages), "invalid")


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:  # noqa: ARG001 - the handler's signature
    return _error(request, 404, "未找到。", "not_found")


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:  # noqa: ARG001 - as above
    return _error(request, 403, "您无权执行此操作。", "permission_denied")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {401: "unauthorized", 403: "permission_denied", 405: "method_not_allowed", 429: "throttled"}
    return _error(request, exc.status_code, exc.message, code.get(exc.status_code, "invalid"))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback and reported (the test client re-raises it), answered as JSON."""
    logger.error("API server error: %s %s", request.method, request.path, exc_info=exc)
    signals.got_request_exception.send(sender=None, request=request)
    return _error(request, 500, "服务器内部错误，请稍后再试或联系管理员。", "server_error")


api.add_router("/", accounts_router)
api.add_router("/", geo_router)
api.add_router("/frameworks", indicators_router)
api.add_router("/programs", programs_router)
api.add_router("/", reporting_router)
api.add_router("/", tasks_router)
api.add_router("/", planimport_router)
api.add_router("/", assessment_router)
api.add_router("/", province_router)
api.add_router("/", scoring_router)
api.add_router("/", monitoring_router)
api.add_router("/", surveys_router)
api.add_router("/", reports_router)
api.add_router("/", evidence_router)
api.add_router("/", audit_router)
api.add_router("/", staging_router)
api.add_router("/", publication_router)
api.add_router("/setup", setup_router)
