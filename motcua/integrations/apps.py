from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "motcua.integrations"
    label = "integrations"

    def ready(self) -> None:
        """Report every dossier event to the national portal (the outbox row is written in the event's
        transaction) and give the scorecard the synchronised share (766 item 1.4); the layers below never
        import this app."""
        from motcua.dossiers.hooks import register_event_hook
        from motcua.reporting.providers import register_sync_figures

        from .dvcqg.hooks import portal_on_event
        from .dvcqg.selectors import portal_sync_figures
        from .webhooks.hooks import webhooks_on_event

        register_event_hook(portal_on_event)
        register_event_hook(webhooks_on_event)  # client systems' webhooks: the same outbox pattern
        register_sync_figures(portal_sync_figures)
