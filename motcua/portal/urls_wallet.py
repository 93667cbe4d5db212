"""The citizen's data store (kho dữ liệu), mounted at /kho-du-lieu/."""

from django.urls import path

from .views import wallet

urlpatterns = [
    path("", wallet.wallet_home, name="wallet_home"),
    path("them/", wallet.wallet_add, name="wallet_add"),
    path("<int:pk>/tai-ve/", wallet.wallet_download, name="wallet_download"),
    path("<int:pk>/go-bo/", wallet.wallet_remove_view, name="wallet_remove"),
    path("dung-lai/<int:pk>/", wallet.wallet_reuse_view, name="wallet_reuse"),
]
