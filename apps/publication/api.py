"""The publication API (office administrators of the program): drafts, publish / withdraw, the portal setting.

The public portal itself is HTML and CSV/xlsx under ``/public/``; nothing here answers anonymously.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from apps.core.errors import DomainError, found
from apps.core.uploads import check_upload
from apps.reporting.models import IndicatorValue
from docimport.geojson import MAX_BYTES

from . import schemas, services
from .access import access_notice, access_notice_comment, access_publication, access_publications
from .models import MapLayer, Notice, NoticeComment, PortalSetting, Publication, PublicationKind
from .selectors import Disclosure, current_map, disclosure, notice_comments, notices, publications

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
def portal_setting(request: HttpRequest, program_id: int, payload: schemas.PortalSettingSlugIn) -> PortalSetting:
    program = access_publications(request.user, program_id)
    return services.portal_setting_set(program=program, actor=request.user, status=payload.status,
                                       intro=payload.intro, slug=payload.slug)


@router.get("/programs/{program_id}/portal/map", response=schemas.MapLayerOut, summary="当前上传的县区地图")
def map_current(request: HttpRequest, program_id: int) -> MapLayer:
    return found(current_map(access_publications(request.user, program_id)), "尚未上传县区地图。")


@router.post("/programs/{program_id}/portal/map", response={201: schemas.MapLayerOut},
             summary="上传县区地图（GeoJSON FeatureCollection，要素以区划代码 code 标识）")
def map_upload(request: HttpRequest, program_id: int, file: File[UploadedFile], name: Form[str] = "") -> Status:
    program = access_publications(request.user, program_id)
    if file.size is not None and file.size > MAX_BYTES:
        raise DomainError("地图文件过大。")
    return Status(201, services.map_layer_upload(program=program, actor=request.user, data=file.read(), name=name))


@router.get("/programs/{program_id}/public-notices", response=list[schemas.PublicNoticeOut], summary="公示列表")
def notice_list(request: HttpRequest, program_id: int) -> list[Notice]:
    return list(notices(access_publications(request.user, program_id)))


@router.post("/programs/{program_id}/public-notices", response={201: schemas.PublicNoticeOut}, summary="新建公示草稿")
def notice_create(request: HttpRequest, program_id: int, payload: schemas.PublicNoticeIn) -> Status:
    program = access_publications(request.user, program_id)
    return Status(201, services.notice_create(program=program, actor=request.user, **payload.dict()))


@router.get("/programs/{program_id}/public-notices/{notice_id}", response=schemas.PublicNoticeOut)
def notice_detail(request: HttpRequest, program_id: int, notice_id: int) -> Notice:
    return access_notice(request.user, program_id, notice_id)


@router.post("/programs/{program_id}/public-notices/{notice_id}/transition", response=schemas.PublicNoticeOut,
             summary="发布公示、公布公示结果或撤回")
def notice_transition(request: HttpRequest, program_id: int, notice_id: int,
                      payload: schemas.PublicNoticeTransitionIn) -> Notice:
    notice = access_notice(request.user, program_id, notice_id)
    services.notice_transition(notice=notice, action=payload.action, actor=request.user, reason=payload.reason,
                               statement=payload.statement, expected_version=payload.expected_version)
    return access_notice(request.user, program_id, notice_id)


@router.get("/programs/{program_id}/public-notices/{notice_id}/comments", response=list[schemas.NoticeCommentOut],
            summary="公众意见（不公开）")
def comment_list(request: HttpRequest, program_id: int, notice_id: int) -> list[NoticeComment]:
    return notice_comments(access_notice(request.user, program_id, notice_id))


@router.put("/programs/{program_id}/public-notices/{notice_id}/comments/{comment_id}/reply", response=schemas.NoticeCommentOut,
            summary="答复公众意见")
def comment_reply(request: HttpRequest, program_id: int, notice_id: int, comment_id: int,
                  payload: schemas.NoticeReplyIn) -> NoticeComment:
    comment = access_notice_comment(request.user, program_id, notice_id, comment_id)
    return services.notice_comment_reply(comment=comment, actor=request.user, reply=payload.reply)


@router.get("/programs/{program_id}/disclosure", response=schemas.DisclosureOut,
            summary="信息公开清单：某年度各事项状态与公开率（截至今日）")
def disclosure_status(request: HttpRequest, program_id: int, year: int) -> Disclosure:
    return disclosure(access_publications(request.user, program_id), year, timezone.localdate())


@router.post("/programs/{program_id}/disclosure/items", response={201: schemas.DisclosureRowOut},
             summary="添加公开事项")
def disclosure_item_add(request: HttpRequest, program_id: int, payload: schemas.DisclosureItemIn) -> Status:
    program = access_publications(request.user, program_id)
    item = services.disclosure_item_add(program=program, actor=request.user, **payload.dict())
    result = disclosure(program, item.year, timezone.localdate())
    return Status(201, next(r for r in reversed(result.rows) if r.name == item.name and r.due == item.due))


@router.post("/programs/{program_id}/disclosure/submit", response=schemas.DisclosureSubmitOut,
             summary="将公开率作为本年度指标值保存并提交审核")
def disclosure_submit(request: HttpRequest, program_id: int, payload: schemas.DisclosureSubmitIn) -> IndicatorValue:
    program = access_publications(request.user, program_id)
    return services.disclosure_value_submit(program=program, actor=request.user, year=payload.year)
