from django.apps import AppConfig


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.results"
    label = "results"

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook

        from .hooks import on_dossier_event

        register_event_hook(on_dossier_event)
