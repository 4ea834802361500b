from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/", views.program_overview, name="program"),
    path("<id:program_id>/regions/<id:region_id>/", views.region_page, name="region"),
    path("<id:program_id>/regions/<id:region_id>/override/", views.region_override, name="region_override"),
    path("<id:program_id>/regions/<id:region_id>/assigned/", views.region_assigned, name="region_assigned"),
    path("<id:program_id>/targets/edits/", views.target_edits, name="target_edits"),
    path("<id:program_id>/targets/words/", views.target_words_preview, name="target_words"),
    path("<id:program_id>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("<id:program_id>/responsibilities.xlsx", views.responsibilities_export, name="responsibilities_export"),
    path("<id:program_id>/responsibilities/import/", views.responsibilities_import, name="responsibilities_import"),
    path("<id:program_id>/departments/", views.department_list, name="departments"),
    path("<id:program_id>/departments/<id:department_id>/", views.department_page, name="department"),
]
