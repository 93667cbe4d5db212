"""Payments in the back office (issue 8), at /backoffice/thanh-toan/.

- the day's payments of the officer's units, filtered by unit, status and channel, with the totals collected
  per channel and a CSV export;
- one payment order: its items, transactions and history, the form to record a counter or bank-transfer
  payment, the refund form;
- reconciliation: upload a gateway statement, list its mismatches, resolve each with a note.

Staff see only the orders of their units (``counter.orders_visible_queryset``); an order or a run they may
not see is a 404, an action they may not take on one they see is a 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.dossiers.access import staff_scope
from motcua.dossiers.errors import DossierError
from motcua.org.models import OrgUnit
from motcua.payments.counter import (
    collecting_units_visible,
    order_get_for_user,
    payment_order_record_offline,
)
from motcua.payments.models import OrderStatus, PayChannel, PaymentOrder
from motcua.payments.models_reconcile import MismatchKind
from motcua.payments.reconcile import (
    MAX_STATEMENT_BYTES,
    StatementInvalid,
    may_reconcile,
    mismatch_get_for_user,
    reconcile_units,
    reconciliation_mismatch_resolve,
    reconciliation_upload,
    run_get_for_user,
    run_mismatches,
    runs_visible_queryset,
)
from motcua.payments.refunds import payment_order_refund
from motcua.payments.selectors import order_latest, order_transactions
from motcua.payments.services import payment_order_for
from motcua.payments.staff import (
    DayFilters,
    day_totals,
    order_history_entries,
    order_offers,
    orders_csv,
    orders_csv_filename,
    orders_of_day,
)

from ..access import staff_required
from .dossiers.common import dossier_or_404, officer

PAGE_SIZE = 50
STATUS_TONES: dict[str, str] = {
    OrderStatus.CREATED: "info",
    OrderStatus.PENDING: "warn",
    OrderStatus.PAID: "ok",
    OrderStatus.FAILED: "stop",
    OrderStatus.CANCELLED: "done",
    OrderStatus.REFUNDED: "done",
}
OFFLINE_CHOICES = [
    (PayChannel.COUNTER.value, PayChannel.COUNTER.label),
    (PayChannel.BANK_TRANSFER.value, PayChannel.BANK_TRANSFER.label),
]


# -- forms ------------------------------------------------------------------------------------------------


class RecordPaymentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Hình thức nộp"), choices=OFFLINE_CHOICES, widget=forms.RadioSelect)
    amount = forms.IntegerField(label=_("Số tiền đã thu (đồng)"), min_value=0)
    receipt_number = forms.CharField(
        label=_("Số biên lai"),
        max_length=60,
        help_text=_("Ký hiệu và số của biên lai thu phí, lệ phí đã lập, ví dụ AA/26E-0000123."),
    )
    paid_at = forms.DateTimeField(
        label=_("Thời điểm nhận tiền"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Để trống nếu vừa nhận tiền."),
    )
    bank_reference = forms.CharField(
        label=_("Mã giao dịch ngân hàng"),
        max_length=64,
        required=False,
        help_text=_("Bắt buộc với chuyển khoản: mã giao dịch trên sao kê tài khoản của đơn vị."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )


class RefundForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hoàn tiền"), max_length=1000, widget=forms.Textarea({"rows": 3}))
    leader_decision = forms.BooleanField(
        label=_("Lãnh đạo đơn vị thu quyết định hoàn tiền (hồ sơ chưa dừng, chưa bị từ chối hoặc đóng)"),
        required=False,
    )


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Cách xử lý"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class ReconcileForm(forms.Form):
    agency = forms.ChoiceField(label=_("Đơn vị thu"))
    day = forms.DateField(
        label=_("Ngày sao kê"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    gateway = forms.ChoiceField(
        label=_("Cổng thanh toán"),
        required=False,
        choices=[
            ("", _("Theo cấu hình của đơn vị")),
            (PayChannel.VNPAY.value, PayChannel.VNPAY.label),
            (PayChannel.NATIONAL.value, PayChannel.NATIONAL.label),
        ],
    )
    statement = forms.FileField(
        label=_("Tệp sao kê (CSV)"),
        help_text=_("Các cột: txn_ref, gateway_txn_no, amount, paid_at, status; bảng mã UTF-8; tối đa 5 MB."),
    )

    def __init__(self, *args: Any, units: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(u.code, f"{u.name} ({u.code})") for u in units]

    def clean_statement(self) -> Any:
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(_("Tệp sao kê lớn quá 5 MB."))
        return upload


# -- the day's payments -----------------------------------------------------------------------------------


def _units(user: User) -> list[OrgUnit]:
    """The collecting units of the orders the officer sees (the unit filter's options)."""
    return list(collecting_units_visible(user))


def _filtered(
    request: HttpRequest, user: User
) -> tuple[QuerySet[PaymentOrder], QuerySet[PaymentOrder], DayFilters]:
    """(orders of the day with every filter, the day's orders of the unit for the totals, the filters)."""
    filters = DayFilters.of(
        day=request.GET.get("day"),
        unit=request.GET.get("unit", ""),
        status=request.GET.get("status", ""),
        channel=request.GET.get("channel", ""),
    )
    rows, of_day = orders_of_day(user, filters)
    return rows, of_day, filters


def _csv_export(rows: QuerySet[PaymentOrder], filters: DayFilters) -> HttpResponse:
    response = HttpResponse(orders_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{orders_csv_filename(filters)}"'
    return response


@staff_required
def payments_list(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    rows, of_day, filters = _filtered(request, user)
    if request.GET.get("format") == "csv":
        return _csv_export(rows, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page", 1))
    values: dict[str, Any] = {
        "day": filters.day,
        "unit": filters.unit,
        "status": filters.status,
        "channel": filters.channel,
    }
    keep = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items() if v}
    return render(
        request,
        "backoffice/payments/list.html",
        {
            "page": page,
            "rows": [{"order": o, "tone": STATUS_TONES.get(o.status, "info")} for o in page.object_list],
            "filters": values,
            "day_text": filters.day.isoformat(),
            "units": _units(user),
            "statuses": OrderStatus.choices,
            "channels": PayChannel.choices,
            "totals": day_totals(of_day, filters.day),
            "query": urlencode(keep),
            "can_reconcile": bool(reconcile_units(user)) or staff_scope(user).sees_all,
        },
    )


# -- one order --------------------------------------------------------------------------------------------


def _order_or_404(user: User, pk: int) -> PaymentOrder:
    order = order_get_for_user(user, pk)
    if order is None:
        raise Http404(_g("Không tìm thấy yêu cầu thanh toán."))
    return order


def _order_page(
    request: HttpRequest,
    order: PaymentOrder,
    *,
    record_form: RecordPaymentForm | None = None,
    refund_form: RefundForm | None = None,
    error: str = "",
    error_form: str = "",
    status: int = 200,
) -> HttpResponse:
    user = officer(request)
    dossier = order.dossier
    offers = order_offers(user, order)
    return render(
        request,
        "backoffice/payments/order.html",
        {
            "order": order,
            "dossier": dossier,
            "tone": STATUS_TONES.get(order.status, "info"),
            "transactions": order_transactions(order),
            "history": order_history_entries(order),
            "can_record": offers.can_record,
            "can_refund": offers.can_refund,
            "needs_leader": offers.needs_leader,
            "is_leader": offers.is_leader,
            "record_form": record_form
            or RecordPaymentForm(initial={"channel": PayChannel.COUNTER, "amount": order.amount}),
            "refund_form": refund_form or RefundForm(),
            "error": error,
            "error_form": error_form,
        },
        status=status,
    )


@staff_required
def payment_order_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _order_page(request, _order_or_404(officer(request), pk))


@staff_required
@require_POST
def payment_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer(request)
    order = _order_or_404(user, pk)
    form = RecordPaymentForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, record_form=form, error_form="record", status=422)
    data = form.cleaned_data
    try:
        paid = payment_order_record_offline(
            order=order,
            actor=user,
            channel=data["channel"],
            amount=data["amount"],
            receipt_number=data["receipt_number"],
            paid_at=data["paid_at"],
            bank_reference=data["bank_reference"],
            note=data["note"],
        )
    except DossierError as exc:
        order = _order_or_404(user, pk)
        return _order_page(
            request, order, record_form=form, error=exc.message, error_form="record", status=exc.http_status
        )
    messages.success(
        request,
        _g("Đã ghi nhận thanh toán, biên lai số %(number)s.") % {"number": paid.receipt_number},
    )
    return redirect("backoffice:payment_order", pk=pk)


@staff_required
@require_POST
def payment_refund(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer(request)
    order = _order_or_404(user, pk)
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, refund_form=form, error_form="refund", status=422)
    try:
        payment_order_refund(
            order=order,
            actor=user,
            reason=form.cleaned_data["reason"],
            leader_decision=form.cleaned_data["leader_decision"],
        )
    except DossierError as exc:
        order = _order_or_404(user, pk)
        return _order_page(
            request, order, refund_form=form, error=exc.message, error_form="refund", status=exc.http_status
        )
    messages.success(request, _g("Đã ghi nhận hoàn tiền."))
    return redirect("backoffice:payment_order", pk=pk)


@staff_required
def dossier_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment order of a dossier: open the latest; on POST create it when fees are due."""
    user = officer(request)
    dossier = dossier_or_404(user, pk)
    latest = order_latest(dossier)
    if latest is not None and order_get_for_user(user, latest.pk) is not None:
        return redirect("backoffice:payment_order", pk=latest.pk)
    if request.method == "POST":
        try:
            order = payment_order_for(dossier, actor=user)
        except DossierError as exc:
            messages.error(request, exc.message)
            order = None
        if order is not None:
            return redirect("backoffice:payment_order", pk=order.pk)
        messages.info(request, _g("Hồ sơ không có khoản phí, lệ phí nào phải nộp."))
    return render(request, "backoffice/payments/dossier_none.html", {"dossier": dossier})


# -- reconciliation ---------------------------------------------------------------------------------------


@staff_required
def reconcile_page(request: HttpRequest) -> HttpResponse:
    user = officer(request)
    units = reconcile_units(user)
    if not units and not staff_scope(user).sees_all:
        raise PermissionDenied(_g("Trang này dành cho cán bộ của đơn vị thu phí, lệ phí."))
    form = ReconcileForm(units=units, initial={"day": timezone.localdate() - dt.timedelta(days=1)})
    status = 200
    error = ""
    errors: list[str] = []
    if request.method == "POST":
        if not units:
            raise PermissionDenied(_g("Bạn không thuộc đơn vị thu nào để đối soát."))
        form = ReconcileForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["statement"]
            try:
                result = reconciliation_upload(
                    actor=user,
                    statement=upload.read(),
                    day=data["day"],
                    agency_code=data["agency"],
                    gateway=data["gateway"] or None,
                    file_name=upload.name or "",
                )
            except StatementInvalid as exc:
                error, errors, status = str(exc.message), exc.errors, 422
            except DossierError as exc:
                error, status = exc.message, exc.http_status
            else:
                if result.mismatches:
                    messages.warning(
                        request,
                        _g("Đối soát xong: %(n)s chênh lệch cần xử lý.") % {"n": len(result.mismatches)},
                    )
                else:
                    messages.success(request, _g("Đối soát xong: khớp hoàn toàn với sao kê."))
                return redirect("backoffice:payment_run", pk=result.run.pk)
        else:
            status = 422
    runs = runs_visible_queryset(user).annotate(
        open_count=Count("mismatches", filter=Q(mismatches__resolved_at__isnull=True)),
        total_count=Count("mismatches"),
    )
    return render(
        request,
        "backoffice/payments/reconcile.html",
        {"form": form, "can_upload": bool(units), "runs": list(runs[:30]), "error": error, "errors": errors},
        status=status,
    )


def _run_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: tuple[int, ResolveForm] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = officer(request)
    run = run_get_for_user(user, pk)
    if run is None:
        raise Http404(_g("Không tìm thấy lần đối soát."))
    can_resolve = may_reconcile(user, run.agency.pk)
    rows: list[dict[str, Any]] = []
    mismatches = run_mismatches(run)
    for m in mismatches:
        form = bound[1] if bound is not None and bound[0] == m.pk else ResolveForm(prefix=f"m{m.pk}")
        rows.append({"m": m, "form": form, "error": error if bound is not None and bound[0] == m.pk else ""})
    return render(
        request,
        "backoffice/payments/run.html",
        {
            "run": run,
            "rows": rows,
            "open_count": sum(1 for m in mismatches if not m.resolved),
            "can_resolve": can_resolve,
            "kinds": MismatchKind,
        },
        status=status,
    )


@staff_required
def reconcile_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run_page(request, pk)


@staff_required
@require_POST
def mismatch_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    user = officer(request)
    mismatch = mismatch_get_for_user(user, pk)
    if mismatch is None:
        raise Http404(_g("Không tìm thấy chênh lệch."))
    run_pk = mismatch.run.pk
    form = ResolveForm(request.POST, prefix=f"m{pk}")
    if not form.is_valid():
        return _run_page(request, run_pk, bound=(pk, form), status=422)
    try:
        reconciliation_mismatch_resolve(mismatch=mismatch, actor=user, note=form.cleaned_data["note"])
    except DossierError as exc:
        return _run_page(request, run_pk, bound=(pk, form), error=exc.message, status=exc.http_status)
    messages.success(request, _g("Đã ghi nhận cách xử lý chênh lệch."))
    return redirect(reverse("backoffice:payment_run", kwargs={"pk": run_pk}) + f"#chenh-lech-{pk}")
