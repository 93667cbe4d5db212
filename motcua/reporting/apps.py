from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    label = "reporting"
    verbose_name = _("Báo cáo, chỉ số")

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook

        from .facts_store import facts_on_event

        register_event_hook(facts_on_event)
