from django.urls import path

from . import views

urlpatterns = [
    path("<int:program_id>/rounds/", views.rounds, name="reporting_rounds"),
    path("<int:program_id>/rounds/<int:round_id>/", views.round_page, name="reporting_round"),
    path("<int:program_id>/rounds/<int:round_id>/inbox/", views.inbox_page, name="reporting_inbox"),
    path("<int:program_id>/rounds/<int:round_id>/template.xlsx", views.template_xlsx, name="reporting_template"),
    path("<int:program_id>/rounds/<int:round_id>/import/", views.import_page, name="reporting_import"),
    path("<int:program_id>/rounds/<int:round_id>/import/<int:import_id>/", views.import_status,
         name="reporting_import_status"),
    path("<int:program_id>/rounds/<int:round_id>/import/<int:import_id>/progress/", views.import_progress,
         name="reporting_import_progress"),
    path("<int:program_id>/rounds/<int:round_id>/entry/<int:region_id>/<int:indicator_id>/", views.entry,
         name="reporting_entry"),
    path("<int:program_id>/reporting/inbox/", views.my_inbox, name="reporting_my_inbox"),
    path("<int:program_id>/reporting/review/", views.review_page, name="reporting_review"),
    path("<int:program_id>/values/<int:value_id>/", views.value_page, name="reporting_value"),
    path("<int:program_id>/values/<int:value_id>/transition/", views.value_transition,
         name="reporting_value_transition"),
    path("<int:program_id>/values/<int:value_id>/evidence/", views.evidence_upload, name="reporting_evidence_upload"),
    path("<int:program_id>/values/<int:value_id>/evidence/<int:evidence_id>/", views.evidence_download,
         name="reporting_evidence_download"),
]
