"""Registry and access-ledger tests: the dossier tests' people, procedure and clock, a procedure whose
components are an ID card (CCCD) and a business registration (GCN_DKDN), and HTTP helpers."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.dossiers import services as s
from motcua.dossiers.services.intake import CounterApplicant
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, procedure_data, staff_user, version, vn

__all__ = ["DEMO_PASSWORD", "clock", "demo", "people", "pin_tax_unit", "procedure_data", "staff_user",
           "version", "vn"]  # fmt: skip


@pytest.fixture(autouse=True)
def _clean_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def centre():
    return OrgUnit.objects.get(code="H56.40")


def pdf_file(name="scan.pdf", pages=1):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def id_version(demo):
    """A procedure whose components include an ID card and a business registration certificate."""
    data = procedure_data(
        code="1.007777",
        name="Cấp giấy phép khai thác nước (thử nghiệm, có giấy tờ tra cứu CSDL)",
        components=[
            {"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": True},
            {"name": "Căn cước của người đề nghị", "originals": 0, "copies": 1, "required": True,
             "document_type": "CCCD"},
            {"name": "Giấy chứng nhận đăng ký doanh nghiệp", "originals": 0, "copies": 1, "required": False,
             "document_type": "GCN_DKDN"},
        ],
    )  # fmt: skip
    spec = parse_procedure(data).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


def counter_dossier(people, version, *, personal_id="038088004321", name="Nguyễn Văn Bình", kind="citizen",
                    tax_code="", provided=(1, 2)):  # fmt: skip
    """A dossier received at the provincial centre's counter by the demo one-stop officer."""
    return s.dossier_receive_at_counter(
        officer=people["officer"],
        receiving_point=centre(),
        procedure_version=version,
        applicant=CounterApplicant(
            kind=kind,
            name=name,
            personal_id=personal_id,
            tax_code=tax_code,
            address="Số 5, đường Lê Lợi, phường Hạc Thành",
        ),
        provided_positions=list(provided),
    )


def login(client, user):
    assert client.login(username=user.username, password=DEMO_PASSWORD)
    return client
