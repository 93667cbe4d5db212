"""The national-portal synchronisation's monitoring page; mounted at /can-bo/dong-bo-dvcqg/ (namespace
``backoffice``): the queue, the lag, the failures, the synchronised share per unit (766 item 1.4)."""

from django.urls import path

from .views import dvcqg

urlpatterns = [
    path("", dvcqg.monitor, name="dvcqg_monitor"),
    path("cap-nhat/<int:pk>/", dvcqg.update_action, name="dvcqg_update_action"),
]
