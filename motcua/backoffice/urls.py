from django.urls import path

from .views import dashboard
from .views.calendar import calendar_admin

app_name = "backoffice"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("lich/", calendar_admin, name="calendar"),
]
