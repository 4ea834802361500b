from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/setup/users/", views.users, name="setup_users"),
    path("<id:program_id>/setup/users/export/", views.users_export, name="setup_users_export"),
    path("<id:program_id>/setup/users/import/", views.users_import, name="setup_users_import"),
    path("<id:program_id>/setup/users/<id:user_id>/", views.user_page, name="setup_user"),
    path("<id:program_id>/setup/users/<id:user_id>/change/", views.user_change, name="setup_user_change"),
    path("<id:program_id>/setup/users/<id:user_id>/grant/", views.user_grant, name="setup_user_grant"),
    path("<id:program_id>/setup/users/<id:user_id>/roles/<id:assignment_id>/revoke/", views.user_revoke,
         name="setup_user_revoke"),
    path("<id:program_id>/setup/users/<id:user_id>/active/", views.user_active, name="setup_user_active"),
    path("<id:program_id>/setup/users/<id:user_id>/reset/", views.user_reset, name="setup_user_reset"),
    path("<id:program_id>/setup/departments/", views.departments, name="setup_departments"),
    path("<id:program_id>/setup/departments/export/", views.departments_export, name="setup_departments_export"),
    path("<id:program_id>/setup/departments/import/", views.departments_import, name="setup_departments_import"),
    path("<id:program_id>/setup/departments/<id:department_id>/", views.department_edit, name="setup_department"),
    path("<id:program_id>/setup/program/", views.program_edit, name="setup_program"),
    path("<id:program_id>/setup/program/<str:part>/add/", views.program_part_add, name="setup_program_part_add"),
    path("<id:program_id>/setup/program/<str:part>/<id:part_id>/", views.program_part_edit,
         name="setup_program_part"),
    path("<id:program_id>/setup/program/<str:part>/<id:part_id>/delete/", views.program_part_delete,
         name="setup_program_part_delete"),
    path("<id:program_id>/setup/programs/new/", views.program_new, name="setup_program_new"),
]
