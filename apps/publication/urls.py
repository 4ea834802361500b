from django.urls import path, register_converter

from . import views


class PortalKey:
    """A program in the portal's URLs: its id, or its portal slug (a lowercase letter first, never a number)."""

    regex = r"[0-9]{1,18}|[a-z][a-z0-9-]{1,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(PortalKey, "portal")

#: The office's pages, under /programs/.
urlpatterns = [
    path("<id:program_id>/publications/", views.manage, name="publications"),
    path("<id:program_id>/publications/<id:publication_id>/step/", views.step, name="publication_step"),
    path("<id:program_id>/publications/portal/", views.setting, name="publication_setting"),
    path("<id:program_id>/publications/map/", views.map_upload, name="publication_map"),
    path("<id:program_id>/public-notices/", views.notice_list, name="public_notices"),
    path("<id:program_id>/public-notices/<id:notice_id>/", views.notice_detail, name="public_notice"),
    path("<id:program_id>/public-notices/<id:notice_id>/step/", views.notice_step, name="public_notice_step"),
    path("<id:program_id>/public-notices/<id:notice_id>/comments/<id:comment_id>/reply/", views.comment_reply,
         name="public_notice_reply"),
    path("<id:program_id>/disclosure/", views.disclosure_page, name="disclosure"),
    path("<id:program_id>/disclosure/submit/", views.disclosure_submit, name="disclosure_submit"),
]

#: The public portal, under /public/: the program's id or slug, region codes and notice numbers are the only keys
#: in its URLs.
public_urlpatterns = [
    path("<portal:program_key>/", views.home, name="portal"),
    path("<portal:program_key>/data.csv", views.download_csv, name="portal_csv"),
    path("<portal:program_key>/data.xlsx", views.download_xlsx, name="portal_xlsx"),
    path("<portal:program_key>/documents/<str:sha256>/", views.document, name="portal_document"),
    path("<portal:program_key>/notices/<id:number>/", views.public_notice, name="portal_notice"),
    path("<portal:program_key>/notices/<id:number>/comment/", views.public_comment, name="portal_notice_comment"),
    path("<portal:program_key>/<str:code>/", views.county, name="portal_county"),
]
