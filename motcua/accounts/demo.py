"""Demo accounts for every role (demo mode only). The password is shown on the home page in demo mode."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.org.models import OrgUnit

from .models import AccountKind, Membership, Role, User

DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - demo mode only, shown on the home page


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    description: str | Promise
    org_code: str = ""
    role: str = ""
    personal_id: str | None = None
    tax_code: str | None = None
    phone: str = ""
    birth_date: dt.date | None = None

    @property
    def login(self) -> str:
        """What to type on the sign-in page: a citizen's personal ID (their username is not it), else the
        username."""
        return self.personal_id or self.username


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("congdan.hoa", "Lê Thị Hoa", AccountKind.CITIZEN, _("Công dân (đăng nhập bằng số định danh)"),
                personal_id="038195001234", phone="+84912345678", birth_date=dt.date(1995, 3, 14)),
    DemoAccount("congdan.binh", "Nguyễn Văn Bình", AccountKind.CITIZEN, _("Công dân thứ hai"),
                personal_id="038088004321", phone="+84983456789", birth_date=dt.date(1988, 11, 2)),
    DemoAccount("2801234564", "Công ty TNHH Xây dựng Lam Sơn", AccountKind.BUSINESS,
                _("Doanh nghiệp (đăng nhập bằng mã số thuế)"), tax_code="2801234564", phone="+842373852345"),
    DemoAccount("motcua.tinh", "Trần Thu Trang", AccountKind.STAFF, _("Cán bộ một cửa — Trung tâm PVHCC tỉnh"),
                org_code="H56.40", role=Role.ONE_STOP_OFFICER),
    DemoAccount("chuyenvien.tnmt", "Phạm Quốc Huy", AccountKind.STAFF, _("Chuyên viên — Sở Nông nghiệp và Môi trường"),
                org_code="H56.19", role=Role.SPECIALIST),
    DemoAccount("truongphong.tnmt", "Hoàng Minh Tuấn", AccountKind.STAFF, _("Trưởng phòng — Sở Nông nghiệp và Môi trường"),
                org_code="H56.19", role=Role.DIVISION_HEAD),
    DemoAccount("lanhdao.tnmt", "Đỗ Thanh Sơn", AccountKind.STAFF, _("Lãnh đạo — Sở Nông nghiệp và Môi trường"),
                org_code="H56.19", role=Role.AGENCY_LEADER),
    DemoAccount("quantri.tnmt", "Vũ Thị Lan", AccountKind.STAFF, _("Quản trị cơ quan — Sở Nông nghiệp và Môi trường"),
                org_code="H56.19", role=Role.AGENCY_ADMIN),
    DemoAccount("chuyenvien.thue", "Lê Minh Châu", AccountKind.STAFF, _("Chuyên viên — Thuế tỉnh Thanh Hóa (liên thông)"),
                org_code="H56.52", role=Role.SPECIALIST),
    DemoAccount("motcua.hacthanh", "Nguyễn Thị Mai", AccountKind.STAFF, _("Cán bộ một cửa — UBND phường Hạc Thành"),
                org_code="H56.101", role=Role.ONE_STOP_OFFICER),
    DemoAccount("lanhdao.hacthanh", "Trịnh Quang Vinh", AccountKind.STAFF, _("Lãnh đạo — UBND phường Hạc Thành"),
                org_code="H56.101", role=Role.AGENCY_LEADER),
    DemoAccount("quantri.tinh", "Mai Đức Anh", AccountKind.STAFF, _("Quản trị cấp tỉnh"),
                org_code="H56", role=Role.PROVINCE_ADMIN),
    DemoAccount("thanhtra", "Bùi Văn Khánh", AccountKind.STAFF, _("Thanh tra, kiểm tra (chỉ xem)"),
                org_code="H56", role=Role.AUDITOR),
)  # fmt: skip


def demo_account_list() -> list[DemoAccount]:
    return list(DEMO_ACCOUNTS)


@transaction.atomic
def seed_demo_accounts() -> int:
    """Create or refresh the demo accounts; idempotent. Returns the number created."""
    created = 0
    for account in DEMO_ACCOUNTS:
        # A citizen is found by personal ID: a database from before 0004 named them differently.
        found: dict[str, Any] = (
            {"personal_id": account.personal_id} if account.personal_id else {"username": account.username}
        )
        user, was_created = User.objects.update_or_create(
            **found,
            defaults={
                "username": account.username,
                "full_name": account.full_name,
                "kind": account.kind,
                "personal_id": account.personal_id,
                "tax_code": account.tax_code,
                "phone": account.phone,
                "birth_date": account.birth_date,
                "email": f"{account.username}@demo.motcua.local",
                "representative": "Lê Văn Lam" if account.kind == AccountKind.BUSINESS else "",
                "is_staff": account.role in (Role.PROVINCE_ADMIN, Role.AGENCY_ADMIN),
                "is_superuser": account.role == Role.PROVINCE_ADMIN,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        if account.role:
            unit = OrgUnit.objects.get(code=account.org_code)
            Membership.objects.get_or_create(
                user=user, org_unit=unit, role=account.role, defaults={"valid_from": dt.date(2025, 7, 1)}
            )
    return created
