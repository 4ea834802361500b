from django.urls import path

from . import views

urlpatterns = [
    path("<int:program_id>/assessment/", views.cockpit, name="assessment_cockpit"),
    path("<int:program_id>/assessment/matrix/", views.matrix, name="assessment_matrix"),
    path("<int:program_id>/assessment/indicators/<int:indicator_id>/", views.indicator, name="assessment_indicator"),
    path("<int:program_id>/assessment/departments/<int:department_id>/", views.department,
         name="assessment_department"),
    path("<int:program_id>/assessment/mine/", views.my_department, name="assessment_my_department"),
]
