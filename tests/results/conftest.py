"""Results tests: a temporary certificates folder for the whole session (the dev CA and signers made by
``motcua dev_certs``), the dossier fixtures of tests/dossiers, and a dossier taken to a decision."""

import pytest
from django.core.management import call_command

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin
from motcua.org.models import OrgUnit
from tests.dossiers import conftest as _dossier_fixtures

# The dossier fixtures (demo organisation and accounts, a published procedure, a clock we control).
demo = _dossier_fixtures.demo
people = _dossier_fixtures.people
version = _dossier_fixtures.version
clock = _dossier_fixtures.clock
vn = _dossier_fixtures.vn


@pytest.fixture(scope="session")
def certs_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("certs")


@pytest.fixture(autouse=True)
def _results_settings(settings, certs_dir, tmp_path):
    settings.MOTCUA_CERTS_DIR = str(certs_dir)
    settings.MOTCUA_SIGNERS = {}
    settings.MOTCUA_TRUST_ROOTS = []
    settings.MEDIA_ROOT = str(tmp_path / "media")
    from django.core.cache import cache

    cache.clear()


def upload_all(dossier):
    from django.core.files.base import ContentFile

    for component in dossier.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()


def decided(people, version, clock, *, capture, decision="approved", note="", applicant="citizen"):
    """An online dossier taken through the process to the leader's decision (on-commit work executed)."""
    clock(vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people[applicant],
        procedure_version=version,
        receiving_point=OrgUnit.objects.get(code="H56.40"),
    )
    upload_all(d)
    d = s.dossier_submit(dossier=d, applicant=people[applicant])
    clock.shift(hours=1)
    d = s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )
    d = s.dossier_route(dossier=d, officer=people["officer"])
    clock(vn(2026, 3, 3, 9, 0))
    d = s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
    d = s.dossier_forward(dossier=d, actor=people["tax"], to_step="PD")
    d = s.dossier_forward(dossier=d, actor=people["head"], to_step="KY")
    clock(vn(2026, 3, 4, 9, 0))
    with capture(execute=True):
        d = s.dossier_decide(dossier=d, actor=people["leader"], decision=decision, note=note)
    return d


@pytest.fixture
def dev_certs(demo, certs_dir):
    call_command("dev_certs", verbosity=0)
    return certs_dir


@pytest.fixture
def paper_version(demo):
    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure
    from tests.dossiers.data import procedure_data

    spec = parse_procedure(
        procedure_data(
            code="1.009998",
            name="Cấp giấy phép xây dựng (thử nghiệm)",
            result_type="paper",
            result_name="Giấy phép xây dựng",
            result_document_type="GIAY_PHEP_XAY_DUNG",
        )
    ).spec
    assert spec is not None and spec.result_document_type == "GIAY_PHEP_XAY_DUNG"
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


def png_page(width=1240, height=1754, text="Trang"):
    """A scanned page as PNG (A4 at 150 dpi by default)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).text((100, 100), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_pages(n, *, width=1240, height=1754, dpi=150.0):
    import io

    from PIL import Image

    pages = [Image.new("RGB", (width, height), "white") for _ in range(n)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buffer.getvalue()
