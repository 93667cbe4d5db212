"""Feedback and complaints (PAKN) for staff, and the counter evaluation tablet, at /can-bo/phan-anh/."""

from django.urls import path

from .views import feedback

urlpatterns = [
    path("", feedback.feedback_queue, name="feedback_queue"),
    path("danh-gia-tai-quay/", feedback.evaluation_kiosk, name="evaluation_kiosk"),
    path("<int:pk>/", feedback.feedback_detail, name="feedback_detail"),
    path("<int:pk>/phan-loai/", feedback.feedback_route_view, name="feedback_route"),
    path("<int:pk>/tu-choi/", feedback.feedback_refuse_view, name="feedback_refuse"),
    path("<int:pk>/yeu-cau-bo-sung/", feedback.feedback_request_info_view, name="feedback_request_info"),
    path("<int:pk>/tra-loi/", feedback.feedback_answer_view, name="feedback_answer"),
    path("<int:pk>/cong-khai/", feedback.feedback_publish_view, name="feedback_publish"),
    path("<int:pk>/trung/", feedback.feedback_duplicate_view, name="feedback_duplicate"),
]
