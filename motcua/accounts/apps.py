from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .signals import on_login

        user_logged_in.connect(on_login, dispatch_uid="motcua.accounts.on_login")
