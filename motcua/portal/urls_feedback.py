"""Feedback and complaints (PAKN), mounted at /phan-anh-kien-nghi/."""

from django.urls import path

from .views import feedback

urlpatterns = [
    path("", feedback.feedback_list, name="feedback_list"),
    path("gui/", feedback.feedback_send, name="feedback_send"),
    path("da-gui/", feedback.feedback_sent, name="feedback_sent"),
    path("tra-cuu/", feedback.feedback_track, name="feedback_track"),
    path("<str:code>/", feedback.feedback_public, name="feedback_public"),
    path("<str:code>/binh-chon/", feedback.feedback_vote, name="feedback_vote"),
]
