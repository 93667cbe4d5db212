"""What the model says of one dossier: its risk of finishing late (``Risk``), the forecast of each remaining
step (``StepForecast``), and the reasons in words (docs/architecture/early-warning.md §2.4)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier

from .units import fmt_duration

#: Risk levels of the queue.
HIGH = 0.7
WATCH = 0.3


@dataclass(frozen=True)
class StepForecast:
    code: str
    name: str
    unit_id: int
    unit: str
    budget: float  # working hours
    samples: int  # passes in the history the step is drawn from (its unit's, or pooled)
    own_samples: int  # of which at this unit
    typical: float | None  # median working hours of those passes (None: too few)
    p90: float | None
    source: str  # "history" (the unit's), "pooled" (every unit's), "budget" (too little) or "overrun"
    is_open: bool = False
    elapsed: float = 0.0  # working hours the open step has run
    rest: float = 0.0  # median working hours still needed (the open step) or needed (a later step)


@dataclass
class Risk:
    dossier_id: int
    probability: float
    left: float  # working hours to the due moment (negative: past it)
    need: float  # median simulated working hours still needed
    need_p90: float
    day: float  # working hours of a day
    steps: list[StepForecast]
    overdue: bool = False
    paused: bool = False
    pace: float | None = None  # the dossier's rank so far among past passes of its steps (0 fast, 1 slow)
    pace_steps: int = 0
    pace_weight: float = 0.0  # how much the pace decides the draws of the remaining steps (0..1)
    dossier: Dossier | None = None
    assignee: str = ""

    @property
    def level(self) -> str:
        if self.overdue:
            return "overdue"
        if self.probability >= HIGH:
            return "high"
        if self.probability >= WATCH:
            return "watch"
        return "low"

    @property
    def percent(self) -> int:
        return round(self.probability * 100)

    @property
    def open_step(self) -> StepForecast | None:
        return self.steps[0] if self.steps else None

    def left_text(self) -> str:
        if self.overdue:
            if -self.left < 0.05:
                return _("vừa quá hạn")
            return _("quá hạn %(t)s") % {"t": fmt_duration(-self.left, self.day)}
        return _("còn %(t)s") % {"t": fmt_duration(self.left, self.day)}

    def summary(self) -> str:
        """The time left against the time the remaining steps usually need."""
        d = self.day
        if self.overdue:
            return _("Đã quá hạn %(t)s.") % {"t": fmt_duration(-self.left, d)}
        return _("Còn %(left)s đến hạn; các bước còn lại thường cần %(need)s (9/10 trường hợp: %(p90)s).") % {
            "left": fmt_duration(self.left, d),
            "need": fmt_duration(self.need, d),
            "p90": fmt_duration(self.need_p90, d),
        }

    def step_reasons(self) -> list[str]:
        """The open step (how long it usually takes here, how long it has run), then the slow steps ahead."""
        d = self.day
        out: list[str] = []
        step = self.open_step
        if step is not None:
            values = {
                "step": step.name,
                "unit": step.unit,
                "elapsed": fmt_duration(step.elapsed, d),
                "budget": fmt_duration(step.budget, d),
                "typical": fmt_duration(step.typical or 0, d),
                "n": step.samples,
                "own": step.own_samples,
            }
            if step.source == "history":
                text = _(
                    "Bước “%(step)s” ở %(unit)s thường mất %(typical)s (định mức %(budget)s, "
                    "%(n)s lần gần đây); hồ sơ đã ở bước này %(elapsed)s."
                )
            elif step.source == "overrun":
                text = _(
                    "Hồ sơ đã ở bước “%(step)s” tại %(unit)s %(elapsed)s, lâu hơn hầu hết các lần trước "
                    "(thường mất %(typical)s; định mức %(budget)s)."
                )
            elif step.source == "pooled":
                text = _(
                    "Bước “%(step)s” ở %(unit)s mới có %(own)s lần; ở mọi đơn vị, bước này của thủ tục thường "
                    "mất %(typical)s (định mức %(budget)s, %(n)s lần); hồ sơ đã ở bước này %(elapsed)s."
                )
            else:
                text = _(
                    "Bước “%(step)s” ở %(unit)s chưa đủ lịch sử (%(own)s lần): tính theo định mức "
                    "%(budget)s; hồ sơ đã ở bước này %(elapsed)s."
                )
            out.append(text % values)
        telling = (self.pace_weight >= 0.2 and (self.pace or 0.5) >= 0.75) or (self.pace or 0.5) <= 0.25
        if self.pace is not None and self.pace_steps and self.pace_weight >= 0.2 and telling:
            if self.pace >= 0.75:
                out.append(
                    _(
                        "Ở %(n)s bước đã qua, hồ sơ này chậm hơn khoảng %(p)s%% số lần xử lý cùng bước: "
                        "các bước còn lại được ước tính theo nhịp đó."
                    )
                    % {"n": self.pace_steps, "p": round(self.pace * 100)}
                )
            else:
                out.append(
                    _(
                        "Ở %(n)s bước đã qua, hồ sơ này nhanh hơn khoảng %(p)s%% số lần xử lý cùng bước: "
                        "các bước còn lại được ước tính theo nhịp đó."
                    )
                    % {"n": self.pace_steps, "p": round((1 - self.pace) * 100)}
                )
        slow = [
            s
            for s in self.steps[1:]
            if s.source in ("history", "pooled") and s.typical is not None and s.typical > 1.1 * s.budget
        ]
        slow.sort(key=lambda s: (s.typical or 0) - s.budget, reverse=True)
        for later in slow[:2]:
            out.append(
                _("Bước sau “%(step)s” ở %(unit)s thường mất %(typical)s (định mức %(budget)s).")
                % {
                    "step": later.name,
                    "unit": later.unit,
                    "typical": fmt_duration(later.typical or 0, d),
                    "budget": fmt_duration(later.budget, d),
                }
            )
        return out

    def reasons(self) -> list[str]:
        """Why, in words: the summary, the pause if any, the open step, the slow steps ahead."""
        paused = (
            [_("Đang dừng tính thời gian: thời gian còn lại tính đến lúc tạm dừng.")] if self.paused else []
        )
        return [self.summary(), *paused, *self.step_reasons()]
