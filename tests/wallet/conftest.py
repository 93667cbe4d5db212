"""Fixtures of the data-store tests: two procedures of different sectors whose components carry reusable
document types, the demo people, a clock, an empty media directory, and real files to upload."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.dossiers import services as s
from motcua.dossiers.services.components import dossier_component_attach
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, procedure_data, vn

__all__ = ["clock", "demo", "people", "vn"]

MONDAY = dt.datetime(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def _clean_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def pdf_bytes(pages=1, size=(595, 842), marker=b""):
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size[0], height=size[1])
    if marker:
        writer.add_metadata({"/Title": marker.decode()})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_file(name="giay-to.pdf", pages=1, size=(595, 842), marker=b""):
    return SimpleUploadedFile(name, pdf_bytes(pages, size, marker), content_type="application/pdf")


def png_file(name="anh.png", size=(1240, 1754)):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (250, 250, 250)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def html_file(name="giay-to.pdf"):
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def _publish(**overrides):
    spec = parse_procedure(procedure_data(**overrides)).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


@pytest.fixture
def first_version(demo):
    """A land procedure: a form, a copy of the ID card and the land-use certificate."""
    return _publish(
        code="1.009991",
        name="Đăng ký biến động đất đai (thử nghiệm)",
        sector={"code": "DAT_DAI", "name": "Đất đai"},
        components=[
            {"name": "Đơn đăng ký biến động", "originals": 1, "copies": 0, "required": True,
             "document_type": "TO_KHAI"},
            {"name": "Bản sao căn cước công dân", "originals": 0, "copies": 1, "required": True,
             "document_type": "CCCD"},
            {"name": "Giấy chứng nhận quyền sử dụng đất", "originals": 1, "copies": 0, "required": True,
             "document_type": "GCN_QSDD"},
        ],
    )  # fmt: skip


@pytest.fixture
def second_version(demo):
    """A water procedure of another sector that asks for the ID card and the land-use certificate again."""
    return _publish(
        code="1.009992",
        name="Cấp giấy phép khai thác nước (thử nghiệm)",
        components=[
            {"name": "Đơn đề nghị cấp phép", "originals": 1, "copies": 0, "required": True,
             "document_type": "TO_KHAI"},
            {"name": "Căn cước công dân", "originals": 0, "copies": 1, "required": True,
             "document_type": "CCCD"},
            {"name": "Giấy chứng nhận quyền sử dụng đất của khu vực khai thác", "originals": 0, "copies": 1,
             "required": False, "document_type": "GCN_QSDD"},
        ],
    )  # fmt: skip


def centre():
    return OrgUnit.objects.get(code="H56.40")


def draft(people, version, who="citizen"):
    return s.dossier_create_draft(
        applicant=people[who], procedure_version=version, receiving_point=centre(), address="12 Lê Lợi"
    )


def component(d, document_type):
    return d.components.get(document_type=document_type)


def apply_online(people, version, who="citizen", files=None):
    """A draft with a distinct PDF for each required component, submitted."""
    d = draft(people, version, who)
    for c in d.components.filter(required=True):
        upload = (files or {}).get(c.document_type) or pdf_file(
            f"{c.position}.pdf", marker=f"{who}-{c.pk}".encode()
        )
        dossier_component_attach(dossier=d, actor=people[who], component_id=c.pk, upload=upload)
    return s.dossier_submit(dossier=d, applicant=people[who])


def receive(people, d):
    d.refresh_from_db()
    return s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )


def fresh(d):
    d.refresh_from_db()
    return d
