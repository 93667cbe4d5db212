"""Back-office dossier screens: the dossier tests' procedure, people and clock, plus helpers that drive
dossiers to a given state through the real services."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin
from motcua.org.models import OrgUnit

# The dossier tests' fixtures, shared (importing a fixture into a conftest makes it available here).
from tests.dossiers.conftest import (  # noqa: F401
    clock,
    demo,
    people,
    pin_tax_unit,
    procedure_data,
    staff_user,
    version,
    vn,
)


def centre():
    return OrgUnit.objects.get(code="H56.40")


def upload_all(dossier):
    for component in dossier.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()


def pdf_file(name="scan.pdf", pages=2):
    """A small valid PDF upload (content-checked by ``motcua.core.uploads``)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def html_file(name="scan.pdf"):
    """Not a PDF, whatever its name says."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="application/pdf")


def codes_in(response):
    """The dossier codes listed in a queue page's table."""
    return set(re.findall(r'class="bo-code" href="[^"]+">([^<]+)</a>', response.content.decode()))


def ids(dossier):
    return list(dossier.components.values_list("pk", flat=True))


@pytest.fixture
def make(people, version, clock):  # noqa: F811
    """Dossiers in a given state: ``make("awaiting_intake")``, ``make("processing", name="An")`` …"""

    def build(state, *, applicant=None, at=None, name=None):
        clock(at or vn(2026, 3, 2, 9, 0))
        d = s.dossier_create_draft(
            applicant=applicant or people["citizen"], procedure_version=version, receiving_point=centre()
        )
        if name:
            d.applicant_name = name
            d.save()
        upload_all(d)
        d = s.dossier_submit(dossier=d, applicant=applicant or people["citizen"])
        if state == "awaiting_intake":
            return d
        clock.shift(minutes=30)
        d = s.dossier_receive(dossier=d, officer=people["officer"], checked_component_ids=ids(d))
        if state == "received":
            return d
        d = s.dossier_route(dossier=d, officer=people["officer"])
        if state == "processing":
            return d
        if state == "awaiting_supplement":
            return s.dossier_request_supplement(
                dossier=d, actor=people["specialist"], reason="Thiếu", items=["Sơ đồ"]
            )
        d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
        if state == "inter_agency":
            return d
        d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
        d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
        if state == "signing":
            return d
        d = s.dossier_decide(dossier=d, actor=people["leader"], decision="approved")
        if state == "result_ready":
            return d
        raise ValueError(state)

    return build


@pytest.fixture
def login(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


PASSWORD = DEMO_PASSWORD
