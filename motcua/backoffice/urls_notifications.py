"""Notification administration (issue 9) at /can-bo/thong-bao/: templates with preview, the delivery log,
channel preferences (province administrator); one's own preferences (any staff)."""

from django.urls import path

from .views import notifications

urlpatterns = [
    path("", notifications.template_list, name="notif_templates"),
    path(
        "mau/<str:topic>/<str:channel>/<str:language>/",
        notifications.template_edit,
        name="notif_template_edit",
    ),
    path("nhat-ky-gui/", notifications.delivery_log, name="notif_deliveries"),
    path("lua-chon-kenh/", notifications.preferences_admin, name="notif_preferences"),
    path("lua-chon-kenh/cua-toi/", notifications.preferences_mine, name="notif_my_preferences"),
]
