from django.urls import path

from . import views

urlpatterns = [
    path("<int:program_id>/", views.program_overview, name="program"),
    path("<int:program_id>/regions/<int:region_id>/", views.region_page, name="region"),
    path("<int:program_id>/regions/<int:region_id>/override/", views.region_override, name="region_override"),
    path("<int:program_id>/regions/<int:region_id>/assigned/", views.region_assigned, name="region_assigned"),
    path("<int:program_id>/targets/edits/", views.target_edits, name="target_edits"),
    path("<int:program_id>/responsibilities/", views.responsibilities, name="responsibilities"),
    path("<int:program_id>/responsibilities.xlsx", views.responsibilities_export, name="responsibilities_export"),
    path("<int:program_id>/responsibilities/import/", views.responsibilities_import, name="responsibilities_import"),
    path("<int:program_id>/departments/", views.department_list, name="departments"),
    path("<int:program_id>/departments/<int:department_id>/", views.department_page, name="department"),
]
