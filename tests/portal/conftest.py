"""Fixtures for the portal's dossier pages: the dossier fixtures (tests/dossiers/conftest.py), a clean cache
for the rate limits, an empty media directory per test, and real PDF / PNG / fake files to upload."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalogue.services.procedures import procedure_create, procedure_publish
from motcua.catalogue.spec import parse_procedure
from motcua.dossiers import services as s
from motcua.dossiers.services.components import dossier_component_attach
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, procedure_data, version, vn

__all__ = ["clock", "demo", "people", "pin_tax_unit", "procedure_data", "version", "vn"]


@pytest.fixture(autouse=True)
def _clean_cache_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_file(name="don-de-nghi.pdf", pages=1):
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def png_file(name="so-do.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def html_as_pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(
        name,
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        content_type="application/pdf",
    )


def media_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def centre():
    return OrgUnit.objects.get(code="H56.40")


def submitted(people, version, who="citizen"):
    """An online dossier with its required components uploaded, submitted through the services."""
    applicant = people[who]
    d = s.dossier_create_draft(
        applicant=applicant, procedure_version=version, receiving_point=centre(), address="12 Lê Lợi"
    )
    for component in d.components.filter(required=True):
        dossier_component_attach(dossier=d, actor=applicant, component_id=component.pk, upload=pdf_file())
    return s.dossier_submit(dossier=d, applicant=applicant)


def received(people, version, clock):
    """A dossier submitted online on Monday 2 March 2026 at 09:00 and received at 10:00."""
    clock(vn(2026, 3, 2, 9, 0))
    d = submitted(people, version)
    clock.shift(hours=1)
    return s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )


@pytest.fixture
def commune_version(demo):
    """A commune-level procedure resolved by the applicant's commune."""
    data = procedure_data(
        code="1.008888",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ (thử nghiệm)",
        level="commune",
        agency="commune",
        resolving_unit="applicant_commune",
    )
    spec = parse_procedure(data).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )
