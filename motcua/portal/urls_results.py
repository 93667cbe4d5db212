"""The holder's issued results (issue 7): /ket-qua-cua-toi/."""

from django.urls import path

from .views import results

urlpatterns = [
    path("", results.my_results, name="my_results"),
    path("<str:code>/tai-ve/", results.my_result_download, name="my_result_download"),
]
