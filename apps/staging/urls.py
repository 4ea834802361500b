from django.urls import path

from . import views

urlpatterns = [
    path("imports/<int:import_id>/", views.import_status, name="staged_import"),
    path("imports/<int:import_id>/progress/", views.import_progress, name="staged_import_progress"),
]
