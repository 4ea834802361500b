from django.urls import path

from . import views

#: The office's pages, under /programs/.
urlpatterns = [
    path("<id:program_id>/publications/", views.manage, name="publications"),
    path("<id:program_id>/publications/<id:publication_id>/step/", views.step, name="publication_step"),
    path("<id:program_id>/publications/portal/", views.setting, name="publication_setting"),
]

#: The public portal, under /public/: the program's id and region codes are the only keys in its URLs.
public_urlpatterns = [
    path("<id:program_id>/", views.home, name="portal"),
    path("<id:program_id>/data.csv", views.download_csv, name="portal_csv"),
    path("<id:program_id>/data.xlsx", views.download_xlsx, name="portal_xlsx"),
    path("<id:program_id>/documents/<str:sha256>/", views.document, name="portal_document"),
    path("<id:program_id>/<str:code>/", views.county, name="portal_county"),
]
