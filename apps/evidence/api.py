"""The evidence download as an API endpoint (same check and response as the page)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from .access import access_evidence
from .views import evidence_response

router = Router(tags=["evidence"])


@router.get("/evidence/{evidence_id}", summary="下载佐证材料（权限由其所属的指标值或任务进展决定）")
def download_evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    return evidence_response(access_evidence(request.user, evidence_id))
