from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Đánh giá, phản ánh kiến nghị")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers.hooks import register_event_hook

        from . import invite, reminders

        reminders.register()  # PAKN deadline reminders (motcua scan_deadlines)
        register_event_hook(invite.invite_on_return)  # invite the applicant to rate a returned dossier
