"""Every place the system accepts an uploaded file over HTTP, driven the way a browser or an API client does.

Each ``EntryPoint`` knows who may post there (``prepare`` signs the right person in and builds what the
page needs: a draft, a dossier awaiting a supplement, a decided dossier with a paper result …), how to post
one file (``post``), whether the answer means "accepted", where the refusal's message is, which rows to
watch, and the limits of its upload (so the oversize sample is exactly one byte too big and the expected
message is the checker's own).

Found by grepping ``check_upload``/``put_blob``/``request.FILES``/``FileField`` across motcua/ (see
docs/operations/uploads.md): the portal (a draft's components, a requested supplement, the data store, the
public verification of a result), the API (a component), the back office (counter intake with scans, a
supplement brought to the counter, a scan from the dossier's data-store page, digitising a paper result,
the plan scorecard's source document and a task's evidence, a payment statement). Catalogue and history
imports are command-line tools (not HTTP uploads): tests/security/test_office_imports.py covers their files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from motcua.accounts.models import User
from motcua.dossiers import services as s
from motcua.org.models import OrgUnit

from .corpus import Part, csv_statement, image, multipart, pdf

MB = 1024 * 1024
DOC_KINDS = ("pdf", "jpeg", "png")

# What Django's own form fields say before our checker is reached (in the site's language, Vietnamese).
DJANGO_EMPTY = "Tập tin được gửi là rỗng."
DJANGO_REQUIRED = "Trường này là bắt buộc."


@dataclass
class Target:
    """What ``prepare`` built: the signed-in client and the objects the post needs."""

    client: Any
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class EntryPoint:
    id: str
    role: str
    limit: int  # bytes
    prepare: Callable[[Any], Target]
    post: Callable[[Target, list[Part]], Any]
    accepted: Callable[[Any], bool]
    family: str = "document"  # "document" (stores what was sent), "signed" (stores a signed copy),
    #                           "verify" (stores nothing), "statement" (a CSV: stores nothing)
    allowed: tuple[str, ...] = DOC_KINDS
    max_pages: int | None = None
    file_field: str = "file"
    api: bool = False
    single_use: bool = False  # an accepted upload moves the dossier on: prepare again for the next one
    file_required: bool = True  # False: the form is valid without the file (a dropped file is no file)
    missing_messages: tuple[str, ...] = (DJANGO_REQUIRED,)
    ignore_models: tuple[str, ...] = ()  # rows a page view writes by design (reads logged, attempts logged)
    display_names: Callable[[], list[str]] | None = None
    positive: Callable[[str], tuple[str, bytes, str]] = field(
        default=lambda marker: (f"{marker}.pdf", pdf(marker=marker), "application/pdf")
    )

    def __str__(self) -> str:
        return self.id


def _post(client: Any, url: str, fields: list[tuple[str, str]], parts: list[Part]) -> Any:
    body, content_type = multipart(fields, parts)
    return client.post(url, data=body, content_type=content_type)


def _redirected(response: Any) -> bool:
    return response.status_code == 302


def _centre() -> OrgUnit:
    return OrgUnit.objects.get(code="H56.40")


def _people() -> dict[str, User]:
    get = User.objects.get
    return {
        "citizen": get(username="congdan.hoa"),
        "officer": get(username="motcua.tinh"),
        "specialist": get(username="chuyenvien.tnmt"),
        "leader": get(username="lanhdao.tnmt"),
        "admin": get(username="quantri.tinh"),
        "tax": get(username="chuyenvien.thue"),
        "head": get(username="truongphong.tnmt"),
    }


def _attach_all(dossier: Any, actor: User) -> None:
    """Real, distinct PDFs for the required components, through the service (so they are blobs)."""
    from motcua.dossiers.services.components import dossier_component_attach

    for c in dossier.components.filter(required=True):
        dossier_component_attach(
            dossier=dossier, actor=actor, component_id=c.pk, upload=pdf(marker=f"setup-{dossier.pk}-{c.pk}")
        )


# --- the portal ----------------------------------------------------------------------------------------------


def _citizen_draft(env: Any) -> Target:
    env.clock(env.vn(2026, 3, 2, 9, 0))
    people = _people()
    dossier = s.dossier_create_draft(
        applicant=people["citizen"],
        procedure_version=env.version,
        receiving_point=_centre(),
        address="12 Lê Lợi",
    )
    client = env.client_for(people["citizen"])
    return Target(client, {"dossier": dossier, "component": dossier.components.order_by("position").first()})


def _awaiting_supplement(env: Any) -> Any:
    """A citizen's dossier taken to "awaiting supplement" by the resolving agency's specialist."""
    people = _people()
    env.clock(env.vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people["citizen"],
        procedure_version=env.version,
        receiving_point=_centre(),
        address="12 Lê Lợi",
    )
    _attach_all(d, people["citizen"])
    d = s.dossier_submit(dossier=d, applicant=people["citizen"])
    env.clock.shift(minutes=30)
    d = s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )
    d = s.dossier_route(dossier=d, officer=people["officer"])
    d = s.dossier_request_supplement(
        dossier=d, actor=people["specialist"], reason="Thiếu sơ đồ", items=["Sơ đồ"]
    )
    env.clock.shift(days=1)
    return d


def _citizen_supplement(env: Any) -> Target:
    d = _awaiting_supplement(env)
    return Target(
        env.client_for(_people()["citizen"]), {"dossier": d, "component": d.components.get(position=3)}
    )


def _post_component(target: Target, parts: list[Part]) -> Any:
    d, c = target.data["dossier"], target.data["component"]
    url = reverse("dossier_component_upload", args=[d.pk])
    return _post(target.client, url, [("component", str(c.pk))], parts)


def _component_names() -> list[str]:
    from motcua.dossiers.models import DossierComponent

    return list(DossierComponent.objects.exclude(original_name="").values_list("original_name", flat=True))


def _wallet(env: Any) -> Target:
    env.clock(env.vn(2026, 3, 2, 9, 0))
    return Target(env.client_for(_people()["citizen"]))


def _post_wallet(target: Target, parts: list[Part]) -> Any:
    fields = [("document_type", "CCCD"), ("title", "Căn cước công dân"), ("number", ""), ("issuer", ""),
              ("issued_on", ""), ("expires_on", "")]  # fmt: skip
    return _post(target.client, reverse("wallet_add"), fields, parts)


def _wallet_names() -> list[str]:
    from motcua.wallet.models import StoredDocument

    return list(StoredDocument.objects.exclude(original_name="").values_list("original_name", flat=True))


def _verify(env: Any) -> Target:
    from django.test import Client

    return Target(Client())  # the public page: nobody signed in


def _post_verify(target: Target, parts: list[Part]) -> Any:
    cache.clear()  # the page is rate-limited per client; each sample is one fresh visitor
    return _post(target.client, reverse("result_verify_upload"), [], parts)


def _verified(response: Any) -> bool:
    """The file was taken in and verified (it cannot be authentic: none of these is a signed result)."""
    verdict = response.context.get("verdict") if response.context else None
    return response.status_code == 200 and verdict is not None


# --- the API -------------------------------------------------------------------------------------------------


def _post_api(target: Target, parts: list[Part]) -> Any:
    d, c = target.data["dossier"], target.data["component"]
    body, content_type = multipart([], parts)
    return target.client.post(
        f"/api/v1/dossiers/{d.pk}/components/{c.pk}", data=body, content_type=content_type
    )


# --- the back office -----------------------------------------------------------------------------------------


def _intake(env: Any) -> Target:
    env.clock(env.vn(2026, 3, 2, 8, 0))
    return Target(env.client_for(_people()["officer"]))


def _post_intake(target: Target, parts: list[Part], extra: Any = ()) -> Any:
    fields = [
        ("point", str(_centre().pk)), ("procedure", "1.009999"), ("channel", "counter"), ("kind", "citizen"),
        ("name", "Trịnh Văn An"), ("personal_id", "038090012345"), ("phone", "0912 000 111"), ("email", ""),
        ("address", "12 Lê Lợi, phường Hạc Thành"), ("provided", "1"), ("provided", "2"), ("note", ""),
        ("pages_1", "1"), *extra,
    ]  # fmt: skip
    return _post(target.client, reverse("backoffice:counter_intake"), fields, parts)


def _staff_supplement(env: Any) -> Target:
    d = _awaiting_supplement(env)
    return Target(
        env.client_for(_people()["officer"]), {"dossier": d, "component": d.components.get(position=3)}
    )


def _post_staff_supplement(target: Target, parts: list[Part]) -> Any:
    d, c = target.data["dossier"], target.data["component"]
    d.refresh_from_db()
    fields = [("supplement-version", str(d.lock_version)), ("supplement-note", "Bổ sung tại quầy"),
              (f"supplement-pages_{c.pk}", "1")]  # fmt: skip
    parts = [replace(p, field=f"supplement-file_{c.pk}") for p in parts]
    return _post(target.client, reverse("backoffice:dossier_supplement", args=[d.pk]), fields, parts)


def _at_intake(env: Any) -> Target:
    people = _people()
    env.clock(env.vn(2026, 3, 2, 9, 0))
    d = s.dossier_create_draft(
        applicant=people["citizen"],
        procedure_version=env.version,
        receiving_point=_centre(),
        address="12 Lê Lợi",
    )
    _attach_all(d, people["citizen"])
    d = s.dossier_submit(dossier=d, applicant=people["citizen"])
    return Target(
        env.client_for(people["officer"]), {"dossier": d, "component": d.components.get(position=3)}
    )


def _post_store_scan(target: Target, parts: list[Part]) -> Any:
    d, c = target.data["dossier"], target.data["component"]
    fields = [("component", str(c.pk)), (f"c{c.pk}-pages", "1")]
    parts = [replace(p, field=f"c{c.pk}-file") for p in parts]
    return _post(target.client, reverse("backoffice:wallet_dossier_scan", args=[d.pk]), fields, parts)


def _decided_paper(env: Any) -> Target:
    from django.core.management import call_command

    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure
    from tests.dossiers.data import procedure_data
    from tests.results.conftest import decided

    call_command("dev_certs", verbosity=0)
    spec = parse_procedure(
        procedure_data(code="1.009998", name="Cấp giấy phép xây dựng (thử nghiệm)", result_type="paper",
                       result_name="Giấy phép xây dựng", result_document_type="GIAY_PHEP_XAY_DUNG")
    ).spec  # fmt: skip
    assert spec is not None
    version = procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )
    d = decided(_people(), version, env.clock, capture=env.capture)
    env.clock.stop()  # sign at the real time (the dev certificates are made now)
    return Target(env.client_for(_people()["officer"]), {"dossier": d})


def _post_digitise(target: Target, parts: list[Part]) -> Any:
    d = target.data["dossier"]
    return _post(target.client, reverse("backoffice:result_digitise", args=[d.pk]),
                 [("pages", "1"), ("valid_until", "")], parts)  # fmt: skip


def _plan(env: Any) -> Target:
    from motcua.reporting.plan_seed import seed_plan_targets

    env.clock(env.vn(2026, 3, 16, 10, 0))
    seed_plan_targets()
    return Target(env.client_for(_people()["admin"]))


def _post_measure(target: Target, parts: list[Part]) -> Any:
    fields = [("series", "value"), ("year", "2025"), ("value", "97,5"), ("source_title", "Báo cáo số 12/BC-UBND"),
              ("source_number", "12/BC-UBND"), ("source_date", "2026-01-15"), ("note", "")]  # fmt: skip
    return _post(target.client, "/can-bo/ke-hoach/T05/nhap/", fields, parts)


def _measure_names() -> list[str]:
    from motcua.reporting.plan_models import Measurement

    return list(Measurement.objects.exclude(file_name="").values_list("file_name", flat=True))


def _plan_task(env: Any) -> Target:
    from motcua.reporting.plan import plan_task_create
    from motcua.reporting.plan_seed import seed_plan_targets

    env.clock(env.vn(2026, 3, 16, 10, 0))
    seed_plan_targets()
    task = plan_task_create(actor=_people()["admin"], unit=OrgUnit.objects.get(code="H56.19"),
                            title="Rà soát thủ tục môi trường", deadline=dt.date(2026, 6, 30))  # fmt: skip
    return Target(env.client_for(_people()["leader"]), {"task": task})


def _post_task_report(target: Target, parts: list[Part]) -> Any:
    fields = [("reported_on", "2026-03-15"), ("progress", "30"), ("status", "in_progress"),
              ("text", "Đã rà soát 3 thủ tục")]  # fmt: skip
    return _post(target.client, reverse("backoffice:plan_task", args=[target.data["task"].pk]), fields, parts)


def _report_names() -> list[str]:
    from motcua.reporting.plan_models import PlanTaskReport

    return list(PlanTaskReport.objects.exclude(evidence_name="").values_list("evidence_name", flat=True))


def _reconcile(env: Any) -> Target:
    env.clock(env.vn(2026, 3, 3, 9, 0))
    return Target(env.client_for(_people()["specialist"]))


def _post_reconcile(target: Target, parts: list[Part]) -> Any:
    fields = [("agency", "H56.19"), ("day", "2026-03-02"), ("gateway", "")]
    return _post(target.client, reverse("backoffice:payment_reconcile"), fields, parts)


def _scan_image(marker: str) -> tuple[str, bytes, str]:
    return f"{marker}.png", image("PNG", marker=marker), "image/png"


ENTRY_POINTS: tuple[EntryPoint, ...] = (
    EntryPoint("portal-draft-component", "citizen", 20 * MB, _citizen_draft, _post_component, _redirected,
               display_names=_component_names,
               missing_messages=("Hãy chọn một tệp PDF, JPEG hoặc PNG để tải lên.",)),
    EntryPoint("portal-supplement-component", "citizen", 20 * MB, _citizen_supplement, _post_component,
               _redirected, display_names=_component_names,
               missing_messages=("Hãy chọn một tệp PDF, JPEG hoặc PNG để tải lên.",)),
    EntryPoint("portal-data-store", "citizen", 20 * MB, _wallet, _post_wallet, _redirected,
               display_names=_wallet_names,
               missing_messages=("Hãy chọn tệp giấy tờ (PDF, JPEG hoặc PNG).",)),
    EntryPoint("portal-verify-result", "anonymous", 25 * MB, _verify, _post_verify, _verified, family="verify",
               allowed=("pdf",), file_field="tep", ignore_models=("results.VerificationLog",)),
    EntryPoint("api-component", "citizen (API)", 20 * MB, _citizen_draft, _post_api,
               lambda r: r.status_code == 200, api=True, display_names=_component_names),
    EntryPoint("backoffice-counter-intake", "one-stop officer", 20 * MB, _intake, _post_intake, _redirected,
               file_field="scan_1", file_required=False, display_names=_component_names),
    EntryPoint("backoffice-counter-supplement", "one-stop officer", 20 * MB, _staff_supplement,
               _post_staff_supplement, _redirected, single_use=True, file_required=False,
               display_names=_component_names),
    EntryPoint("backoffice-store-scan", "one-stop officer", 20 * MB, _at_intake, _post_store_scan, _redirected,
               display_names=_component_names, missing_messages=("Hãy chọn tệp bản quét (PDF, JPEG hoặc PNG).",)),
    EntryPoint("backoffice-digitise-result", "one-stop officer", 25 * MB, _decided_paper, _post_digitise,
               _redirected, family="signed", file_field="scans", max_pages=100, positive=_scan_image,
               missing_messages=("Hãy chọn tệp bản quét kết quả.",)),
    EntryPoint("backoffice-plan-figure", "province admin", 20 * MB, _plan, _post_measure, _redirected,
               file_required=False, display_names=_measure_names),
    EntryPoint("backoffice-plan-task-evidence", "agency leader", 20 * MB, _plan_task, _post_task_report,
               _redirected, file_field="evidence", file_required=False, display_names=_report_names),
    EntryPoint("backoffice-payment-statement", "collecting-unit specialist", 5 * MB, _reconcile, _post_reconcile,
               _redirected, family="statement", file_field="statement",
               positive=lambda marker: ("vnpay-20260302.csv", csv_statement(marker), "text/csv")),
)  # fmt: skip


def entry_point(entry_id: str) -> EntryPoint:
    return next(e for e in ENTRY_POINTS if e.id == entry_id)


# --- reading an answer -----------------------------------------------------------------------------------------


def shown(response: Any, message: str) -> bool:
    """``message`` is in the answer as the user sees it (escaped in a page, as is in an API's JSON)."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return message in json.dumps(body, ensure_ascii=False)
    return escape(message) in response.content.decode()


def api_error(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
