from django.urls import path

from . import views

urlpatterns = [
    path("<id:evidence_id>/", views.download, name="evidence_download"),
]
