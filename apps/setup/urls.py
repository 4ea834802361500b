from django.urls import path

from . import views

urlpatterns = [
    path("<int:program_id>/setup/users/", views.users, name="setup_users"),
    path("<int:program_id>/setup/users/<int:user_id>/", views.user_page, name="setup_user"),
    path("<int:program_id>/setup/users/<int:user_id>/grant/", views.user_grant, name="setup_user_grant"),
    path("<int:program_id>/setup/users/<int:user_id>/roles/<int:assignment_id>/revoke/", views.user_revoke,
         name="setup_user_revoke"),
    path("<int:program_id>/setup/users/<int:user_id>/active/", views.user_active, name="setup_user_active"),
    path("<int:program_id>/setup/users/<int:user_id>/reset/", views.user_reset, name="setup_user_reset"),
    path("<int:program_id>/setup/departments/", views.departments, name="setup_departments"),
    path("<int:program_id>/setup/departments/<int:department_id>/", views.department_edit, name="setup_department"),
    path("<int:program_id>/setup/program/", views.program_edit, name="setup_program"),
    path("<int:program_id>/setup/program/<str:part>/add/", views.program_part_add, name="setup_program_part_add"),
    path("<int:program_id>/setup/program/<str:part>/<int:part_id>/delete/", views.program_part_delete,
         name="setup_program_part_delete"),
    path("<int:program_id>/setup/programs/new/", views.program_new, name="setup_program_new"),
]
