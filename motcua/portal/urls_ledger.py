"""“Ai đã xem dữ liệu của tôi” (the access ledger of the signed-in account); mounted at /ai-da-xem-du-lieu/."""

from django.urls import path

from .views import ledger

urlpatterns = [
    path("", ledger.my_ledger, name="my_access_ledger"),
    path("tai-ve.csv", ledger.my_ledger_csv, name="my_access_ledger_csv"),
]
