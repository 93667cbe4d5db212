from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.wallet"
    label = "wallet"
    verbose_name = _("Kho dữ liệu điện tử")

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook

        from .services.harvest import wallet_on_event

        # The receipt (and the route, for counter scans attached after it) stores the dossier's reusable
        # components in the applicant's data store, in the transaction of the event.
        register_event_hook(wallet_on_event)
