"""Public verification of issued results (issue 7): /verify/ (upload a file) and /verify/<code>/ (QR code)."""

from django.urls import path

from .views import verify

urlpatterns = [
    path("", verify.verify_upload, name="result_verify_upload"),
    path("<str:code>/", verify.verify_result, name="result_verify"),
]
