"""Rendering a topic's templates into the stored texts, in Vietnamese, at Asia/Ho_Chi_Minh time.

Text templates are rendered by a dedicated engine with autoescaping off (they are plain text, not HTML)
and the ``i18n`` tags built in. The context the caller gives is completed with:

- ``recipient_name`` (or "Ông/Bà"), ``province_name``, ``sender_name``;
- ``<key>_text`` for every moment key of the topic ("08:00 ngày 20/03/2026", or "20/03/2026" for a date);
- ``items_list`` (a list of lines) when ``items`` is given as text or a list.

An administrator's ``NotificationTemplate`` for the topic, channel and language replaces the matching
built-in file (email: subject and body; in-app: body and, if given, the title; SMS: body).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .conf import setting
from .text import gsm_text
from .topics import Topic


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    summary: str
    sms_text: str


@functools.cache
def engine() -> Engine:
    return Engine(
        app_dirs=True,
        autoescape=False,
        builtins=["django.templatetags.i18n", "django.templatetags.tz"],
    )


def format_moment(value: dt.datetime | dt.date) -> str:
    """``08:00 ngày 20/03/2026`` for an aware datetime (in the province's time zone), ``20/03/2026`` for a date."""
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("naive datetime")
        local = timezone.localtime(value)
        return _("%(time)s ngày %(date)s") % {
            "time": local.strftime("%H:%M"),
            "date": local.strftime("%d/%m/%Y"),
        }
    return value.strftime("%d/%m/%Y")


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [line.strip(" -•\t") for line in value.splitlines() if line.strip(" -•\t")]
    return [str(item).strip() for item in value if str(item).strip()]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def full_context(topic: Topic, context: Mapping[str, Any], *, recipient_name: str) -> dict[str, Any]:
    province = str(getattr(settings, "MOTCUA_PROVINCE_NAME", ""))
    data: dict[str, Any] = dict.fromkeys(topic.optional)
    data.update(context)
    data["recipient_name"] = recipient_name or _("Ông/Bà")
    data["province_name"] = province
    data["sender_name"] = _("Trung tâm Phục vụ hành chính công tỉnh %(province)s") % {"province": province}
    for key in topic.moments:
        value = data.get(key)
        data[f"{key}_text"] = format_moment(value) if value else ""
    if "items" in data:
        data["items_list"] = _lines(data["items"])
    return data


#: Which administrator's text replaces which built-in part: part → ((channel, field), ...) in order.
OVERRIDES: dict[str, tuple[tuple[str, str], ...]] = {
    "subject": (("email", "subject"), ("inapp", "subject")),
    "email": (("email", "body"),),
    "inapp": (("inapp", "body"),),
    "sms": (("sms", "body"),),
}


def overrides_for(topic: Topic, language: str) -> dict[str, str]:
    """The administrators' texts for ``topic`` in ``language``, by part (see ``OVERRIDES``)."""
    from .models import NotificationTemplate

    rows = {
        row.channel: row for row in NotificationTemplate.objects.filter(topic=topic.key, language=language)
    }
    found: dict[str, str] = {}
    for part, sources in OVERRIDES.items():
        for channel, field_name in sources:
            row = rows.get(channel)
            text = getattr(row, field_name, "") if row is not None else ""
            if text and text.strip():
                found[part] = text
                break
    return found


def render(
    topic: Topic,
    context: Mapping[str, Any],
    *,
    recipient_name: str = "",
    language: str = "vi",
    overrides: Mapping[str, str] | None = None,
) -> Rendered:
    """Render every part of ``topic``. ``overrides`` (part → template text, e.g. ``overrides_for(...)``,
    as ``notify`` passes them) replace the built-in files."""
    language = language if language in ("vi", "en") else "vi"
    texts = dict(overrides or {})
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        data = full_context(topic, context, recipient_name=recipient_name)

        def part(name: str) -> str:
            if name in texts:
                template = engine().from_string(texts[name])
            else:
                template = engine().get_template(topic.template(name))
            return template.render(Context(data, autoescape=False))

        return Rendered(
            subject=_one_line(part("subject"))[:255],
            body=_paragraphs(part("email")),
            summary=_one_line(part("inapp")),
            sms_text=gsm_text(part("sms"), limit=int(setting("MOTCUA_SMS_MAX_LENGTH"))),
        )
