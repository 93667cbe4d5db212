"""Payment URLs (namespace ``payments``): gateway callbacks, the sandbox, the citizen's pay and receipt."""

from django.urls import path

from .views import payments as views

app_name = "payments"

urlpatterns = [
    path("thanh-toan/vnpay/ipn/", views.vnpay_ipn, name="vnpay_ipn"),
    path("thanh-toan/vnpay/ket-qua/", views.vnpay_return, name="vnpay_return"),
    path("sandbox/vnpay/", views.sandbox_vnpay, name="sandbox_vnpay"),
    path("ho-so-cua-toi/<int:pk>/thanh-toan/", views.pay_online, name="pay_online"),
    path("ho-so-cua-toi/<int:pk>/bien-lai/", views.receipt_pdf, name="receipt_pdf"),
]
