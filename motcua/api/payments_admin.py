"""The back office's payment work over HTTP (issue #10), like ``/can-bo/thanh-toan/``.

Mounted at ``/api/v1/payments`` (``payments:process``; staff only):

- ``GET /orders``: the day's payment orders of the caller's units (filters ``day``, ``unit``, ``status``,
  ``channel``), newest payment first, paged; ``GET /orders/totals``: what was collected that day per
  channel; ``GET /orders/export``: the same list as CSV (UTF-8 with BOM, for Excel);
- ``GET /orders/{order_id}``: one order with its items, transactions, history and what the caller may do;
- ``POST /orders/{order_id}/record``: record a payment made at the counter or by bank transfer, with the
  receipt number; ``POST /orders/{order_id}/refund``: record a refund, with its reason;
- ``GET /reconciliations`` and ``POST /reconciliations`` (multipart: the gateway's statement CSV as
  ``file``, the collecting unit, the day): the reconciliation runs, and reconciling a statement;
  ``GET /reconciliations/{run_id}``: a run with its mismatches; ``POST /mismatches/{mismatch_id}/resolve``.

The same services and selectors as the pages (``motcua.payments.staff``, ``counter``, ``refunds``,
``reconcile``): an order or run the caller may not see is a 404, an action they may not take on one they see
a 403 (``payment_not_allowed``, ``leader_required``). A key limited to units sees only the orders collected
by or received at those units and the runs of those units. The dossier's own payment order (and starting an
online payment) stays at ``/dossiers/{ref}/payment``.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from motcua.accounts.models import User
from motcua.dossiers.errors import DossierError
from motcua.org.selectors import orgunit_get_by_code
from motcua.payments.counter import order_get_for_user, payment_order_record_offline
from motcua.payments.models import OrderStatus, PayChannel, PaymentOrder
from motcua.payments.models_reconcile import MismatchKind, ReconciliationMismatch, ReconciliationRun
from motcua.payments.reconcile import (
    MAX_STATEMENT_BYTES,
    StatementInvalid,
    may_reconcile,
    mismatch_get_for_user,
    reconciliation_mismatch_resolve,
    reconciliation_upload,
    run_mismatches,
    runs_visible_queryset,
)
from motcua.payments.refunds import payment_order_refund
from motcua.payments.selectors import order_transactions
from motcua.payments.staff import (
    DayFilters,
    day_totals,
    order_history_entries,
    order_offers,
    orders_csv,
    orders_csv_filename,
    orders_of_day,
)

from .auth import api_auth, key_unit_check, key_unit_ids
from .conventions import ApiIn, ErrorOut, PageHook, error, rule_error, staff_only, user_of
from .errors import CodedHttpError
from .payments import ItemOut, TransactionOut
from .schemas import Id, PageNumberPagination

router = Router(auth=api_auth("payments:process"))

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
CSV_RESPONSE: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "CSV",
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


# -- schemas -------------------------------------------------------------------------------------------


class OrderRowOut(Schema):
    id: int
    dossier_code: str | None
    procedure_name: str
    agency_code: str
    amount: int = Field(description="Đồng")
    status: OrderStatus
    status_label: str
    channel: str = Field(description="Kênh đã thanh toán; rỗng khi chưa")
    channel_label: str
    receipt_number: str | None
    paid_at: dt.datetime | None
    created_at: dt.datetime


class HistoryOut(Schema):
    at: dt.datetime
    action: str
    label: str
    actor: str
    reason: str = Field(description="Lý do (khi hoàn tiền)")


class OrderDetailOut(OrderRowOut):
    dossier_status: str
    stage: str
    items: list[ItemOut]
    transactions: list[TransactionOut]
    history: list[HistoryOut]
    can_record: bool = Field(description="Người gọi ghi nhận được thanh toán tại quầy / chuyển khoản lúc này")
    can_refund: bool = Field(description="Người gọi ghi nhận được hoàn tiền lúc này")
    refund_needs_leader: bool = Field(description="Hoàn tiền lúc này cần lãnh đạo đơn vị thu quyết định")
    is_leader: bool = Field(description="Người gọi là lãnh đạo đơn vị thu")


class ChannelTotalOut(Schema):
    channel: PayChannel
    label: str
    count: int
    total: int = Field(description="Đồng")


class DayTotalsOut(Schema):
    day: dt.date
    unit: str
    channels: list[ChannelTotalOut]
    count: int
    total: int = Field(description="Đồng")
    refunded_count: int
    refunded_total: int


class MismatchOut(Schema):
    id: int
    kind: MismatchKind
    kind_label: str
    txn_ref: str
    gateway_txn_no: str
    order_id: int | None
    dossier_code: str | None
    system_amount: int | None
    statement_amount: int | None
    statement_line: int | None
    statement_status: str
    resolved: bool
    resolved_at: dt.datetime | None
    resolved_by: str
    resolution_note: str


class RunOut(Schema):
    id: int
    agency_code: str
    agency_name: str
    day: dt.date
    gateway: str
    file_name: str
    file_sha256: str
    statement_rows: int
    statement_total: int
    system_total: int
    created_at: dt.datetime
    created_by: str
    open_count: int = Field(description="Chênh lệch chưa xử lý")
    total_count: int = Field(description="Tổng số chênh lệch")


class RunDetailOut(RunOut):
    can_resolve: bool = Field(description="Người gọi xử lý được chênh lệch của lần đối soát này")
    mismatches: list[MismatchOut]


class StatementErrorOut(ErrorOut):
    errors: list[str | dict[str, Any]] = Field(
        default_factory=list,
        description="`statement_invalid`: từng dòng sai của tệp sao kê; `request_invalid`: từng lỗi trường "
        "(`loc`, `type`, `msg`)",
    )


class DayFilter(Schema):
    day: dt.date | None = Field(None, description="Ngày (mặc định: hôm nay)")
    unit: str = Field("", max_length=35, description="Mã đơn vị thu")


class OrderFilter(DayFilter):
    status: OrderStatus | None = None
    channel: PayChannel | None = None


class RecordIn(ApiIn):
    channel: PayChannel = Field(description="counter (tại quầy) hoặc bank_transfer (chuyển khoản)")
    amount: int = Field(ge=0, description="Số tiền đã thu (đồng), bằng số phải nộp")
    receipt_number: str = Field(max_length=60, description="Ký hiệu và số biên lai, ví dụ AA/26E-0000123")
    paid_at: dt.datetime | None = Field(
        None, description="Thời điểm nhận tiền, có múi giờ (mặc định: bây giờ)"
    )
    bank_reference: str = Field("", max_length=64, description="Bắt buộc với chuyển khoản")
    note: str = Field("", max_length=500)


class RefundIn(ApiIn):
    reason: str = Field(max_length=1000)
    leader_decision: bool = Field(
        False,
        description="Lãnh đạo đơn vị thu quyết định hoàn tiền khi hồ sơ chưa dừng, chưa bị từ chối/đóng",
    )


class ReconcileIn(ApiIn):
    agency: str = Field(max_length=35, description="Mã đơn vị thu của người gọi")
    day: dt.date = Field(description="Ngày của sao kê")
    gateway: PayChannel | None = Field(
        None, description="vnpay hoặc national (mặc định: theo cấu hình đơn vị)"
    )


class ResolveIn(ApiIn):
    note: str = Field(max_length=2000, description="Đã đối chiếu gì và xử lý thế nào")


# -- helpers -------------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = user_of(request)
    if staff_only(user) is not None:
        raise CodedHttpError(403, "staff_only", _("Chức năng này chỉ dành cho cán bộ, công chức."))
    return user


def _key_orders(request: HttpRequest, orders: QuerySet[PaymentOrder]) -> QuerySet[PaymentOrder]:
    units = key_unit_ids(request)
    if units is None:
        return orders
    return orders.filter(Q(agency_id__in=units) | Q(dossier__receiving_point_id__in=units))


def _filters(filters: DayFilter) -> DayFilters:
    status = getattr(filters, "status", None)
    channel = getattr(filters, "channel", None)
    return DayFilters.of(
        day=filters.day,
        unit=filters.unit.strip().upper(),
        status=status.value if status else "",
        channel=channel.value if channel else "",
    )


def _row(order: PaymentOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "dossier_code": order.dossier.code,
        "procedure_name": order.dossier.procedure_version.name,
        "agency_code": order.agency.code,
        "amount": order.amount,
        "status": order.status,
        "status_label": order.get_status_display(),
        "channel": order.channel,
        "channel_label": order.get_channel_display() if order.channel else "",
        "receipt_number": order.receipt_number,
        "paid_at": order.paid_at,
        "created_at": order.created_at,
    }


def _order(request: HttpRequest, user: User, order_id: int) -> PaymentOrder:
    """The order if the caller may see it (and within the key's units); 404 ``payment_order_not_found``."""
    order = order_get_for_user(user, order_id)
    units = key_unit_ids(request)
    if order is None or (
        units is not None and order.agency_id not in units and order.dossier.receiving_point_id not in units
    ):
        raise CodedHttpError(404, "payment_order_not_found", _("Không tìm thấy yêu cầu thanh toán."))
    return order


def _detail(user: User, order: PaymentOrder) -> dict[str, Any]:
    offers = order_offers(user, order)
    return {
        **_row(order),
        "dossier_status": order.dossier.status,
        "stage": order.stage,
        "items": order.items,
        "transactions": order_transactions(order),
        "history": [
            {
                "at": h.event.occurred_at,
                "action": h.event.action,
                "label": h.label,
                "actor": h.event.actor_label,
                "reason": h.reason,
            }
            for h in order_history_entries(order)
        ],
        "can_record": offers.can_record,
        "can_refund": offers.can_refund,
        "refund_needs_leader": offers.needs_leader,
        "is_leader": offers.is_leader,
    }


def _runs(request: HttpRequest, user: User) -> QuerySet[ReconciliationRun]:
    runs = runs_visible_queryset(user)
    units = key_unit_ids(request)
    if units is not None:
        runs = runs.filter(agency_id__in=units)
    return runs.annotate(
        open_count=Count("mismatches", filter=Q(mismatches__resolved_at__isnull=True)),
        total_count=Count("mismatches"),
    )


def _run(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "agency_code": run.agency.code,
        "agency_name": run.agency.name,
        "day": run.day,
        "gateway": run.gateway,
        "file_name": run.file_name,
        "file_sha256": run.file_sha256,
        "statement_rows": run.statement_rows,
        "statement_total": run.statement_total,
        "system_total": run.system_total,
        "created_at": run.created_at,
        "created_by": run.created_by.get_username() if run.created_by_id and run.created_by else "",
        "open_count": getattr(run, "open_count", 0),
        "total_count": getattr(run, "total_count", 0),
    }


def _mismatch(m: ReconciliationMismatch) -> dict[str, Any]:
    return {
        "id": m.pk,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "txn_ref": m.txn_ref,
        "gateway_txn_no": m.gateway_txn_no,
        "order_id": m.order_id,
        "dossier_code": m.order.dossier.code if m.order_id and m.order else None,
        "system_amount": m.system_amount,
        "statement_amount": m.statement_amount,
        "statement_line": m.statement_line,
        "statement_status": m.statement_status,
        "resolved": m.resolved,
        "resolved_at": m.resolved_at,
        "resolved_by": m.resolved_by.get_username() if m.resolved_by_id and m.resolved_by else "",
        "resolution_note": m.resolution_note,
    }


def _run_detail(request: HttpRequest, user: User, run_id: int) -> dict[str, Any]:
    run = _runs(request, user).filter(pk=run_id).first()
    if run is None:
        raise CodedHttpError(404, "reconciliation_not_found", _("Không tìm thấy lần đối soát."))
    return {
        **_run(run),
        "can_resolve": may_reconcile(user, run.agency_id),
        "mismatches": [_mismatch(m) for m in run_mismatches(run)],
    }


# -- the day's orders ----------------------------------------------------------------------------------


@router.get("/orders", response={200: list[OrderRowOut], 403: ErrorOut}, summary="The day's payment orders")
@paginate(PageNumberPagination, page_size=50)
def payment_orders_api(request: HttpRequest, filters: Query[OrderFilter]) -> Any:
    """Orders collected by the caller's units or received at their counters, paid (or, not paid yet,
    created) on ``day``; newest payment first."""
    user = _staff(request)
    rows, _of_day = orders_of_day(user, _filters(filters))
    return PageHook(_key_orders(request, rows), lambda page: [_row(o) for o in page])


@router.get(
    "/orders/totals", response={200: DayTotalsOut, 403: ErrorOut}, summary="What was collected on a day"
)
def payment_totals_api(request: HttpRequest, filters: Query[DayFilter]) -> Status[object]:
    """Per channel: the number of payments and the amount collected on ``day`` (refunds included, counted
    apart too)."""
    user = _staff(request)
    day = _filters(filters)
    _rows, of_day = orders_of_day(user, day)
    totals = day_totals(_key_orders(request, of_day), day.day)
    channels = [
        {"channel": c["value"], "label": str(c["label"]), "count": c["count"], "total": c["total"]}
        for c in totals["channels"]
    ]
    return Status(200, {**totals, "channels": channels, "day": day.day, "unit": day.unit})


@router.get(
    "/orders/export",
    response={403: ErrorOut},
    summary="The day's payment orders as CSV",
    openapi_extra=CSV_RESPONSE,
)
def payment_orders_csv_api(request: HttpRequest, filters: Query[OrderFilter]) -> Any:
    user = _staff(request)
    day = _filters(filters)
    rows, _of_day = orders_of_day(user, day)
    response = HttpResponse(orders_csv(_key_orders(request, rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{orders_csv_filename(day)}"'
    return response


# -- one order -----------------------------------------------------------------------------------------


@router.get("/orders/{order_id}", response={200: OrderDetailOut, **ERRORS}, summary="One payment order")
def payment_order_api(request: HttpRequest, order_id: Id) -> Status[object]:
    user = _staff(request)
    return Status(200, _detail(user, _order(request, user, order_id)))


@router.post(
    "/orders/{order_id}/record",
    response={200: OrderDetailOut, **ERRORS},
    summary="Record a payment at the counter or by bank transfer",
)
def payment_record_api(request: HttpRequest, order_id: Id, payload: RecordIn) -> Status[object]:
    """Staff of the collecting unit, or one-stop officers of the dossier's receiving point. The amount must
    equal the order's (422 ``amount_mismatch``), the receipt number be valid and unused (422
    ``receipt_invalid``, 409 ``receipt_number_taken``); 409 ``already_paid``."""
    user = _staff(request)
    order = _order(request, user, order_id)
    try:
        paid = payment_order_record_offline(
            order=order,
            actor=user,
            channel=payload.channel,
            amount=payload.amount,
            receipt_number=payload.receipt_number,
            paid_at=payload.paid_at,
            bank_reference=payload.bank_reference,
            note=payload.note,
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _detail(user, _order(request, user, paid.pk)))


@router.post("/orders/{order_id}/refund", response={200: OrderDetailOut, **ERRORS}, summary="Record a refund")
def payment_refund_api(request: HttpRequest, order_id: Id, payload: RefundIn) -> Status[object]:
    """Of a paid order; while the dossier is not stopped, refused or closed only on a decision of a leader
    of the collecting unit (``leader_decision``; 409 ``dossier_not_refundable``, 403 ``leader_required``)."""
    user = _staff(request)
    order = _order(request, user, order_id)
    try:
        payment_order_refund(
            order=order, actor=user, reason=payload.reason, leader_decision=payload.leader_decision
        )
    except DossierError as exc:
        return rule_error(exc)
    return Status(200, _detail(user, _order(request, user, order.pk)))


# -- reconciliation ------------------------------------------------------------------------------------


@router.get(
    "/reconciliations",
    response={200: list[RunOut], 403: ErrorOut},
    summary="Reconciliation runs of my collecting units",
)
@paginate(PageNumberPagination, page_size=30)
def reconciliation_list_api(request: HttpRequest) -> Any:
    """Newest first, with their open and total mismatches."""
    user = _staff(request)
    return PageHook(_runs(request, user), lambda page: [_run(r) for r in page])


@router.post(
    "/reconciliations",
    response={201: RunDetailOut, 403: ErrorOut, 404: ErrorOut, 422: StatementErrorOut},
    summary="Reconcile a gateway statement (multipart: the fields and the statement as `file`)",
)
def reconciliation_create_api(
    request: HttpRequest, payload: Form[ReconcileIn], file: File[UploadedFile]
) -> Status[object]:
    """The statement is a CSV (``txn_ref, gateway_txn_no, amount, paid_at, status``; UTF-8; at most 5 MB)
    of a collecting unit of the caller (403 ``payment_not_allowed`` otherwise). 422 ``statement_invalid``
    lists the bad lines in ``errors``; nothing is stored then."""
    user = _staff(request)
    try:
        key_unit_check(request, orgunit_get_by_code(payload.agency))  # a key limited to units: its own only
    except ValidationError:
        pass  # not a unit code: refused below like any unit that is not the caller's
    except DossierError as exc:
        return rule_error(exc)
    if (file.size or 0) > MAX_STATEMENT_BYTES:
        return error(422, "statement_too_large", _("Tệp sao kê lớn quá 5 MB."))
    try:
        result = reconciliation_upload(
            actor=user,
            statement=file.read(),
            day=payload.day,
            agency_code=payload.agency,
            gateway=payload.gateway.value if payload.gateway else None,
            file_name=file.name or "",
        )
    except StatementInvalid as exc:
        return Status(422, {"code": exc.code, "message": str(exc.message), "errors": exc.errors})
    except DossierError as exc:
        return rule_error(exc)
    return Status(201, _run_detail(request, user, result.run.pk))


@router.get(
    "/reconciliations/{run_id}", response={200: RunDetailOut, 404: ErrorOut}, summary="One reconciliation run"
)
def reconciliation_get_api(request: HttpRequest, run_id: Id) -> Status[object]:
    user = _staff(request)
    return Status(200, _run_detail(request, user, run_id))


@router.post(
    "/mismatches/{mismatch_id}/resolve",
    response={200: MismatchOut, **ERRORS},
    summary="Resolve a reconciliation mismatch, with what was done",
)
def mismatch_resolve_api(request: HttpRequest, mismatch_id: Id, payload: ResolveIn) -> Status[object]:
    """Staff of the run's collecting unit; once (422 ``already_resolved``)."""
    user = _staff(request)
    mismatch = mismatch_get_for_user(user, mismatch_id)
    units = key_unit_ids(request)
    if mismatch is not None and units is not None and mismatch.run.agency_id not in units:
        mismatch = None
    if mismatch is None:
        return error(404, "mismatch_not_found", _("Không tìm thấy chênh lệch."))
    try:
        resolved = reconciliation_mismatch_resolve(mismatch=mismatch, actor=user, note=payload.note)
    except DossierError as exc:
        return rule_error(exc)
    found = (
        ReconciliationMismatch.objects.select_related("order", "order__dossier", "resolved_by")
        .filter(pk=resolved.pk)
        .first()
    )
    return Status(200, _mismatch(found or resolved))
