"""The webhooks' monitoring page; mounted at /can-bo/webhook/ (namespace ``backoffice``)."""

from django.urls import path

from .views import webhooks

urlpatterns = [
    path("", webhooks.monitor, name="webhooks_monitor"),
    path("lan-gui/<int:pk>/gui-lai/", webhooks.delivery_retry_view, name="webhooks_delivery_retry"),
]
