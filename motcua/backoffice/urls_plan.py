"""The reform-plan scorecard under /backoffice/ke-hoach/ (names in the ``backoffice`` namespace)."""

from django.urls import path

from .views import plan

urlpatterns = [
    path("", plan.scorecard, name="plan_scorecard"),
    path("nhiem-vu/", plan.task_list, name="plan_tasks"),
    path("nhiem-vu/giao/", plan.task_new, name="plan_task_new"),
    path("nhiem-vu/<int:pk>/", plan.task_detail, name="plan_task"),
    path("ra-soat/", plan.review_list, name="plan_reviews"),
    path("ra-soat/<int:pk>/chi-phi/", plan.review_cost, name="plan_review_cost"),
    path("tep/<str:kind>/<int:pk>/", plan.evidence_file, name="plan_file"),
    path("<str:code>/", plan.target_detail, name="plan_target"),
    path("<str:code>/nhap/", plan.measurement_new, name="plan_measure"),
]
