from django.urls import path

from . import views

urlpatterns = [
    path("imports/<id:import_id>/", views.import_status, name="staged_import"),
    path("imports/<id:import_id>/progress/", views.import_progress, name="staged_import_progress"),
]
