from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/reports/", views.home, name="reports_home"),
    path("<id:program_id>/reports/generate/", views.generate, name="reports_generate"),
    path("<id:program_id>/reports/<id:report_id>/row/", views.progress, name="reports_progress"),
    path("<id:program_id>/reports/<id:report_id>/download/", views.download, name="reports_download"),
    path("<id:program_id>/reports/veto/", views.veto, name="reports_veto"),
    path("<id:program_id>/reports/veto/record/", views.veto_record, name="reports_veto_record"),
]
