from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/assessment/", views.cockpit, name="assessment_cockpit"),
    path("<id:program_id>/assessment/matrix/", views.matrix, name="assessment_matrix"),
    path("<id:program_id>/assessment/cockpit.xlsx", views.cockpit_export, name="assessment_cockpit_export"),
    path("<id:program_id>/assessment/matrix.xlsx", views.matrix_export, name="assessment_matrix_export"),
    path("<id:program_id>/assessment/indicators/<id:indicator_id>/", views.indicator, name="assessment_indicator"),
    path("<id:program_id>/assessment/departments/<id:department_id>/", views.department,
         name="assessment_department"),
    path("<id:program_id>/assessment/mine/", views.my_department, name="assessment_my_department"),
]
