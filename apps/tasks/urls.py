from django.urls import path

from . import views

urlpatterns = [
    path("<id:program_id>/tasks/", views.task_list, name="tasks"),
    path("<id:program_id>/tasks.xlsx", views.task_export, name="tasks_export"),
    path("<id:program_id>/tasks/import/", views.task_import, name="tasks_import"),
    path("<id:program_id>/tasks/<id:task_id>/", views.task_detail, name="task"),
    path("<id:program_id>/tasks/<id:task_id>/progress/", views.progress_create, name="task_progress"),
    path("<id:program_id>/tasks/<id:task_id>/progress/<id:progress_id>/", views.progress_transition,
         name="task_progress_transition"),
    path("<id:program_id>/projects/", views.project_list, name="projects"),
    path("<id:program_id>/projects.xlsx", views.project_export, name="projects_export"),
    path("<id:program_id>/projects/import/", views.project_import, name="projects_import"),
    path("<id:program_id>/supervision/", views.notice_list, name="notices"),
    path("<id:program_id>/supervision/<id:notice_id>/", views.notice_detail, name="notice"),
    path("<id:program_id>/inbox/", views.inbox, name="inbox"),
    path("<id:program_id>/timeline/", views.timeline_page, name="timeline"),
]
