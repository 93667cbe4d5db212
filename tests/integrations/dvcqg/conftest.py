"""National-portal synchronisation tests: the in-process fake portal (reset around each test), the dossier
tests' people, procedure and clock, and helpers that drive dossiers through the real services."""

import base64
import io

import pytest
from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin
from motcua.integrations.dvcqg.fake import SANDBOX
from motcua.integrations.dvcqg.worker import sync_once
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, staff_user, version, vn

__all__ = ["clock", "demo", "people", "pin_tax_unit", "staff_user", "version", "vn"]

SECRET = "dvcqg-test-shared-secret"
TOKEN = "dvcqg-test-token"


def portal_settings(**extra):
    return {"backend": "fake", "secret": SECRET, "token": TOKEN, "retry_base_seconds": 30,
            "retry_max_seconds": 3600, "lease_seconds": 120, "max_attempts": 5, **extra}  # fmt: skip


@pytest.fixture(autouse=True)
def portal(settings):
    """The fake portal, empty, reached in process (the ``fake`` backend)."""
    settings.MOTCUA_DVCQG = portal_settings()
    SANDBOX.reset()
    yield SANDBOX
    SANDBOX.reset()


def centre():
    return OrgUnit.objects.get(code="H56.40")


def upload_all(dossier):
    for component in dossier.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()


def ids(dossier):
    return list(dossier.components.values_list("pk", flat=True))


def online(people, version, clock, at=None, applicant="citizen"):
    """An online dossier submitted in motcua, awaiting intake."""
    clock(at or vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people[applicant], procedure_version=version, receiving_point=centre()
    )
    upload_all(d)
    return s.dossier_submit(dossier=d, applicant=people[applicant])


def received(people, version, clock, at=None):
    d = online(people, version, clock, at)
    clock.shift(minutes=30)
    return s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids(d))


def journey(people, version, clock, d=None):
    """Received → routed → tax office and back → signed → returned (statuses 2, 4, 9, 10 after 1)."""
    d = d or received(people, version, clock)
    clock.shift(minutes=30)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    clock.shift(hours=2)
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    clock.shift(hours=2)
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    clock.shift(hours=1)
    d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
    clock.shift(hours=1)
    d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
    clock.shift(hours=1)
    return s.dossier_return_result(dossier=d, officer=people["officer"], method="counter")


def pdf_bytes(pages=1):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def submission(national_code="G22.99-260302-000123", **overrides):
    """A dossier filed on the portal for the test procedure (1.009999), both required components as PDFs."""
    pdf = base64.b64encode(pdf_bytes()).decode()
    data = {
        "MaHoSoDVCQG": national_code,
        "MaTTHC": "1.009999",
        "MaCoQuanTiepNhan": "H56.40",
        "NgayNopHoSo": "2026-03-02T08:55:00+07:00",
        "ChuHoSo": {"LoaiDoiTuong": 1, "HoTen": "Lường Văn Khánh", "SoDinhDanh": "038090011223",
                    "SoDienThoai": "0912 345 670", "Email": "khanh@example.vn",
                    "DiaChi": "Thôn 3, xã Hà Trung, tỉnh Thanh Hóa"},
        "ThanhPhanHoSo": [
            {"ViTri": 1, "TenTep": "don-de-nghi.pdf", "NoiDung": pdf},
            {"ViTri": 2, "TenTep": "so-do.pdf", "NoiDung": pdf},
        ],
        "DuLieuBieuMau": {"muc_dich": "Sinh hoạt"},
    }  # fmt: skip
    data.update(overrides)
    return data


def sync(**kwargs):
    return sync_once(**kwargs)
