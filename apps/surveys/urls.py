from django.urls import path

from . import views

#: The office's pages, under /programs/.
urlpatterns = [
    path("<id:program_id>/surveys/", views.surveys_page, name="surveys"),
    path("<id:program_id>/surveys/questionnaires/", views.questionnaire_upload, name="survey_questionnaire_upload"),
    path("<id:program_id>/surveys/<id:survey_id>/", views.survey_page, name="survey"),
    path("<id:program_id>/surveys/<id:survey_id>/step/", views.survey_step, name="survey_step"),
    path("<id:program_id>/surveys/<id:survey_id>/population/", views.population, name="survey_population"),
    path("<id:program_id>/surveys/<id:survey_id>/invitations/", views.invitations, name="survey_invitations"),
    path("<id:program_id>/surveys/<id:survey_id>/invitations.xlsx", views.invitations_download,
         name="survey_invitations_xlsx"),
    path("<id:program_id>/surveys/<id:survey_id>/entry/", views.entry, name="survey_entry"),
    path("<id:program_id>/surveys/<id:survey_id>/import/", views.import_page, name="survey_import"),
]

#: The public questionnaire, under /public/ (no login): the invitation code is the key.
public_urlpatterns = [
    path("<id:program_id>/survey/<str:code>/", views.public_form, name="survey_public"),
]
