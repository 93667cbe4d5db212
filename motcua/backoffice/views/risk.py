"""Early warning for leaders: the open dossiers most likely to finish late, and where the process stalls."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import User
from motcua.reporting.bottlenecks import DEFAULT_DAYS, bottlenecks, default_period
from motcua.reporting.periods import InvalidPeriod, Period, parse_period
from motcua.reporting.risk.forecast import HIGH, WATCH, Risk
from motcua.reporting.risk.queue import early_warning_queue

from ..access import leads_a_unit, staff_required
from .dossiers.common import STATUS_TONES, officer

PAGE_SIZE = 25
#: Bottleneck rows shown (worst first); the rest are counted.
MAX_ROWS = 30

#: level → (label, badge tone)
LEVELS: dict[str, tuple[Any, str]] = {
    "overdue": (gettext_lazy("Đã quá hạn"), "stop"),
    "high": (gettext_lazy("Nguy cơ cao"), "stop"),
    "watch": (gettext_lazy("Cần theo dõi"), "warn"),
    "low": (gettext_lazy("Nguy cơ thấp"), "ok"),
}
#: The queue's level filters (GET ``level``): "" = every dossier not yet past due.
FILTERS: tuple[tuple[str, Any], ...] = (
    ("", gettext_lazy("Chưa quá hạn")),
    ("high", gettext_lazy("Nguy cơ cao")),
    ("watch", gettext_lazy("Cần theo dõi")),
    ("overdue", gettext_lazy("Đã quá hạn")),
)


def _leader(request: HttpRequest) -> User:
    """The signed-in officer, if they lead a unit (or see everything: province administrator, auditor)."""
    user = officer(request)
    if not leads_a_unit(user):
        raise PermissionDenied(_("Trang này dành cho lãnh đạo đơn vị."))
    return user


def _row(risk: Risk) -> dict[str, Any]:
    label, tone = LEVELS[risk.level]
    dossier = risk.dossier
    return {
        "risk": risk,
        "dossier": dossier,
        "level": label,
        "tone": tone,
        "status_tone": STATUS_TONES.get(dossier.status, "info") if dossier else "info",
        "step": risk.open_step,
        "summary": risk.summary(),
        "reasons": risk.step_reasons(),
    }


@staff_required
def risk_queue(request: HttpRequest) -> HttpResponse:
    user = _leader(request)
    level = request.GET.get("level", "")
    level = level if level in {key for key, _label in FILTERS} else ""
    unit = request.GET.get("unit", "")
    queue = early_warning_queue(user=user, unit_code=unit, level=level)
    counts = queue.counts
    page = Paginator(queue.shown, PAGE_SIZE).get_page(request.GET.get("page", 1))
    keep = {"level": level, "unit": unit}
    return render(
        request,
        "backoffice/risk/queue.html",
        {
            "page": page,
            "rows": [_row(r) for r in page.object_list],
            "counts": counts,
            "total": queue.total,
            "filters": [
                {"key": key, "label": label, "current": key == level, "count": queue.filter_count(key)}
                for key, label in FILTERS
            ],
            "level": level,
            "unit": unit,
            "units": queue.units,
            "query": urlencode({k: v for k, v in keep.items() if v}),
            "unit_query": urlencode({"unit": unit}) if unit else "",
            "high": round(HIGH * 100),
            "watch": round(WATCH * 100),
        },
    )


def _quick_periods(today: dt.date) -> list[tuple[str, str]]:
    quarter = (today.month - 1) // 3 + 1
    start = today - dt.timedelta(days=DEFAULT_DAYS - 1)
    year_ago = today - dt.timedelta(days=364)
    return [
        (f"{start.isoformat()}..{today.isoformat()}", _("90 ngày qua")),
        (f"{today.year}-{today.month:02d}", _("Tháng này")),
        (f"{today.year}-Q{quarter}", _("Quý này")),
        (f"{year_ago.isoformat()}..{today.isoformat()}", _("12 tháng qua")),
    ]


@staff_required
def bottleneck_view(request: HttpRequest) -> HttpResponse:
    user = _leader(request)
    today = timezone.localdate()
    text = request.GET.get("period", "").strip()[:40]
    error = ""
    period = default_period(today)
    if text:
        try:
            period = parse_period(text)
        except InvalidPeriod as exc:
            error = str(exc)
    report = bottlenecks(period=period, user=user)
    evaluation = _evaluation(report.evaluation) if report.evaluation is not None else None
    return render(
        request,
        "backoffice/risk/bottlenecks.html",
        {
            "report": report,
            "rows": report.rows[:MAX_ROWS],
            "more": max(len(report.rows) - MAX_ROWS, 0),
            "top": report.top,
            "officers": report.officers[:MAX_ROWS],
            "more_officers": max(len(report.officers) - MAX_ROWS, 0),
            "period_text": text if error else (text or ""),
            "error": error,
            "quick": [
                {"value": value, "label": label, "current": value == text}
                for value, label in _quick_periods(today)
            ],
            "evaluation": evaluation,
            "period_label": _period_label(report.period),
        },
    )


def _period_label(period: Period) -> str:
    """``Quý 1/2026 (01/01/2026 – 31/03/2026)``; a custom period is its dates alone."""
    dates = f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"
    return dates if period.label == dates else f"{period.label} ({dates})"


def _pct(value: object) -> str:
    return f"{float(value) * 100:.1f}%".replace(".", ",") if isinstance(value, int | float) else "—"


def _counts(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: figures.get(k, 0) for k in ("tp", "fp", "fn", "tn")},
        **{k: _pct(figures.get(k)) for k in ("precision", "recall", "accuracy", "f1")},
    }


def _evaluation(recorded: tuple[dt.datetime, dict[str, Any]]) -> dict[str, Any]:
    """The last recorded evaluation, ready to show (percentages with a decimal comma)."""
    ran_at, figures = recorded

    def day(value: object) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    return {
        "ran_at": ran_at,
        "start": day(figures.get("start")),
        "end": day(figures.get("end")),
        "evaluated": figures.get("evaluated", 0),
        "finished": figures.get("finished", 0),
        "late": figures.get("late", 0),
        "decided_before": figures.get("decided_before_checkpoint", 0),
        "base_rate": _pct(figures.get("base_rate")),
        "threshold": _pct(figures.get("threshold")),
        "brier": figures.get("brier"),
        "model": _counts(figures.get("model", {})),
        "baseline": _counts(figures.get("baseline_budget", {})),
    }
