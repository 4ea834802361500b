from django.urls import path

from . import views

urlpatterns = [
    path("province/<id:region_id>/", views.cockpit, name="province_cockpit"),
    path("province/<id:region_id>/targets/", views.targets, name="province_targets"),
    path("province/<id:region_id>/assigned.xlsx", views.sheet_download, name="province_sheet_download"),
    path("province/<id:region_id>/assigned/import/", views.sheet_import, name="province_sheet_import"),
    path("programs/<id:program_id>/province/", views.for_program, name="province_for_program"),
]
