from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/scoring/", views.index, name="scoring_index"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/", views.scheme, name="scoring_scheme"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/scheme.toml", views.scheme_toml, name="scoring_scheme_toml"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/scheme.xlsx", views.scheme_xlsx, name="scoring_scheme_xlsx"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/import/", views.scheme_import, name="scoring_scheme_import"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/items/<str:code>/", views.scheme_item,
         name="scoring_scheme_item"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/entries/", views.entries, name="scoring_entries"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/facts.xlsx", views.facts_xlsx, name="scoring_facts_xlsx"),
    path("<id:program_id>/scoring/schemes/<id:scheme_id>/facts/import/", views.facts_import,
         name="scoring_facts_import"),
    path("<id:program_id>/scoring/runs/<id:run_id>/", views.run, name="scoring_run"),
    path("<id:program_id>/scoring/runs/<id:run_id>/compare/", views.compare, name="scoring_compare"),
    path("<id:program_id>/scoring/runs/<id:run_id>/units/<id:department_id>/", views.sheet, name="scoring_sheet"),
    path("<id:program_id>/scoring/runs/<id:run_id>/objections/<id:objection_id>/", views.rule,
         name="scoring_rule"),
    path("<id:program_id>/scoring/runs/<id:run_id>/ranking.xlsx", views.ranking_xlsx, name="scoring_ranking_xlsx"),
    path("<id:program_id>/scoring/runs/<id:run_id>/notice.docx", views.notice_docx, name="scoring_notice_docx"),
]
