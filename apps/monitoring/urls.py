from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/monitoring/", views.home, name="monitoring_home"),
    path("<id:program_id>/monitoring/upload/", views.upload, name="monitoring_upload"),
    path("<id:program_id>/monitoring/batches/<id:batch_id>/", views.batch_page, name="monitoring_batch"),
    path("<id:program_id>/monitoring/batches/<id:batch_id>/progress/", views.batch_progress,
         name="monitoring_batch_progress"),
    path("<id:program_id>/monitoring/batches/<id:batch_id>/commit/", views.batch_commit,
         name="monitoring_batch_commit"),
    path("<id:program_id>/monitoring/batches/<id:batch_id>/recheck/", views.batch_recheck,
         name="monitoring_batch_recheck"),
    path("<id:program_id>/monitoring/batches/", views.batches_page, name="monitoring_batches"),
    path("<id:program_id>/monitoring/sites/", views.sites_page, name="monitoring_sites"),
    path("<id:program_id>/monitoring/base-values/", views.base_value_add, name="monitoring_base_value_add"),
    path("<id:program_id>/monitoring/templates/<str:kind>.<str:fmt>", views.template_download,
         name="monitoring_template"),
]
