from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/plan-import/", views.plan_import, name="plan_import"),
    path("<id:program_id>/plan-import/<id:import_id>/", views.plan_import_preview, name="plan_import_preview"),
    path("<id:program_id>/plan-import/<id:import_id>/correct/", views.plan_import_correct, name="plan_import_correct"),
    path("<id:program_id>/plan-import/<id:import_id>/confirm/", views.plan_import_confirm, name="plan_import_confirm"),
    path("<id:program_id>/plan-import/<id:import_id>/discard/", views.plan_import_discard, name="plan_import_discard"),
]
