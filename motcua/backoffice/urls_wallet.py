"""The data store at the counter, mounted at /can-bo/kho-du-lieu/ (namespace ``backoffice``)."""

from django.urls import path

from .views import wallet

urlpatterns = [
    path("ho-so/<int:pk>/", wallet.dossier_store, name="wallet_dossier"),
    path("ho-so/<int:pk>/dung-lai/", wallet.dossier_store_reuse, name="wallet_dossier_reuse"),
    path("ho-so/<int:pk>/so-hoa/", wallet.dossier_store_scan, name="wallet_dossier_scan"),
]
