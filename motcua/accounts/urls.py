from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import PasswordResetForm

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.totp_verify, name="totp_verify"),
    path("dang-nhap/ma-mot-lan/", views.otp_verify, name="otp_verify"),
    path("xac-thuc-hai-buoc/", views.two_factor, name="two_factor"),
    path("xac-thuc-hai-buoc/dang-ky/", views.totp_enrol, name="totp_enrol"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "quen-mat-khau/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=PasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
