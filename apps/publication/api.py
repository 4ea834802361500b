"""The publication API (office administrators of the program): drafts, publish / withdraw, the portal setting.

The public portal itself is HTML and CSV/xlsx under ``/public/``; nothing here answers anonymously.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.uploads import check_upload

from . import schemas, services
from .access import access_publication, access_publications
from .models import PortalSetting, Publication, PublicationKind
from .selectors import publications

router = Router(tags=["发布与门户"])


@router.get("/programs/{program_id}/publications", response=list[schemas.PublicationOut],
            summary="发布列表（生态办管理员）")
def publication_list(request: HttpRequest, program_id: int) -> list[Publication]:
    program = access_publications(request.user, program_id)
    return list(publications(program))


@router.post("/programs/{program_id}/publications", response={201: schemas.PublicationDetailOut},
             summary="新建发布草稿（规划文件请用 /publications/plan 上传文件）")
def publication_create(request: HttpRequest, program_id: int, payload: schemas.PublicationIn) -> Status:
    program = access_publications(request.user, program_id)
    return Status(201, services.publication_create(program=program, actor=request.user, kind=payload.kind,
                                                   title=payload.title, year=payload.year, body=payload.body,
                                                   doc_number=payload.doc_number))


@router.post("/programs/{program_id}/publications/plan", response={201: schemas.PublicationDetailOut},
             summary="新建规划文件草稿（文件 + 文号）")
def publication_create_plan(request: HttpRequest, program_id: int, file: File[UploadedFile], title: Form[str],
                            doc_number: Form[str], year: Form[int | None] = None) -> Status:
    program = access_publications(request.user, program_id)
    upload = check_upload(file, allowed=services.PLAN_FILE_KINDS)
    return Status(201, services.publication_create(program=program, actor=request.user, kind=PublicationKind.PLAN,
                                                   title=title, year=year, doc_number=doc_number, upload=upload))


@router.get("/programs/{program_id}/publications/{publication_id}", response=schemas.PublicationDetailOut)
def publication_detail(request: HttpRequest, program_id: int, publication_id: int) -> Publication:
    return access_publication(request.user, program_id, publication_id)


@router.post("/programs/{program_id}/publications/{publication_id}/transition",
             response=schemas.PublicationDetailOut, summary="发布或撤回（撤回须填写理由）")
def publication_transition(request: HttpRequest, program_id: int, publication_id: int,
                           payload: schemas.PublicationTransitionIn) -> Publication:
    publication = access_publication(request.user, program_id, publication_id)
    services.publication_transition(publication=publication, action=payload.action, actor=request.user,
                                    reason=payload.reason, expected_version=payload.expected_version)
    return access_publication(request.user, program_id, publication_id)


@router.put("/programs/{program_id}/portal", response=schemas.PortalSettingOut, summary="门户设置：创建状态与简介")
def portal_setting(request: HttpRequest, program_id: int, payload: schemas.PortalSettingIn) -> PortalSetting:
    program = access_publications(request.user, program_id)
    return services.portal_setting_set(program=program, actor=request.user, status=payload.status,
                                       intro=payload.intro)
