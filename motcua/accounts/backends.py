"""Sign-in with lockout: after repeated failures an account is locked for a while, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from motcua.core.audit import audit_record

from .models import User


class LockoutModelBackend(ModelBackend):
    """ModelBackend that refuses locked accounts and counts consecutive failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.is_locked():
            audit_record(action="auth.login_refused_locked", obj=user, data={"username": username})
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        self._record_failure(user)
        return None

    @staticmethod
    def _record_failure(user: User) -> None:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
            user.refresh_from_db(fields=["failed_login_count"])
            data: dict[str, Any] = {"failures": user.failed_login_count}
            if user.failed_login_count >= settings.MOTCUA_LOGIN_MAX_FAILURES:
                until = timezone.now() + dt.timedelta(minutes=settings.MOTCUA_LOGIN_LOCK_MINUTES)
                User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
                data["locked_until"] = until.isoformat()
                audit_record(action="auth.account_locked", obj=user, data=data)
            else:
                audit_record(action="auth.login_failed", obj=user, data=data)
