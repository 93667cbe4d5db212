"""motcua risk [--unit CODE] [--top 20] | --evaluate [--start DATE --end DATE] [--threshold 0.5]"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.reporting.risk.evaluation import DEFAULT_THRESHOLD, Counts, evaluate, evaluation_record
from motcua.reporting.risk.scoring import open_risks
from motcua.reporting.risk.units import OrgIndex


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày “{value}” không hợp lệ; viết YYYY-MM-DD, ví dụ 2026-03-31.") from exc


def _pct(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "N/A"


class Command(BaseCommand):
    help = (
        "Early warning. Without --evaluate: the open dossiers most likely to finish late (of --unit and its "
        "subtree, or all), with the reason. With --evaluate: replay the model on decided dossiers at half of "
        "their time budget and print precision, recall and the confusion counts (kept for the back office)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="unit code: its dossiers and those of its subtree (default: all)")
        parser.add_argument("--top", type=int, default=20, help="how many dossiers to list (default 20)")
        parser.add_argument("--evaluate", action="store_true", help="evaluate the model on history")
        parser.add_argument("--start", help="evaluate dossiers received from this day (YYYY-MM-DD)")
        parser.add_argument("--end", help="… up to this day, included (YYYY-MM-DD)")
        parser.add_argument(
            "--threshold", type=float, default=DEFAULT_THRESHOLD, help="risk from which 'late' is predicted"
        )
        parser.add_argument("--no-record", action="store_true", help="do not keep the evaluation's figures")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        unit_ids = None
        if options["unit"]:
            org = OrgIndex()
            unit = org.by_code.get(options["unit"])
            if unit is None:
                raise CommandError(f"Không có đơn vị mã {options['unit']}.")
            unit_ids = org.subtree(unit)
        if options["evaluate"]:
            self._evaluate(options, unit_ids)
        else:
            self._top(options, unit_ids)

    def _top(self, options: dict[str, Any], unit_ids: set[int] | None) -> None:
        if options["top"] < 1:
            raise CommandError("--top phải lớn hơn 0.")
        risks = open_risks(unit_ids=unit_ids)
        shown = risks[: options["top"]]
        if options["format"] == "json":
            payload = [
                {
                    "code": r.dossier.code if r.dossier else None,
                    "risk": round(r.probability, 3),
                    "overdue": r.overdue,
                    "left_hours": round(r.left, 2),
                    "need_hours": round(r.need, 2),
                    "need_p90_hours": round(r.need_p90, 2),
                    "open_step": r.open_step.name if r.open_step else None,
                    "unit": r.open_step.unit if r.open_step else None,
                    "reasons": r.reasons(),
                }
                for r in shown
            ]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        overdue = sum(r.overdue for r in risks)
        self.stdout.write(
            f"{len(risks):,} hồ sơ đang giải quyết, {overdue:,} đã quá hạn; "
            f"{sum(r.probability >= 0.7 and not r.overdue for r in risks):,} có nguy cơ trễ hạn cao (≥ 70%)."
        )
        if not shown:
            self.stdout.write("Không có hồ sơ nào đang giải quyết trong phạm vi này.")
            return
        self.stdout.write(f"{'mã hồ sơ':<28} {'nguy cơ':>7}  {'thời gian':<28} bước hiện tại — lý do")
        for r in shown:
            code = r.dossier.code if r.dossier else str(r.dossier_id)
            step = f"{r.open_step.name} — {r.open_step.unit}" if r.open_step else "—"
            self.stdout.write(f"{code:<28} {r.percent:>6}%  {r.left_text():<28} {step}")
            for reason in r.reasons():
                self.stdout.write(f"{'':<38}· {reason}")

    def _evaluate(self, options: dict[str, Any], unit_ids: set[int] | None) -> None:
        start = _date(options["start"]) if options["start"] else None
        end = _date(options["end"]) if options["end"] else None
        if start and end and end < start:
            raise CommandError("--end phải sau --start.")
        if not 0 < options["threshold"] <= 1:
            raise CommandError("--threshold phải trong khoảng (0, 1].")
        result = evaluate(start=start, end=end, threshold=options["threshold"], unit_ids=unit_ids)
        if not options["no_record"] and result.evaluated:
            evaluation_record(result)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        span = f"{start or '…'} → {end or '…'}"
        self.stdout.write(
            f"Đánh giá dự báo trễ hạn tại mốc 50% thời hạn ({span}; chạy lúc {timezone.localtime():%d/%m/%Y %H:%M}):"
        )
        self.stdout.write(
            f"  {result.finished:,} hồ sơ đã có kết quả; {result.decided_before:,} giải quyết xong trước mốc; "
            f"{result.skipped:,} bỏ qua; {result.evaluated:,} được đánh giá, {result.late:,} trễ hạn "
            f"(tỷ lệ nền {_pct(result.base_rate)})."
        )
        if not result.evaluated:
            self.stdout.write("Không có hồ sơ nào để đánh giá trong khoảng này.")
            return
        self._counts(f"Mô hình (ngưỡng {result.threshold:.2f})", result.counts)
        self._counts("So sánh: mỗi bước đúng định mức", result.baseline)
        self.stdout.write("  Theo ngưỡng:   ngưỡng  precision  recall  TP   FP   FN   TN")
        for cut, c in result.by_threshold.items():
            self.stdout.write(
                f"                 {cut:>5}  {_pct(c.precision):>9}  {_pct(c.recall):>6}  "
                f"{c.tp:<4} {c.fp:<4} {c.fn:<4} {c.tn:<4}"
            )
        if result.brier is not None:
            self.stdout.write(f"  Brier score: {result.brier:.3f} (0 = hoàn hảo)")
        self.stdout.write("  Độ tin cậy:    nguy cơ dự báo   số hồ sơ   thực tế trễ")
        for lo, hi, n, late in result.bands:
            share = f"{late / n * 100:.0f}%" if n else "—"
            self.stdout.write(
                f"                 {lo * 100:>3.0f}–{hi * 100:<3.0f}%      {n:>8,}   {late:>6,} ({share})"
            )
        self.stdout.write(f"  Thời gian tính: {result.seconds:.1f} s")

    def _counts(self, label: str, c: Counts) -> None:
        self.stdout.write(
            f"  {label}: precision {_pct(c.precision)}, recall {_pct(c.recall)}, F1 {_pct(c.f1)}, "
            f"accuracy {_pct(c.accuracy)}"
        )
        self.stdout.write(f"      dự báo trễ:      thực tế trễ {c.tp:>6,}   thực tế đúng hạn {c.fp:>6,}")
        self.stdout.write(f"      dự báo đúng hạn: thực tế trễ {c.fn:>6,}   thực tế đúng hạn {c.tn:>6,}")
