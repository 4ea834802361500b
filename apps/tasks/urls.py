from django.urls import path

from . import views

urlpatterns = [
    path("<int:program_id>/tasks/", views.task_list, name="tasks"),
    path("<int:program_id>/tasks.xlsx", views.task_export, name="tasks_export"),
    path("<int:program_id>/tasks/import/", views.task_import, name="tasks_import"),
    path("<int:program_id>/tasks/<int:task_id>/", views.task_detail, name="task"),
    path("<int:program_id>/tasks/<int:task_id>/progress/", views.progress_create, name="task_progress"),
    path("<int:program_id>/tasks/<int:task_id>/progress/<int:progress_id>/", views.progress_transition,
         name="task_progress_transition"),
    path("<int:program_id>/projects/", views.project_list, name="projects"),
    path("<int:program_id>/projects.xlsx", views.project_export, name="projects_export"),
    path("<int:program_id>/projects/import/", views.project_import, name="projects_import"),
    path("<int:program_id>/supervision/", views.notice_list, name="notices"),
    path("<int:program_id>/supervision/<int:notice_id>/", views.notice_detail, name="notice"),
    path("<int:program_id>/inbox/", views.inbox, name="inbox"),
    path("<int:program_id>/timeline/", views.timeline_page, name="timeline"),
]
