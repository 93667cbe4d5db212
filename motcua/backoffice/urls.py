from django.urls import path

from .views import dashboard

app_name = "backoffice"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
]
