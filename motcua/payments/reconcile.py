"""Reconciling a day's online payments of a collecting agency against its gateway's statement file.

``reconcile(statement_csv, day, agency)`` reads the statement (CSV, format in
docs/architecture/payments-reconciliation.md), compares it with the agency's transactions at that gateway
and returns the mismatches, stored as a ``ReconciliationRun`` for an officer to resolve
(``reconciliation_mismatch_resolve``, audited). The four kinds:

- ``missing_in_statement`` — a transaction credited here (completed that day), with no paid row in the
  statement (absent, or the statement says it failed);
- ``not_paid_here`` — a paid row whose transaction is known here but not credited (pending, failed…);
- ``amount_differs`` — paid on both sides, amounts differ;
- ``unknown_reference`` — a row whose reference is no transaction of this agency at this gateway.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind, User
from motcua.core.audit import audit_record
from motcua.dossiers.access import staff_scope
from motcua.org.models import OrgUnit

from .counter import UNIT_ROLES, InvalidPayment, PaymentNotAllowed
from .errors import PaymentError
from .gateways.adapters import gateway_channel_for
from .models import PayChannel, PaymentOrder, PaymentTransaction, TxnStatus
from .models_reconcile import MismatchKind, ReconciliationMismatch, ReconciliationRun

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
COLUMNS = ("txn_ref", "gateway_txn_no", "amount", "paid_at", "status")
#: ``status`` values (case-insensitive) meaning the payment went through; anything else did not.
PAID_STATUSES = frozenset({"00", "paid", "success", "successful", "thanh cong", "thành công"})
GATEWAY_CHANNELS = frozenset({PayChannel.VNPAY, PayChannel.NATIONAL})
MAX_ROWS = 100_000
MAX_ERRORS = 20
_TIME_FORMATS = ("%Y%m%d%H%M%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")


class StatementInvalid(PaymentError):
    """The file is not a statement in the documented format; ``errors`` names each bad line."""

    code = "statement_invalid"
    http_status = 422

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("Tệp sao kê không đúng định dạng."))
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join([str(self.message), *self.errors])


@dataclass(frozen=True)
class StatementRow:
    line: int
    txn_ref: str
    gateway_txn_no: str
    amount: int
    paid_at: dt.datetime | None
    status: str

    @property
    def paid(self) -> bool:
        return self.status.strip().lower() in PAID_STATUSES


@dataclass
class Reconciliation:
    """What ``reconcile`` found: the run (saved unless ``save=False``) and its mismatches."""

    run: ReconciliationRun
    mismatches: list[ReconciliationMismatch] = field(default_factory=list)
    matched: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches


# -- reading the statement --------------------------------------------------------------------------------


def _text(statement_csv: str | bytes | IO[Any]) -> str:
    data: Any = statement_csv.read() if hasattr(statement_csv, "read") else statement_csv
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise StatementInvalid([_("Tệp phải được lưu với bảng mã UTF-8.")]) from exc
    if not isinstance(data, str):
        raise StatementInvalid([_("Không đọc được tệp sao kê.")])
    return data.removeprefix("\ufeff")


def _parse_time(value: str) -> dt.datetime | None:
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        for fmt in _TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - the statement's times are GMT+7
                break
            except ValueError:
                continue
        else:
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VN)


def parse_statement(statement_csv: str | bytes | IO[Any]) -> list[StatementRow]:
    """The statement's rows; ``StatementInvalid`` listing (up to 20) bad lines when any is wrong."""
    text = _text(statement_csv)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise StatementInvalid([_("Tệp sao kê trống.")])
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise StatementInvalid(
            [
                _("Dòng tiêu đề thiếu cột: %(columns)s (cần đủ %(all)s).")
                % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)}
            ]
        )
    index = {c: names.index(c) for c in COLUMNS}
    rows: list[StatementRow] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(_("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})
            break
        cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in index.items()}
        problems: list[str] = []
        ref = cell["txn_ref"]
        if not ref or len(ref) > 64:
            problems.append(_("mã giao dịch (txn_ref) trống hoặc dài quá 64 ký tự"))
        elif ref in seen:
            problems.append(_("mã giao dịch %(ref)s đã có ở dòng %(line)s") % {"ref": ref, "line": seen[ref]})
        amount_text = cell["amount"]
        if not (amount_text.isascii() and amount_text.isdigit()):
            problems.append(
                _("số tiền “%(value)s” phải là số nguyên đồng, không dấu phân cách") % {"value": amount_text}
            )
        paid_at = _parse_time(cell["paid_at"]) if cell["paid_at"] else None
        if cell["paid_at"] and paid_at is None:
            problems.append(_("thời điểm “%(value)s” không đúng định dạng") % {"value": cell["paid_at"]})
        if not cell["status"]:
            problems.append(_("thiếu trạng thái (status)"))
        if problems:
            errors.append(_("Dòng %(line)s: %(problems)s.") % {"line": line, "problems": "; ".join(problems)})
            if len(errors) >= MAX_ERRORS:
                break
            continue
        seen[ref] = line
        rows.append(
            StatementRow(
                line=line,
                txn_ref=ref,
                gateway_txn_no=cell["gateway_txn_no"][:64],
                amount=int(amount_text),
                paid_at=paid_at,
                status=cell["status"][:32],
            )
        )
    if errors:
        raise StatementInvalid(errors)
    return rows


# -- comparing --------------------------------------------------------------------------------------------


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day ``[00:00, next 00:00)`` in Asia/Ho_Chi_Minh."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=VN)
    return start, start + dt.timedelta(days=1)


def _agency(agency: OrgUnit | str) -> OrgUnit:
    if isinstance(agency, OrgUnit):
        return agency
    found = OrgUnit.objects.filter(code=agency).first()
    if found is None:
        raise InvalidPayment(_("Không có đơn vị mã %(code)s.") % {"code": agency}, code="agency_unknown")
    return found


def _mismatch(
    run: ReconciliationRun,
    kind: str,
    *,
    row: StatementRow | None = None,
    txn: PaymentTransaction | None = None,
) -> ReconciliationMismatch:
    return ReconciliationMismatch(
        run=run,
        kind=kind,
        txn_ref=(row.txn_ref if row else txn.txn_ref if txn else ""),
        gateway_txn_no=(
            row.gateway_txn_no if row and row.gateway_txn_no else txn.gateway_txn_no if txn else ""
        ),
        order_id=txn.order_id if txn else None,
        system_amount=txn.amount if txn else None,
        statement_amount=row.amount if row else None,
        statement_line=row.line if row else None,
        statement_status=row.status if row else "",
    )


def compare(
    run: ReconciliationRun, rows: Iterable[StatementRow], *, agency: OrgUnit, day: dt.date, gateway: str
) -> tuple[list[ReconciliationMismatch], int, int]:
    """The mismatches (sorted by kind then reference), the number of rows that matched, the system's total."""
    rows = list(rows)
    ours = PaymentTransaction.objects.filter(order__agency=agency, gateway=gateway)
    start, end = day_bounds(day)
    paid_that_day = {
        t.txn_ref: t
        for t in ours.filter(status=TxnStatus.PAID, completed_at__gte=start, completed_at__lt=end)
    }
    known = {t.txn_ref: t for t in ours.filter(txn_ref__in=[r.txn_ref for r in rows])}
    found: list[ReconciliationMismatch] = []
    confirmed: set[str] = set()
    matched = 0
    for row in rows:
        txn = known.get(row.txn_ref)
        if txn is None:
            found.append(_mismatch(run, MismatchKind.UNKNOWN_REFERENCE, row=row))
        elif not row.paid:
            if txn.status == TxnStatus.PAID:  # the gateway says it failed, we credited it
                paid_that_day[txn.txn_ref] = txn
        elif txn.status != TxnStatus.PAID:
            found.append(_mismatch(run, MismatchKind.NOT_PAID_HERE, row=row, txn=txn))
        elif row.amount != txn.amount:
            confirmed.add(txn.txn_ref)
            found.append(_mismatch(run, MismatchKind.AMOUNT_DIFFERS, row=row, txn=txn))
        else:
            confirmed.add(txn.txn_ref)
            matched += 1
    by_ref = {r.txn_ref: r for r in rows}
    for ref, txn in paid_that_day.items():
        if ref not in confirmed:
            found.append(_mismatch(run, MismatchKind.MISSING_IN_STATEMENT, row=by_ref.get(ref), txn=txn))
    order = list(MismatchKind.values)
    found.sort(key=lambda m: (order.index(m.kind), m.txn_ref))
    system_total = sum(
        t.amount for t in ours.filter(status=TxnStatus.PAID, completed_at__gte=start, completed_at__lt=end)
    )
    return found, matched, system_total


def reconcile(
    statement_csv: str | bytes | IO[Any],
    day: dt.date,
    agency: OrgUnit | str,
    *,
    actor: User | None = None,
    gateway: str | None = None,
    file_name: str = "",
    save: bool = True,
) -> Reconciliation:
    """Compare the statement with the agency's payments at its gateway on ``day`` (local time).

    ``gateway`` defaults to the agency's configured one (``gateways.adapters.gateway_channel_for``). With
    ``save`` the run and its mismatches are stored, with one audit row, in one transaction.
    Raises ``StatementInvalid`` for a malformed file, ``InvalidPayment`` for an unknown agency or gateway.
    """
    unit = _agency(agency)
    channel = gateway or gateway_channel_for(unit.code)
    if channel not in GATEWAY_CHANNELS:
        raise InvalidPayment(_("Cổng thanh toán “%(name)s” không được hỗ trợ đối soát.") % {"name": channel})
    text = _text(statement_csv)
    rows = parse_statement(text)
    run = ReconciliationRun(
        agency=unit,
        day=day,
        gateway=channel,
        file_name=(file_name or "")[:200],
        file_sha256=hashlib.sha256(text.encode()).hexdigest(),
        statement_rows=len(rows),
        statement_total=sum(r.amount for r in rows if r.paid),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    with transaction.atomic():
        mismatches, matched, system_total = compare(run, rows, agency=unit, day=day, gateway=channel)
        run.system_total = system_total
        if save:
            run.save()
            for m in mismatches:
                m.run = run
            ReconciliationMismatch.objects.bulk_create(mismatches)
            audit_record(
                action="payment.reconciled",
                actor=actor,
                obj=run,
                data={
                    "agency": unit.code,
                    "day": day.isoformat(),
                    "gateway": channel,
                    "file_sha256": run.file_sha256,
                    "rows": len(rows),
                    "matched": matched,
                    "mismatches": {k: sum(m.kind == k for m in mismatches) for k in MismatchKind.values},
                },
            )
    return Reconciliation(run=run, mismatches=mismatches, matched=matched)


#: Largest statement file an officer may upload.
MAX_STATEMENT_BYTES = 5 * 1024 * 1024


def reconciliation_upload(
    *,
    actor: User,
    statement: bytes,
    day: dt.date,
    agency_code: str,
    gateway: str | None = None,
    file_name: str = "",
) -> Reconciliation:
    """An officer reconciles a statement they uploaded: only for a collecting unit of theirs
    (``reconcile_units``: ``PaymentNotAllowed`` otherwise, nothing read), a file of at most
    ``MAX_STATEMENT_BYTES`` (``InvalidPayment`` ``statement_too_large``); then ``reconcile``, saved and audited."""
    unit = next((u for u in reconcile_units(actor) if u.code == (agency_code or "").strip().upper()), None)
    if unit is None:
        raise PaymentNotAllowed(
            _("Bạn không thuộc đơn vị thu này nên không đối soát được sao kê của đơn vị.")
        )
    if len(statement) > MAX_STATEMENT_BYTES:
        raise InvalidPayment(_("Tệp sao kê lớn quá 5 MB."), code="statement_too_large")
    return reconcile(statement, day, unit, actor=actor, gateway=gateway or None, file_name=file_name)


# -- resolving --------------------------------------------------------------------------------------------


def may_reconcile(user: User, agency_id: int) -> bool:
    """Staff of the collecting unit itself (not its counter elsewhere), or the province administrator."""
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return False
    scope = staff_scope(user)
    return scope.province_admin or bool(scope.roles_at(agency_id) & UNIT_ROLES)


def reconcile_units(user: User) -> list[OrgUnit]:
    """The collecting units whose statements ``user`` may reconcile (for the province administrator: every
    unit that has collected a payment)."""
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return []
    scope = staff_scope(user)
    if scope.province_admin:
        units = OrgUnit.objects.filter(pk__in=PaymentOrder.objects.values("agency_id"))
    else:
        ids = [unit for unit, roles in scope.roles_by_unit.items() if roles & UNIT_ROLES]
        units = OrgUnit.objects.filter(pk__in=ids)
    return list(units.order_by("name"))


def runs_visible_queryset(user: User) -> QuerySet[ReconciliationRun]:
    """Runs of the units ``user`` may reconcile; every run for those who see everything (the auditor)."""
    runs = ReconciliationRun.objects.select_related("agency", "created_by")
    if not user.is_authenticated or not user.is_active or user.kind != AccountKind.STAFF:
        return runs.none()
    if staff_scope(user).sees_all:
        return runs
    return runs.filter(agency__in=reconcile_units(user))


def run_get_for_user(user: User, pk: int) -> ReconciliationRun | None:
    return runs_visible_queryset(user).filter(pk=pk).first()


def mismatch_get_for_user(user: User, pk: int) -> ReconciliationMismatch | None:
    """The mismatch if its run is visible to ``user``; None otherwise."""
    return (
        ReconciliationMismatch.objects.select_related("run")
        .filter(pk=pk, run__in=runs_visible_queryset(user))
        .first()
    )


def run_mismatches(run: ReconciliationRun) -> list[ReconciliationMismatch]:
    return list(
        ReconciliationMismatch.objects.filter(run=run).select_related(
            "order", "order__dossier", "resolved_by"
        )
    )


def reconciliation_mismatch_resolve(
    *, mismatch: ReconciliationMismatch, actor: User, note: str
) -> ReconciliationMismatch:
    """Mark a mismatch resolved with the officer's note (what was found and done); once, audited."""
    note = (note or "").strip()
    if not note:
        raise InvalidPayment(_("Cần ghi rõ cách xử lý chênh lệch."), code="note_required")
    with transaction.atomic():
        locked = (
            ReconciliationMismatch.objects.select_for_update(of=("self",))
            .select_related("run")
            .order_by()
            .get(pk=mismatch.pk)
        )
        if not may_reconcile(actor, locked.run.agency_id):
            raise PaymentNotAllowed(_("Bạn không thuộc đơn vị thu của lần đối soát này."))
        if locked.resolved_at is not None:
            raise InvalidPayment(_("Chênh lệch này đã được xử lý."), code="already_resolved")
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution_note = note[:2000]
        locked.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
        audit_record(
            action="payment.mismatch_resolved",
            actor=actor,
            obj=locked,
            data={
                "run": locked.run.pk,
                "kind": locked.kind,
                "txn_ref": locked.txn_ref,
                "note": locked.resolution_note,
            },
        )
    return locked
