"""The settings of the evaluation and PAKN features, read in one place with their defaults.

Every value can be set in ``config/settings`` (from the environment there); nothing needs to be set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # An evaluation may be changed for this many hours after it was given.
    "MOTCUA_EVALUATION_EDIT_HOURS": 72,
    # How long an emailed / SMS / kiosk evaluation link stays valid.
    "MOTCUA_EVALUATION_LINK_DAYS": 30,
    # The longest comment of an evaluation (characters).
    "MOTCUA_EVALUATION_COMMENT_MAX": 1000,
    # Bands of the nine-criteria total (out of 18): (lowest total, label key), highest first. A total is in
    # the first band whose lowest total it reaches. Defaults: the vendor bands of regulations.md §8
    # (>15 excellent, 12–<15 good, 9–<12 fair, 6–<9 average, <6 weak); ">15" is read as "≥15" so that
    # 15 is not left in no band.
    "MOTCUA_EVALUATION_BANDS": [
        (15, "excellent"),
        (12, "good"),
        (9, "fair"),
        (6, "average"),
        (0, "weak"),
    ],
    # PAKN limits in working days (766 item 5.2): refuse, request more information, answer, publish the
    # answer (counted from the answer).
    "MOTCUA_FEEDBACK_DAYS": {"refuse": 2, "request_info": 5, "answer": 15, "publish": 2},
    # Feedback from the same contact about the same subject within this many days is linked as repeated.
    "MOTCUA_FEEDBACK_REPEAT_DAYS": 30,
    # Submissions per client address per window (seconds); likes per client per window.
    "MOTCUA_FEEDBACK_SUBMIT_LIMIT": 5,
    "MOTCUA_FEEDBACK_SUBMIT_WINDOW": 3600,
    "MOTCUA_FEEDBACK_REACT_LIMIT": 30,
    "MOTCUA_FEEDBACK_REACT_WINDOW": 3600,
    "MOTCUA_FEEDBACK_CONTENT_MAX": 5000,
    # Tracking look-ups (code + contact) per client address per window (seconds).
    "MOTCUA_FEEDBACK_TRACK_LIMIT": 10,
    "MOTCUA_FEEDBACK_TRACK_WINDOW": 600,
    # The unit that receives feedback whose subject names no unit (org-unit code); "" = the province
    # administrators' queue only.
    "MOTCUA_FEEDBACK_DEFAULT_UNIT": "H56.40",
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def edit_window() -> dt.timedelta:
    return dt.timedelta(hours=float(setting("MOTCUA_EVALUATION_EDIT_HOURS")))


def link_max_age() -> int:
    return int(float(setting("MOTCUA_EVALUATION_LINK_DAYS")) * 86400)


def feedback_days() -> dict[str, int]:
    days = dict(DEFAULTS["MOTCUA_FEEDBACK_DAYS"])
    days.update(setting("MOTCUA_FEEDBACK_DAYS") or {})
    return {k: int(v) for k, v in days.items()}


def bands() -> list[tuple[float, str]]:
    return sorted(((float(lo), str(key)) for lo, key in setting("MOTCUA_EVALUATION_BANDS")), reverse=True)
