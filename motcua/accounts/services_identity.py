"""Accounts from an identity provider that vouches for a person's personal ID (VNeID).

The provider's answer reaches this module as plain typed values — the accounts app never imports the
integration (motcua.integrations.vneid), the portal's views pass what it verified. Two use cases:

* ``account_sign_in_with_identity`` — who is signing in: the citizen account holding that personal ID, or a
  new citizen account (no usable password: VNeID is its way in; password reset skips it, so only an
  administrator can give it a password).
  Empty name / birth date / phone are filled from the provider, never overwriting what the citizen typed.
  Staff and business accounts are refused: staff sign in with password + authenticator code, businesses
  with their tax code.
* ``account_link_identity`` — a signed-in citizen who registered without a personal ID proves it with
  VNeID; a citizen who has one may only confirm that same ID.

Each change is one transaction with its audit row; the personal ID is unique in the database, so two
concurrent first sign-ins of one person make one account.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.errors import RuleError
from motcua.core.validators import validate_cccd

from .models import AccountKind, User
from .usernames import citizen_username

logger = logging.getLogger("motcua.accounts")


class IdentityRefused(RuleError):
    """The identity cannot open or change this account; nothing was changed."""

    code = "identity_refused"
    http_status = 403


def _check_personal_id(personal_id: str) -> None:
    try:
        validate_cccd(personal_id)
    except ValidationError as exc:
        raise IdentityRefused(exc.messages[0], code="identity_personal_id_invalid") from exc


def _refuse_kind(user: User) -> None:
    if user.kind == AccountKind.STAFF or user.is_staff or user.is_superuser:
        raise IdentityRefused(
            _(
                "Số định danh này thuộc một tài khoản cán bộ, công chức. Cán bộ đăng nhập bằng tên đăng nhập, "
                "mật khẩu và mã xác thực trên ứng dụng, không đăng nhập bằng VNeID."
            ),
            code="identity_staff_account",
        )
    if user.kind != AccountKind.CITIZEN:
        raise IdentityRefused(
            _(
                "Số định danh này gắn với một tài khoản tổ chức, doanh nghiệp. Doanh nghiệp đăng nhập bằng mã số "
                "thuế và mật khẩu."
            ),
            code="identity_business_account",
        )
    if not user.is_active:
        raise IdentityRefused(
            _("Tài khoản gắn với số định danh này đang bị khóa. Vui lòng liên hệ bộ phận một cửa."),
            code="identity_account_inactive",
        )


def _fill_empty(user: User, *, full_name: str, birth_date: dt.date | None, phone: str) -> list[str]:
    """Fill the account's empty fields from the provider; the names of the fields filled."""
    filled: list[str] = []
    if not user.full_name.strip() and full_name:
        user.full_name, filled = full_name[:200], [*filled, "full_name"]
    if user.birth_date is None and birth_date is not None:
        user.birth_date, filled = birth_date, [*filled, "birth_date"]
    if not user.phone and phone:
        user.phone, filled = phone[:16], [*filled, "phone"]
    return filled


def account_sign_in_with_identity(
    *, personal_id: str, full_name: str, birth_date: dt.date | None, phone: str, provider: str
) -> User:
    """The citizen account for a personal ID the provider vouched for: found (empty fields filled) or made.

    Raises ``IdentityRefused`` for a staff, business or inactive account with that ID, or when another
    account's username is that ID (the sign-in page must name one account). A new account's username is not
    the personal ID (``motcua.accounts.usernames``).
    """
    _check_personal_id(personal_id)
    try:
        return _sign_in(personal_id=personal_id, full_name=full_name, birth_date=birth_date, phone=phone,
                        provider=provider)  # fmt: skip
    except IntegrityError:
        # Another request made the account between our look-up and insert: use theirs.
        logger.info("identity sign-in raced another one for the same personal ID; using the existing account")
        return _sign_in(personal_id=personal_id, full_name=full_name, birth_date=birth_date, phone=phone,
                        provider=provider)  # fmt: skip


def _sign_in(
    *, personal_id: str, full_name: str, birth_date: dt.date | None, phone: str, provider: str
) -> User:
    with transaction.atomic():
        user = User.objects.select_for_update().filter(personal_id=personal_id).first()
        if user is not None:
            _refuse_kind(user)
            filled = _fill_empty(user, full_name=full_name, birth_date=birth_date, phone=phone)
            if filled:
                user.save(update_fields=filled)
                audit_record(
                    action="account.identity_filled", actor=user, obj=user,
                    data={"provider": provider, "fields": filled},
                )  # fmt: skip
            return user
        if User.objects.filter(username=personal_id).exists():
            raise IdentityRefused(
                _(
                    "Đã có một tài khoản khác dùng tên đăng nhập trùng số định danh này. "
                    "Vui lòng liên hệ bộ phận một cửa để được hỗ trợ."
                ),
                code="identity_username_taken",
            )
        user = User(
            username=citizen_username(),
            kind=AccountKind.CITIZEN,
            personal_id=personal_id,
            full_name=full_name[:200],
            birth_date=birth_date,
            phone=phone[:16],
        )
        user.set_unusable_password()
        user.save()
        data: dict[str, Any] = {
            "provider": provider,
            "fields": [f for f, v in (("birth_date", birth_date), ("phone", phone)) if v],
        }
        audit_record(action="account.created_from_identity", actor=user, obj=user, data=data)
        return user


def account_link_identity(
    *, user: User, personal_id: str, full_name: str, birth_date: dt.date | None, phone: str, provider: str
) -> User:
    """Attach a provider-verified personal ID to a signed-in citizen's account (or confirm the one it has).

    Refused (``IdentityRefused``) for a non-citizen account, when another account holds the ID, or when the
    account already has a different ID. Empty fields are filled as at sign-in.
    """
    _check_personal_id(personal_id)
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            _refuse_kind(locked)
            previous = locked.personal_id
            if previous and previous != personal_id:
                raise IdentityRefused(
                    _(
                        "Số định danh trên VNeID không khớp với số định danh của tài khoản này. "
                        "Hãy đăng nhập VNeID bằng đúng tài khoản của bạn."
                    ),
                    code="identity_mismatch",
                )
            if not previous and User.objects.filter(personal_id=personal_id).exclude(pk=locked.pk).exists():
                raise _taken()
            fields = _fill_empty(locked, full_name=full_name, birth_date=birth_date, phone=phone)
            if not previous:
                locked.personal_id = personal_id
                fields = ["personal_id", *fields]
            if fields:
                locked.save(update_fields=fields)
            audit_record(
                action="account.identity_linked", actor=locked, obj=locked,
                data={"provider": provider, "fields": fields, "confirmed_existing": bool(previous)},
            )  # fmt: skip
    except IntegrityError as exc:  # another account took the ID between the check and the save
        raise _taken() from exc
    for name in ("personal_id", "full_name", "birth_date", "phone"):
        setattr(user, name, getattr(locked, name))
    return locked


def _taken() -> IdentityRefused:
    return IdentityRefused(
        _(
            "Số định danh này đã gắn với tài khoản khác trên Cổng dịch vụ công. Bạn có thể đăng xuất rồi "
            "đăng nhập bằng VNeID để dùng tài khoản đó, hoặc liên hệ bộ phận một cửa để được hỗ trợ."
        ),
        code="identity_taken",
    )
