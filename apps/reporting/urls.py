from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/rounds/", views.rounds, name="reporting_rounds"),
    path("<id:program_id>/rounds/<id:round_id>/", views.round_page, name="reporting_round"),
    path("<id:program_id>/rounds/<id:round_id>/progress.xlsx", views.progress_export, name="reporting_progress_export"),
    path("<id:program_id>/rounds/<id:round_id>/transition/", views.round_transition, name="reporting_round_transition"),
    path("<id:program_id>/rounds/<id:round_id>/inbox/", views.inbox_page, name="reporting_inbox"),
    path("<id:program_id>/rounds/<id:round_id>/submit-drafts/", views.submit_drafts, name="reporting_submit_drafts"),
    path("<id:program_id>/rounds/<id:round_id>/template.xlsx", views.template_xlsx, name="reporting_template"),
    path("<id:program_id>/rounds/<id:round_id>/import/", views.import_page, name="reporting_import"),
    path("<id:program_id>/rounds/<id:round_id>/import/<id:import_id>/", views.import_status,
         name="reporting_import_status"),
    path("<id:program_id>/rounds/<id:round_id>/import/<id:import_id>/progress/", views.import_progress,
         name="reporting_import_progress"),
    path("<id:program_id>/rounds/<id:round_id>/entry/<id:region_id>/<id:indicator_id>/", views.entry,
         name="reporting_entry"),
    path("<id:program_id>/reporting/inbox/", views.my_inbox, name="reporting_my_inbox"),
    path("<id:program_id>/reporting/review/", views.review_page, name="reporting_review"),
    path("<id:program_id>/values/<id:value_id>/", views.value_page, name="reporting_value"),
    path("<id:program_id>/values/<id:value_id>/transition/", views.value_transition,
         name="reporting_value_transition"),
    path("<id:program_id>/values/<id:value_id>/evidence/", views.evidence_upload, name="reporting_evidence_upload"),
    path("<id:program_id>/values/<id:value_id>/evidence/<id:evidence_id>/", views.evidence_download,
         name="reporting_evidence_download"),
]
