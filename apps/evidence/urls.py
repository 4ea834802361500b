from django.urls import path

from . import views

urlpatterns = [
    path("<int:evidence_id>/", views.download, name="evidence_download"),
]
