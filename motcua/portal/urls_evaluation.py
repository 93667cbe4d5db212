"""Evaluation of a returned dossier, mounted at /danh-gia/: by its applicant, or through a signed link."""

from django.urls import path

from .views import feedback

urlpatterns = [
    path("<int:pk>/", feedback.evaluate_dossier, name="evaluation_dossier"),
    path("lien-ket/<str:token>/", feedback.evaluate_by_link, name="evaluation_link"),
]
