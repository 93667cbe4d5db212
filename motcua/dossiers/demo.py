"""Demo dossiers in every state, so a newcomer's `make run` shows living queues (idempotent).

They are made through the real services, as a counter officer or an applicant would, and moved along the
published demo processes by whichever demo officer holds each step. All are received "now": their history
is the seed run's, and none of them is late yet.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from motcua.accounts.models import User
from motcua.catalogue.models import Procedure
from motcua.org.models import OrgUnit

from .access import current_step, dossier_can
from .models import Dossier
from .procedure import procedure_spec
from .process import is_decision_action, next_targets
from .services import (
    dossier_create_draft,
    dossier_decide,
    dossier_forward,
    dossier_receive,
    dossier_receive_at_counter,
    dossier_request_supplement,
    dossier_return_result,
    dossier_route,
    dossier_submit,
    dossier_withdraw,
)
from .services.components import dossier_component_attach
from .services.intake import CounterApplicant
from .status import DossierAction

DEMO_MARK = "demo"
Payer = Callable[[Dossier, User], None]
STAFF = ["chuyenvien.tnmt", "chuyenvien.thue", "truongphong.tnmt", "lanhdao.tnmt", "lanhdao.hacthanh",
         "motcua.tinh", "motcua.hacthanh"]  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    procedure: str
    point: str  # receiving point code
    applicant: str  # demo username, or "" for a walk-in applicant without an account
    online: bool
    target: (
        str  # awaiting_intake | received | processing:N | supplement:N | result_ready | returned | stopped
    )


SCENARIOS = (
    Scenario(
        "1.013831", "H56.40", "", False, "processing:1"
    ),  # land transfer, at the tax office (inter-agency)
    Scenario("1.012786", "H56.40", "038195001234", True, "awaiting_intake"),
    Scenario("1.012783", "H56.40", "", False, "received"),
    Scenario("1.012784", "H56.40", "", False, "supplement:0"),
    Scenario("1.012786", "H56.40", "2801234564", True, "result_ready"),
    Scenario("1.013831", "H56.40", "038088004321", False, "processing:0"),
    Scenario("1.001193", "H56.101", "038195001234", False, "returned"),
    Scenario("1.004873", "H56.101", "038088004321", True, "awaiting_intake"),
    Scenario("1.000656", "H56.101", "", False, "processing:1"),
    Scenario("1.012786", "H56.40", "038088004321", True, "stopped"),
    # A copy of a birth certificate, applied for online with the ID card uploaded: the signed electronic
    # result and the ID card land in the applicant's data store (issue 7).
    Scenario("2.000635", "H56.101", "038195001234", True, "returned"),
)
WALK_IN = CounterApplicant(kind="citizen", name="Trịnh Văn An", personal_id="038090012345", phone="0912000111",
                           address="Số 8 phố Hàng Than, phường Hạc Thành, tỉnh Thanh Hóa")  # fmt: skip


def _pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("giay-to.pdf", buffer.getvalue(), content_type="application/pdf")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _applicant(key: str) -> User:
    """A demo applicant by personal ID (a citizen's username is not it) or by tax code (a business's)."""
    return User.objects.filter(personal_id=key).first() or _user(key)


def _holder(dossier: Dossier) -> User:
    for username in STAFF:
        user = _user(username)
        if dossier_can(user, dossier, DossierAction.FORWARD) or dossier_can(
            user, dossier, DossierAction.DECIDE
        ):
            return user
    raise RuntimeError(f"no demo officer holds the open step of {dossier.code}")


def _step_forward(dossier: Dossier) -> Dossier:
    """Move on to the first step not visited yet (never back), or decide when only a decision is left."""
    step = current_step(dossier)
    if step is None:
        raise RuntimeError(f"{dossier.code} has no open step")
    actor = _holder(dossier)
    spec_targets = next_targets(dossier, step, actor=actor)
    spec = procedure_spec(dossier.procedure_version)
    visited = set(dossier.steps.values_list("step_code", flat=True))
    onward = [a for a in spec_targets if not is_decision_action(spec, a) and a.to_step not in visited]
    if onward:
        return dossier_forward(
            dossier=dossier, actor=actor, to_step=onward[0].to_step, note="Đã xử lý xong bước này."
        )
    return dossier_decide(dossier=dossier, actor=actor, decision="approved", note="Đủ điều kiện giải quyết.")


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def _start(s: Scenario) -> Dossier:
    version = Procedure.objects.get(code=s.procedure).current_version
    if version is None:
        raise RuntimeError(f"demo procedure {s.procedure} is not published")
    point = OrgUnit.objects.get(code=s.point)
    commune = OrgUnit.objects.get(code="H56.101")
    officer = _user("motcua.hacthanh" if s.point == "H56.101" else "motcua.tinh")
    if s.online:
        applicant = _applicant(s.applicant)
        draft = dossier_create_draft(applicant=applicant, procedure_version=version, receiving_point=point,
                                     applicant_commune=commune, form_data={DEMO_MARK: True},
                                     address="Phường Hạc Thành, tỉnh Thanh Hóa")  # fmt: skip
        for component in draft.components.filter(required=True):
            dossier_component_attach(dossier=draft, actor=applicant, component_id=component.pk, upload=_pdf())
        return dossier_submit(dossier=_fresh(draft), applicant=applicant)
    if s.applicant:
        account = _applicant(s.applicant)
        who = CounterApplicant(
            kind=account.kind, name=account.full_name, personal_id=account.personal_id or "",
            tax_code=account.tax_code or "", phone=account.phone, email=account.email, account=account,
            commune=commune,
        )  # fmt: skip
    else:
        who = replace(WALK_IN, commune=commune)
    spec_components = version.snapshot.get("components", [])
    return dossier_receive_at_counter(
        officer=officer, receiving_point=point, procedure_version=version, applicant=who,
        provided_positions=range(1, len(spec_components) + 1), form_data={DEMO_MARK: True},
    )  # fmt: skip


def _advance(d: Dossier, s: Scenario, pay: Payer | None = None) -> None:
    officer = _user("motcua.hacthanh" if s.point == "H56.101" else "motcua.tinh")
    kind, _sep, count = s.target.partition(":")
    if kind in ("awaiting_intake", "received"):
        return
    if kind == "stopped":
        dossier_withdraw(
            dossier=_fresh(d), actor=_applicant(s.applicant), reason="Tôi không còn nhu cầu giải quyết."
        )
        return
    if d.status == "awaiting_intake":
        d = dossier_receive(
            dossier=d, officer=officer, checked_component_ids=d.components.values_list("pk", flat=True)
        )
    if pay is not None and _fresh(d).fee_status == "unpaid":
        pay(_fresh(d), officer)
    d = dossier_route(dossier=_fresh(d), officer=officer)
    steps = int(count) if count else 20
    for _ in range(steps):
        if _fresh(d).status != "processing":
            break
        d = _step_forward(_fresh(d))
    if kind == "supplement":
        holder = _holder(_fresh(d))
        dossier_request_supplement(dossier=_fresh(d), actor=holder, reason="Thiếu bản vẽ sơ đồ thửa đất.",
                                   items=["Sơ đồ thửa đất có xác nhận của đơn vị đo đạc"])  # fmt: skip
    if kind == "returned":
        dossier_return_result(dossier=_fresh(d), officer=officer, method="counter")


@transaction.atomic
def seed_demo_dossiers(pay: Payer | None = None) -> int:
    """Create the demo dossiers once, all or none; returns how many were created (0 when they exist).

    ``pay(dossier, officer)`` records a fee paid at the counter (the payments app, above this one), so a
    dossier whose process waits for the fee can go on."""
    if Dossier.objects.filter(form_data__demo=True).exists():
        return 0
    created = 0
    for scenario in SCENARIOS:
        _advance(_start(scenario), scenario, pay)
        created += 1
    return created
