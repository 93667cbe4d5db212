from django.urls import path

from .views import home
from .views.calendar import working_calendar

urlpatterns = [
    path("", home.home, name="home"),
    path("lich-lam-viec/", working_calendar, name="working_calendar"),
]
