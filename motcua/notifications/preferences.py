"""Per-user channel preferences: which channels a user accepts for each topic group, and in which
language their notifications are written. ``notify`` applies them; the in-app inbox always receives."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record

from .errors import PreferenceInvalid
from .models import Channel, ChannelPreference, TemplateLanguage
from .topics import GROUPS

#: The channels a user may switch on or off (the inbox cannot be switched off).
OPTIONAL_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class PreferenceView:
    language: str
    #: group → accepted optional channels (every optional channel when the user chose nothing).
    accepted: dict[str, list[str]]


def preference_get(*, user: User) -> PreferenceView:
    row = ChannelPreference.objects.filter(user=user).first()
    stored = (row.accepted or {}) if row else {}
    accepted = {
        group: [c for c in stored[group] if c in Channel.values] if group in stored else
        [c.value for c in OPTIONAL_CHANNELS]
        for group in GROUPS
    }  # fmt: skip
    return PreferenceView(language=row.language if row else TemplateLanguage.VI, accepted=accepted)


def preference_rows(*, user: User) -> tuple[str, list[dict[str, object]]]:
    """The user's language and, per topic group, each optional channel with whether it is accepted — what a
    preferences form shows (the back office and the portal use the same rows)."""
    view = preference_get(user=user)
    rows: list[dict[str, object]] = [
        {
            "group": group,
            "label": label,
            "channels": [
                {"value": c.value, "label": c.label, "checked": c.value in view.accepted.get(group, [])}
                for c in OPTIONAL_CHANNELS
            ],
        }
        for group, label in GROUPS.items()
    ]
    return view.language, rows


def preference_set_from_form(*, user: User, data: object, actor: User | None = None) -> ChannelPreference:
    """``preference_set`` from a submitted form (``group_<group>`` checkboxes, ``language``)."""
    getlist = data.getlist  # type: ignore[attr-defined]
    accepted = {group: getlist(f"group_{group}") for group in GROUPS}
    return preference_set(
        user=user,
        accepted=accepted,
        language=data.get("language", TemplateLanguage.VI),  # type: ignore[attr-defined]
        actor=actor,
    )


def preference_set(
    *,
    user: User,
    accepted: Mapping[str, Iterable[str]],
    language: str = TemplateLanguage.VI,
    actor: User | None = None,
) -> ChannelPreference:
    """Store ``user``'s choice: for each group in ``accepted`` the channels (email, sms) they accept; groups
    not given keep accepting every channel. Audited (by ``actor``, the user themself by default)."""
    if language not in TemplateLanguage.values:
        raise PreferenceInvalid(_("Ngôn ngữ “%(language)s” không được hỗ trợ."), language=language)
    clean: dict[str, list[str]] = {}
    for group, channels in accepted.items():
        if group not in GROUPS:
            raise PreferenceInvalid(_("Nhóm thông báo “%(group)s” không tồn tại."), group=group)
        chosen: list[str] = []
        for channel in channels:
            if channel == Channel.INAPP:
                continue  # always on
            if channel not in Channel.values:
                raise PreferenceInvalid(_("Kênh gửi “%(channel)s” không tồn tại."), channel=channel)
            if channel not in chosen:
                chosen.append(str(channel))
        clean[group] = sorted(chosen)
    with transaction.atomic():
        row, _created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
        row.accepted = clean
        row.language = language
        row.save()
        audit_record(
            action="notification_preference.set",
            actor=actor or user,
            obj=row,
            data={"user": user.pk, "language": language, "accepted": clean},
        )
    return row
