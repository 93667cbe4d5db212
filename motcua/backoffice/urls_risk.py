"""Early warning (issue 6): the likely-late queue and the bottleneck view, at /backoffice/canh-bao/."""

from django.urls import path

from .views import risk

urlpatterns = [
    path("", risk.risk_queue, name="risk_queue"),
    path("diem-nghen/", risk.bottleneck_view, name="bottlenecks"),
]
