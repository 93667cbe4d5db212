"""Issued results (issue 7): the registry, revoke and re-issue, digitising paper results, at /can-bo/ket-qua/."""

from django.urls import path

from .views import results

urlpatterns = [
    path("", results.results_list, name="results"),
    path("so-hoa/", results.digitise_find, name="result_digitise_find"),
    path("so-hoa/ho-so/<int:pk>/", results.result_digitise_view, name="result_digitise"),
    path("<str:code>/", results.result_detail, name="result_detail"),
    path("<str:code>/tai-ve/", results.result_download, name="result_download"),
    path("<str:code>/thu-hoi/", results.result_revoke_view, name="result_revoke"),
    path("<str:code>/cap-lai/", results.result_supersede_view, name="result_supersede"),
]
