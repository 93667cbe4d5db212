"""Write-side of the calendar: seeding from the library, holidays, swaps, working hours, recomputes.

Each function is one transaction and writes one audit row per change (``motcua.core.audit``). Rules are
checked before anything is written; a broken rule raises ``CalendarRuleError`` (or another
``CalendarError``) with a stable code and a Vietnamese message, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.org.models import OrgUnit

from .engine import CalendarSnapshot, DayInfo, Session, due_moment, validate_sessions
from .engine import DayKind as EngineDayKind
from .errors import CalendarError, CalendarRuleError
from .library import library_year
from .models import CalendarDay, DayKind, DaySource, WorkingHours, WorkSession
from .registry import DeadlineProvider, OpenDeadline, deadline_providers
from .selectors import calendar_snapshot

MIN_YEAR = 1995
MAX_YEAR = 2100


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _row_data(row: CalendarDay) -> dict[str, Any]:
    return {
        "date": row.date.isoformat(),
        "kind": row.kind,
        "name": row.name,
        "source": row.source,
        "legal_reference": row.legal_reference,
        "swap_with": row.swap_with.isoformat() if row.swap_with else None,
    }


# -- seeding from the holidays package -----------------------------------------------------------------


@dataclass(frozen=True)
class SyncResult:
    year: int
    created: int
    updated: int
    unchanged: int
    kept_admin: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def calendar_sync_year(*, year: int, actor: Any = None) -> SyncResult:
    """Seed ``year`` from the ``holidays`` package (VN, Vietnamese names, make-up Saturdays included).

    Admin rows are never touched; library rows are created, updated, or removed when the library no longer
    lists them. Idempotent: a second run changes nothing.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarRuleError(
            _("Năm %(year)s nằm ngoài khoảng %(min)s–%(max)s."),
            code="year_out_of_range",
            year=year,
            min=MIN_YEAR,
            max=MAX_YEAR,
        )
    wanted = {row.date: row for row in library_year(year)}
    created = updated = unchanged = kept_admin = removed = 0
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)}
        for day, lib in wanted.items():
            row = existing.get(day)
            fields = {
                "kind": DayKind(lib.kind.value),
                "name": lib.name[:200],
                "legal_reference": lib.legal_reference[:300],
                "swap_with": lib.swap_with,
            }
            if row is None:
                CalendarDay.objects.create(date=day, source=DaySource.LIBRARY, **fields)
                created += 1
            elif row.source == DaySource.ADMIN:
                kept_admin += 1
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                row.save()
                updated += 1
            else:
                unchanged += 1
        stale = [
            row for day, row in existing.items() if row.source == DaySource.LIBRARY and day not in wanted
        ]
        for row in stale:
            row.delete()
            removed += 1
        result = SyncResult(year, created, updated, unchanged, kept_admin, removed)
        if result.changed:
            audit_record(
                action="calendar.synced",
                actor=actor,
                object_type="calendar.calendarday",
                object_id=str(year),
                data={
                    "year": year,
                    "created": created,
                    "updated": updated,
                    "removed": removed,
                    "kept_admin": kept_admin,
                    "stale": [row.date.isoformat() for row in stale],
                },
            )
    return result


# -- admin changes to days -----------------------------------------------------------------------------


def _snapshot_for_check(days: Iterable[dt.date]) -> CalendarSnapshot:
    snapshot = calendar_snapshot()
    for day in days:
        if not snapshot.first <= day <= snapshot.last:
            raise CalendarRuleError(
                _("Ngày %(day)s nằm ngoài phạm vi lịch (%(first)s – %(last)s)."),
                code="day_out_of_range",
                day=_fmt(day),
                first=_fmt(snapshot.first),
                last=_fmt(snapshot.last),
            )
    return snapshot


def _require(value: str, *, code: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise CalendarRuleError(message, code=code)
    return value


def holiday_check(*, day: dt.date, name: str, legal_reference: str) -> dict[dt.date, DayInfo]:
    """Check a new day off; return the rows it would write (for previews). Raises ``CalendarRuleError``."""
    name = _require(name, code="name_required", message=_("Phải nhập tên ngày nghỉ."))
    legal_reference = _require(
        legal_reference, code="legal_reference_required", message=_("Phải nhập số hiệu văn bản làm căn cứ.")
    )
    snapshot = _snapshot_for_check([day])
    if not snapshot.is_working_day(day):
        raise CalendarRuleError(_("Ngày %(day)s đã là ngày nghỉ."), code="day_already_off", day=_fmt(day))
    return {day: DayInfo(EngineDayKind.HOLIDAY, name, legal_reference, None, DaySource.ADMIN)}


def swap_check(
    *, day_off: dt.date, make_up_day: dt.date, notice: str, name: str = ""
) -> dict[dt.date, DayInfo]:
    """Check a swap (day off ↔ make-up working day); return the two rows it would write.

    The day off must be a working weekday; the make-up day a weekend day that is not a holiday; the two
    days differ; the notice number is given.
    """
    if day_off == make_up_day:
        raise CalendarRuleError(
            _("Ngày nghỉ và ngày làm bù phải là hai ngày khác nhau (đã nhập cùng ngày %(day)s)."),
            code="swap_same_day",
            day=_fmt(day_off),
        )
    notice = _require(
        notice,
        code="notice_required",
        message=_("Phải nhập số hiệu văn bản cho phép hoán đổi ngày làm việc."),
    )
    snapshot = _snapshot_for_check([day_off, make_up_day])
    if day_off.weekday() in snapshot.weekend or not snapshot.is_working_day(day_off):
        raise CalendarRuleError(
            _("Ngày được nghỉ %(day)s phải là một ngày làm việc từ thứ Hai đến thứ Sáu."),
            code="swap_day_off_not_working",
            day=_fmt(day_off),
        )
    make_up_row = snapshot.days.get(make_up_day)
    if (
        make_up_day.weekday() not in snapshot.weekend
        or snapshot.is_working_day(make_up_day)
        or (make_up_row is not None and make_up_row.kind == EngineDayKind.HOLIDAY)
    ):
        raise CalendarRuleError(
            _("Ngày làm bù %(day)s phải là ngày nghỉ hằng tuần (thứ Bảy, Chủ nhật) và không trùng ngày lễ."),
            code="swap_make_up_not_off",
            day=_fmt(make_up_day),
        )
    off_name = (name or "").strip() or f"Ngày nghỉ (làm bù vào ngày {_fmt(make_up_day)})"
    work_name = f"Ngày làm việc bù (thay cho ngày {_fmt(day_off)})"
    return {
        day_off: DayInfo(EngineDayKind.HOLIDAY, off_name[:200], notice[:300], make_up_day, DaySource.ADMIN),
        make_up_day: DayInfo(
            EngineDayKind.WORKING_DAY, work_name[:200], notice[:300], day_off, DaySource.ADMIN
        ),
    }


def _write_rows(rows: Mapping[dt.date, DayInfo], *, actor: Any) -> list[CalendarDay]:
    written: list[CalendarDay] = []
    user = actor if getattr(actor, "is_authenticated", False) else None
    for day, info in sorted(rows.items()):
        row, _created = CalendarDay.objects.update_or_create(
            date=day,
            defaults={
                "kind": DayKind(info.kind.value),
                "name": info.name,
                "source": DaySource.ADMIN,
                "legal_reference": info.legal_reference,
                "swap_with": info.swap_with,
                "created_by": user,
            },
        )
        written.append(row)
    return written


def _previous(days: Iterable[dt.date]) -> list[dict[str, Any]]:
    return [_row_data(row) for row in CalendarDay.objects.filter(date__in=list(days))]


def calendar_holiday_add(*, actor: Any, day: dt.date, name: str, legal_reference: str) -> CalendarDay:
    """Make a working day a day off (an admin row), citing the document that decides it."""
    with transaction.atomic():
        CalendarDay.objects.select_for_update().filter(date=day).first()
        rows = holiday_check(day=day, name=name, legal_reference=legal_reference)
        previous = _previous(rows)
        (row,) = _write_rows(rows, actor=actor)
        audit_record(
            action="calendar.holiday_added",
            actor=actor,
            obj=row,
            data={"row": _row_data(row), "previous": previous},
        )
    return row


def calendar_swap_add(
    *, actor: Any, day_off: dt.date, make_up_day: dt.date, notice: str, name: str = ""
) -> tuple[CalendarDay, CalendarDay]:
    """One swap = two admin rows (the day off and the make-up working day) citing the same notice."""
    with transaction.atomic():
        list(CalendarDay.objects.select_for_update().filter(date__in=[day_off, make_up_day]))
        rows = swap_check(day_off=day_off, make_up_day=make_up_day, notice=notice, name=name)
        previous = _previous(rows)
        written = {row.date: row for row in _write_rows(rows, actor=actor)}
        off, work = written[day_off], written[make_up_day]
        audit_record(
            action="calendar.swap_added",
            actor=actor,
            obj=off,
            data={"day_off": _row_data(off), "make_up_day": _row_data(work), "previous": previous},
        )
    return off, work


def calendar_day_remove(*, actor: Any, day: dt.date) -> list[dt.date]:
    """Remove an admin row (both rows of a swap). Library rows are managed by ``calendar_sync``."""
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            raise CalendarRuleError(
                _("Không có ngày %(day)s trong lịch."), code="day_not_found", day=_fmt(day)
            )
        if row.source != DaySource.ADMIN:
            raise CalendarRuleError(
                _("Ngày %(day)s lấy từ thư viện; chỉ xóa được ngày do quản trị nhập."),
                code="day_not_admin",
                day=_fmt(day),
            )
        rows = [row]
        if row.swap_with:
            partner = CalendarDay.objects.select_for_update().filter(date=row.swap_with).first()
            if partner is not None and partner.source == DaySource.ADMIN and partner.swap_with == row.date:
                rows.append(partner)
        data = [_row_data(r) for r in rows]
        for r in rows:
            r.delete()
        audit_record(
            action="calendar.day_removed",
            actor=actor,
            object_type="calendar.calendarday",
            object_id=day.isoformat(),
            data={"removed": data},
        )
    return [r.date for r in rows]


# -- working hours -------------------------------------------------------------------------------------


def working_hours_check(
    *,
    sessions: Iterable[Session],
    org_unit: OrgUnit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    exclude_pk: int | None = None,
) -> tuple[Session, ...]:
    checked = validate_sessions(sessions)
    if valid_from and valid_to and valid_to < valid_from:
        raise CalendarRuleError(
            _("Ngày kết thúc áp dụng phải sau ngày bắt đầu."), code="hours_range_reversed"
        )
    if valid_from is None and valid_to is None:
        return checked
    lo, hi = valid_from or dt.date.min, valid_to or dt.date.max
    others = WorkingHours.objects.filter(org_unit=org_unit).exclude(
        valid_from__isnull=True, valid_to__isnull=True
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        o_lo, o_hi = other.valid_from or dt.date.min, other.valid_to or dt.date.max
        if lo <= o_hi and o_lo <= hi and not (o_lo == lo and o_hi == hi):
            raise CalendarRuleError(
                _("Khoảng áp dụng trùng với lịch giờ làm việc “%(other)s”."),
                code="hours_range_overlap",
                other=str(other),
            )
    return checked


def working_hours_set(
    *,
    actor: Any,
    sessions: Iterable[Session],
    org_unit: OrgUnit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    name: str = "",
    legal_reference: str = "",
) -> WorkingHours:
    """Set the sessions of the schedule for (org unit, date range), creating it if needed; audited."""
    with transaction.atomic():
        existing = (
            WorkingHours.objects.select_for_update(of=("self",))
            .filter(org_unit=org_unit, valid_from=valid_from, valid_to=valid_to)
            .first()
        )
        checked = working_hours_check(
            sessions=sessions,
            org_unit=org_unit,
            valid_from=valid_from,
            valid_to=valid_to,
            exclude_pk=existing.pk if existing else None,
        )
        previous = [str(s) for s in existing.sessions.all()] if existing else []
        user = actor if getattr(actor, "is_authenticated", False) else None
        hours = existing or WorkingHours(org_unit=org_unit, valid_from=valid_from, valid_to=valid_to)
        hours.name = (name or "").strip() or hours.name or str(_("Giờ làm việc"))
        hours.legal_reference = (legal_reference or "").strip() or hours.legal_reference
        hours.created_by = hours.created_by or user
        hours.save()
        hours.sessions.all().delete()
        WorkSession.objects.bulk_create([WorkSession(hours=hours, start=s.start, end=s.end) for s in checked])
        audit_record(
            action="calendar.hours_set",
            actor=actor,
            obj=hours,
            data={
                "org_unit": org_unit.code if org_unit else None,
                "valid_from": valid_from.isoformat() if valid_from else None,
                "valid_to": valid_to.isoformat() if valid_to else None,
                "sessions": [str(s) for s in checked],
                "previous": previous,
                "legal_reference": hours.legal_reference,
            },
        )
    return hours


def working_hours_remove(*, actor: Any, hours: WorkingHours) -> None:
    with transaction.atomic():
        data = {
            "name": hours.name,
            "org_unit": hours.org_unit.code if hours.org_unit else None,
            "valid_from": hours.valid_from.isoformat() if hours.valid_from else None,
            "valid_to": hours.valid_to.isoformat() if hours.valid_to else None,
            "sessions": [str(s) for s in hours.sessions.all()],
        }
        pk = hours.pk
        hours.delete()
        audit_record(
            action="calendar.hours_removed",
            actor=actor,
            object_type="calendar.workinghours",
            object_id=str(pk),
            data=data,
        )


# -- deadlines already given: impact of a change, explicit recompute ----------------------------------


@dataclass(frozen=True)
class DeadlineChange:
    provider: str
    key: str
    label: str
    old_due: dt.datetime
    new_due: dt.datetime | None
    error: str = ""


SnapshotFor = Callable[[int | None], CalendarSnapshot]


def _current_snapshot_for(unit_id: int | None) -> CalendarSnapshot:
    return calendar_snapshot(org_unit=unit_id)


def deadline_impact(
    *, snapshot_for: SnapshotFor | None = None, providers: Iterable[DeadlineProvider] | None = None
) -> list[DeadlineChange]:
    """Open deadlines whose due moment differs from a recomputation with the calendar.

    ``snapshot_for(org_unit_id)`` gives the calendar to recompute with — by default the current tables;
    pass a previewed snapshot (``snapshot.with_days(...)``) to see what a change *would* move before
    saving it. Nothing is written.
    """
    get = snapshot_for or _current_snapshot_for
    cache: dict[int | None, CalendarSnapshot] = {}
    changes: list[DeadlineChange] = []
    for provider in providers if providers is not None else deadline_providers():
        for item in provider.open_deadlines():
            changes.extend(_impact_of(provider, item, cache, get))
    return changes


def deadline_impact_preview(*, rows: Mapping[dt.date, DayInfo]) -> list[DeadlineChange]:
    """The open deadlines that saving ``rows`` (what ``holiday_check`` / ``swap_check`` answer) would move,
    recomputed with the calendar as it would then be. Nothing is written."""

    def snapshot_for(unit_id: int | None) -> CalendarSnapshot:
        return calendar_snapshot(org_unit=unit_id).with_days(set_days=rows)

    return deadline_impact(snapshot_for=snapshot_for)


def _impact_of(
    provider: DeadlineProvider,
    item: OpenDeadline,
    cache: dict[int | None, CalendarSnapshot],
    get: SnapshotFor,
) -> list[DeadlineChange]:
    if item.org_unit_id not in cache:
        cache[item.org_unit_id] = get(item.org_unit_id)
    try:
        new_due = due_moment(
            cache[item.org_unit_id],
            item.received,
            item.limit,
            cutoff=item.cutoff,
            pauses=item.pauses,
            restart=item.restart,
        )
    except CalendarError as exc:
        return [DeadlineChange(provider.name, item.key, item.label, item.due, None, str(exc))]
    if new_due == item.due:
        return []
    return [DeadlineChange(provider.name, item.key, item.label, item.due, new_due)]


def deadlines_recompute(
    *, actor: Any, keys: Collection[tuple[str, str]] | None = None, reason: str = ""
) -> list[DeadlineChange]:
    """Store the recomputed due moments of the affected open deadlines — an explicit, audited action.

    ``keys``: (provider name, key) pairs to recompute (None = every affected deadline). Each change is
    written through its provider and audited with the old and the new due moment, in one transaction.
    """
    providers = {p.name: p for p in deadline_providers()}
    with transaction.atomic():
        changes = [
            c
            for c in deadline_impact(providers=providers.values())
            if c.new_due is not None and (keys is None or (c.provider, c.key) in keys)
        ]
        for change in changes:
            if change.new_due is None:  # pragma: no cover - filtered above
                continue
            providers[change.provider].store_due(change.key, change.new_due)
            audit_record(
                action="calendar.deadline_recomputed",
                actor=actor,
                object_type=change.provider,
                object_id=change.key,
                data={
                    "label": change.label,
                    "old_due": change.old_due.isoformat(),
                    "new_due": change.new_due.isoformat(),
                    "reason": reason,
                },
            )
        if changes:
            audit_record(
                action="calendar.deadlines_recomputed",
                actor=actor,
                object_type="calendar",
                object_id="deadlines",
                data={"count": len(changes), "reason": reason},
            )
    return changes
