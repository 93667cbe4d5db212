"""Payments (issue 8): the day's payments, one order, counter payments and refunds, reconciliation, at
/backoffice/thanh-toan/."""

from django.urls import path

from .views import payments

urlpatterns = [
    path("", payments.payments_list, name="payments"),
    path("yeu-cau/<int:pk>/", payments.payment_order_page, name="payment_order"),
    path("yeu-cau/<int:pk>/ghi-nhan/", payments.payment_record, name="payment_record"),
    path("yeu-cau/<int:pk>/hoan-tien/", payments.payment_refund, name="payment_refund"),
    path("ho-so/<int:pk>/", payments.dossier_payment, name="payment_dossier"),
    path("doi-soat/", payments.reconcile_page, name="payment_reconcile"),
    path("doi-soat/<int:pk>/", payments.reconcile_run, name="payment_run"),
    path("doi-soat/chenh-lech/<int:pk>/xu-ly/", payments.mismatch_resolve, name="payment_resolve"),
]
