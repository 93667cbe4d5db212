"""The seeded world of the authorization matrix: who is who, and the objects each URL is tried on.

Built once per test module (``world`` in conftest.py) through the real services, the way the dossier,
results, payments, feedback and wallet tests build theirs: the demo organisation, accounts and calendar
(``tests.conftest.seed_people``), three published procedures, dossiers of citizen A in unit X in several
states, one of citizen B in unit Y, one of the business, their files, results, a payment order, PAKN,
data-store documents, notifications and access-ledger entries.

Units: **X** is the provincial chain — received at the one-stop centre H56.40, resolved by Sở Nông nghiệp và
Môi trường H56.19; **Y** is phường Hạc Thành H56.101 (a commune procedure it receives and resolves itself).
Nobody of X sees Y's dossiers and the other way round.

Each object is a dict of URL parameter values (``pk``, ``ref``, ``code``, ``component_id``…) so a rule of
``matrix.py`` fills any parameter by its name; ``MISSING`` holds the same names for objects that do not exist.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

#: Roles of the matrix, in the order reports list them. ``key_x`` is a client system's API key (API rows only).
ROLES: tuple[str, ...] = (
    "anon",
    "citizen_a",
    "citizen_b",
    "business",
    "officer_x",
    "specialist_x",
    "leader_x",
    "officer_y",
    "unassigned",
    "auditor",
    "admin",
)
API_ROLES: tuple[str, ...] = (*ROLES, "key_x")

#: Demo usernames of the roles (tests/dossiers/conftest.py ``people`` names them the same way).
USERNAMES = {
    "citizen_a": "congdan.hoa",  # Lê Thị Hoa, personal ID 038195001234
    "citizen_b": "congdan.binh",  # Nguyễn Văn Bình, personal ID 038088004321
    "business": "2801234564",  # Công ty TNHH Xây dựng Lam Sơn
    "officer_x": "motcua.tinh",  # one-stop officer, H56.40 (X's receiving point)
    "specialist_x": "chuyenvien.tnmt",  # specialist, H56.19 (X's resolving agency)
    "leader_x": "lanhdao.tnmt",  # agency leader, H56.19
    "officer_y": "motcua.hacthanh",  # one-stop officer, H56.101 (Y)
    "auditor": "thanhtra",  # sees everything, acts on nothing
    "admin": "quantri.tinh",  # province administrator (superuser)
}
HEAD_X = "truongphong.tnmt"  # division head of H56.19 (drives A's dossiers through the process)
TAX = "chuyenvien.thue"  # specialist of Thuế tỉnh H56.52 (the inter-agency step)

#: Staff who see dossiers of unit X (received at H56.40, resolved by H56.19), and of unit Y (H56.101).
X_STAFF = frozenset({"officer_x", "specialist_x", "leader_x", "auditor", "admin"})
Y_STAFF = frozenset({"officer_y", "auditor", "admin"})
STAFF_ROLES = frozenset({"officer_x", "specialist_x", "leader_x", "officer_y", "auditor", "admin"})

#: Parameter values naming nothing, per kind of object (same parameter names as the real objects).
MISSING: dict[str, dict[str, Any]] = {
    "dossier": {
        "pk": 987654,
        "ref": "H56.40-260302-9876",
        "component_id": 987654,
        "cccd_id": 987655,
        "key": "receipt",
        "doc": 987654,
    },
    "dossier_y": {
        "pk": 987654,
        "ref": "H56.101-260302-9876",
        "component_id": 987654,
        "cccd_id": 987655,
        "key": "receipt",
        "doc": 987654,
    },
    "unit": {"query": {"unit": "H56.999"}},
    "plan_task": {"pk": 987654},
    "review": {"pk": 987654},
    "plan_file": {"kind": "bao-cao", "pk": 987654},
    "result": {"code": "KQZZZZZZZZZZZZ"},  # well-formed (KQ + 12 of the alphabet), issued to nobody
    "order": {"pk": 987654},
    "feedback": {"pk": 987654, "feedback_id": 987654, "code": "PA260302-9876", "contact": "+84912345678"},
    "document": {"pk": 987654, "document_id": 987654},
    "notification": {"notification_id": 987654, "pk": 987654},
    "run": {"pk": 987654},
    "mismatch": {"pk": 987654},
    "token": {"token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBB"},
}


def vn(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def pdf_upload(name: str = "giay-to.pdf", marker: str = "") -> SimpleUploadedFile:
    """A small valid PDF (the uploads are checked by content)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if marker:
        writer.add_metadata({"/Title": marker})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@dataclass
class World:
    users: dict[str, Any] = field(default_factory=dict)
    #: object key → {"type": …, "owner": role, "seen_by": roles, "secrets": [...], "marks": [...],
    #: <param name>: value, …}. ``secrets``: what a refusal must not show; ``marks``: strings unique to the
    #: object that no page of a role outside ``seen_by`` may show (a list leaking it, say).
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    api_key: str = ""
    procedures: dict[str, str] = field(default_factory=dict)
    #: the moment the checks run at (the clock stays there during the module)
    now: dt.datetime = field(default_factory=lambda: vn(2026, 3, 6, 10, 0))

    def obj(self, key: str) -> dict[str, Any]:
        return self.objects[key]

    def missing(self, key: str) -> dict[str, Any]:
        """Parameter values like ``key``'s, naming nothing (same kind of object)."""
        kind = self.objects[key]["type"]
        return {**MISSING[kind], "type": kind, "params": {}, "missing": True}


# -- building -----------------------------------------------------------------------------------------------


def _publish(**overrides: Any) -> Any:
    from motcua.catalogue.services.procedures import procedure_create, procedure_publish
    from motcua.catalogue.spec import parse_procedure
    from tests.dossiers.data import procedure_data

    spec = parse_procedure(procedure_data(**overrides)).spec
    assert spec is not None
    return procedure_publish(
        actor=None, procedure=procedure_create(actor=None, spec=spec, create_sectors=True)
    )


def _attach_all(dossier: Any, applicant: Any) -> None:
    from motcua.dossiers.services.components import dossier_component_attach

    for component in dossier.components.filter(required=True):
        dossier_component_attach(
            dossier=dossier,
            actor=applicant,
            component_id=component.pk,
            upload=pdf_upload(f"{component.position}.pdf", marker=f"{dossier.pk}-{component.pk}"),
        )


def _submitted(applicant: Any, version: Any, point: Any, commune: Any = None) -> Any:
    from motcua.dossiers import services as s

    draft = s.dossier_create_draft(
        applicant=applicant,
        procedure_version=version,
        receiving_point=point,
        applicant_commune=commune,
        address="12 Lê Lợi",
    )
    _attach_all(draft, applicant)
    return s.dossier_submit(dossier=draft, applicant=applicant)


def _ids(dossier: Any) -> list[int]:
    return list(dossier.components.values_list("pk", flat=True))


#: The official forms an applicant may download, in the order tried for a dossier's ``key``.
APPLICANT_FORMS = ("receipt", "supplement", "refusal", "apology", "stop")


def _dossier(d: Any, *, owner: str, seen_by: frozenset[str], kind: str = "dossier") -> dict[str, Any]:
    """A dossier's parameter values: its id, its code (``ref``: the API takes a draft's id), a component with
    a file, the key of an official form it has, and what a denial must not show (name, personal ID…)."""
    from motcua.dossiers.paperwork import dossier_form_keys

    d.refresh_from_db()
    component = d.components.exclude(file="").order_by("position").first()
    cccd = d.components.filter(document_type="CCCD").first()
    keys = [k for k in APPLICANT_FORMS if k in dossier_form_keys(d)]
    secrets = [d.applicant_name, d.applicant_personal_id or "", d.applicant_tax_code or ""]
    if d.code:
        secrets.append(d.code)
    return {
        "type": kind,
        "owner": owner,
        "pk": d.pk,
        "ref": d.code or str(d.pk),
        "component_id": component.pk if component is not None else 0,
        "cccd_id": cccd.pk if cccd is not None else 0,
        "key": keys[0] if keys else "receipt",
        "status": d.status,
        "seen_by": seen_by | {owner},
        "secrets": [s for s in secrets if s],
        "marks": [d.code] if d.code else [],
        "instance": d,
    }


X_COMPONENTS = [
    {"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": True},
    {"name": "Sơ đồ khu vực khai thác", "originals": 1, "copies": 0, "required": True},
    # An ID card copy the national population database can stand in for (the registry look-up URLs).
    {"name": "Bản sao căn cước", "originals": 0, "copies": 1, "required": False, "document_type": "CCCD"},
]


def build_world(*, capture: Any) -> World:
    """Everything the matrix needs, through the services. ``capture(execute=True)`` runs on-commit work
    (result signing, notifications) as the dossier tests' ``django_capture_on_commit_callbacks`` does."""
    import time_machine

    from motcua.accounts.models import AccountKind, Membership, Role, User
    from motcua.accounts.models_apikeys import API_OPERATIONS
    from motcua.accounts.services_apikeys import apikey_create
    from motcua.catalogue.services.procedures import procedure_review_record
    from motcua.dossiers import services as s
    from motcua.dossiers.services.components import dossier_component_attach
    from motcua.feedback.services import evaluation_link_issue, feedback_submit
    from motcua.integrations.access import dossier_read_record
    from motcua.notifications.models import Notification
    from motcua.org.models import OrgUnit
    from motcua.payments.demo import pay_demo_dossier_at_counter
    from motcua.payments.models_reconcile import ReconciliationMismatch
    from motcua.payments.reconcile import reconcile
    from motcua.payments.services import payment_order_for
    from motcua.reporting import plan_seed
    from motcua.reporting.plan.services import plan_task_create, plan_task_report
    from motcua.results.models import IssuedResult
    from motcua.wallet.services.upload import wallet_upload
    from tests.conftest import seed_people
    from tests.payments.conftest import FEES

    world = World()
    objects = world.objects
    x_seen = X_STAFF | {"key_x"}
    moments = iter([vn(2026, 3, 2, 8, 0), vn(2026, 3, 3, 9, 0)])
    traveller = time_machine.travel(next(moments), tick=False)
    traveller.start()
    try:
        seed_people()
        users: dict[str, Any] = {role: User.objects.get(username=name) for role, name in USERNAMES.items()}
        users["unassigned"] = User.objects.create_user(
            username="canbo.chuaphancong",
            password=None,
            kind=AccountKind.STAFF,
            full_name="Cán bộ chưa phân công",
        )
        users["anon"] = None
        head = User.objects.get(username=HEAD_X)
        tax = User.objects.get(username=TAX)
        x_point = OrgUnit.objects.get(code="H56.40")
        x_agency = OrgUnit.objects.get(code="H56.19")
        y_unit = OrgUnit.objects.get(code="H56.101")

        # A client system's key: its account is a one-stop officer at X's centre AND at Y, the key is limited
        # to X — on Y's dossiers it must answer "not found" although its owner may see them.
        system = User.objects.create_user(
            username="hethong.lgsp", password=None, kind=AccountKind.STAFF, full_name="Hệ thống LGSP"
        )
        for unit in (x_point, y_unit):
            Membership.objects.create(
                user=system, org_unit=unit, role=Role.ONE_STOP_OFFICER, valid_from=dt.date(2025, 7, 1)
            )
        _key, world.api_key = apikey_create(
            owner=system,
            name="Cổng LGSP (ma trận phân quyền)",
            operations=list(API_OPERATIONS),
            units=[x_point, x_agency],
            rate_per_minute=100_000,
            by=users["admin"],
        )
        users["key_x"] = system
        world.users = users

        x_version = _publish(components=X_COMPONENTS)  # 1.009999, H56.19, via the tax office, e-result
        y_version = _publish(
            code="1.008888",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ (thử nghiệm)",
            level="commune",
            agency="commune",
            resolving_unit="applicant_commune",
        )
        fee_version = _publish(code="1.007777", name="Cấp giấy phép có thu phí (thử nghiệm)", fees=FEES)
        world.procedures = {"x": x_version.code, "y": y_version.code, "fee": fee_version.code}

        a, b, biz = users["citizen_a"], users["citizen_b"], users["business"]
        officer, specialist, leader = users["officer_x"], users["specialist_x"], users["leader_x"]

        def received(applicant: Any = a) -> Any:
            d = _submitted(applicant, x_version, x_point)
            return s.dossier_receive(dossier=d, officer=officer, checked_component_ids=_ids(d))

        def signing() -> Any:
            d = s.dossier_route(dossier=received(), officer=officer)
            d = s.dossier_forward(dossier=d, actor=specialist, to_step="LT")
            d = s.dossier_forward(dossier=d, actor=tax, to_step="PD")
            return s.dossier_forward(dossier=d, actor=head, to_step="KY")

        def decided() -> Any:
            return s.dossier_decide(dossier=signing(), actor=leader, decision="approved")

        with capture(execute=True):
            # A's draft: one component uploaded.
            draft = s.dossier_create_draft(applicant=a, procedure_version=x_version, receiving_point=x_point)
            first = draft.components.order_by("position").first()
            dossier_component_attach(dossier=draft, actor=a, component_id=first.pk, upload=pdf_upload())
            objects["a_draft"] = _dossier(draft, owner="citizen_a", seen_by=frozenset())
            # The day's first code (…-0001) is the example the forms show as a placeholder: not an object's.
            _submitted(a, x_version, x_point)
            objects["a_awaiting"] = _dossier(
                _submitted(a, x_version, x_point), owner="citizen_a", seen_by=x_seen
            )
            objects["biz"] = _dossier(_submitted(biz, x_version, x_point), owner="business", seen_by=x_seen)
            objects["a_received"] = _dossier(received(), owner="citizen_a", seen_by=x_seen)
            d = s.dossier_route(dossier=received(), officer=officer)
            objects["a_processing"] = _dossier(d, owner="citizen_a", seen_by=x_seen)
            d = s.dossier_route(dossier=received(), officer=officer)
            d = s.dossier_request_supplement(
                dossier=d, actor=specialist, reason="Thiếu sơ đồ", items=["Sơ đồ"]
            )
            objects["a_supplement"] = _dossier(d, owner="citizen_a", seen_by=x_seen)
            # B's dossier in Y, received by Y's officer.
            d = _submitted(b, y_version, y_unit, commune=y_unit)
            d = s.dossier_receive(dossier=d, officer=users["officer_y"], checked_component_ids=_ids(d))
            objects["b_y"] = _dossier(d, owner="citizen_b", seen_by=Y_STAFF, kind="dossier_y")

        traveller.stop()
        traveller = time_machine.travel(next(moments), tick=False)
        traveller.start()
        with capture(execute=True):
            objects["a_signing"] = _dossier(signing(), owner="citizen_a", seen_by=x_seen)
            ready = decided()
        with capture(execute=True):
            returned = decided()
        with capture(execute=True):
            returned = s.dossier_return_result(dossier=returned, officer=officer, method="counter")
        objects["a_result"] = _dossier(ready, owner="citizen_a", seen_by=x_seen)
        objects["a_returned"] = _dossier(returned, owner="citizen_a", seen_by=x_seen)
        for key, d in (("a_result", ready), ("a_returned", returned)):
            result = IssuedResult.objects.get(dossier=d)
            assert result.status == "valid", result.last_error
            objects[f"{key}_kq"] = {
                "type": "result",
                "owner": "citizen_a",
                "seen_by": x_seen | {"citizen_a"},
                "code": result.code,
                "secrets": [d.applicant_name, d.code],
                "marks": [result.code],
            }

        # Fee-bearing dossiers of A: one with its payment order open, one paid at the counter.
        with capture(execute=True):
            fee_dossier = _submitted(a, fee_version, x_point)
            order = payment_order_for(fee_dossier, actor=a)
            paid = _submitted(a, fee_version, x_point)
            pay_demo_dossier_at_counter(paid, officer)
        assert order is not None
        objects["a_fee"] = _dossier(fee_dossier, owner="citizen_a", seen_by=x_seen)
        objects["a_fee_paid"] = _dossier(paid, owner="citizen_a", seen_by=x_seen)
        paid_order = payment_order_for(paid, actor=officer)
        assert paid_order is not None and paid_order.status == "paid"
        objects["a_paid_order"] = {
            "type": "order",
            "owner": "citizen_a",
            "seen_by": X_STAFF | {"citizen_a"},
            "pk": paid_order.pk,
            "secrets": [paid.applicant_name, paid.code],
        }
        objects["a_fee_order"] = {
            "type": "order",
            "owner": "citizen_a",
            "seen_by": X_STAFF | {"citizen_a"},
            "pk": order.pk,
            "secrets": [fee_dossier.applicant_name, fee_dossier.code],
        }
        # A reconciliation run of X's agency with one mismatch (a statement line no payment matches).
        statement = (
            "txn_ref,gateway_txn_no,amount,paid_at,status\nZZUNKNOWN01,14000099,125000,20260302100000,00\n"
        )
        run = reconcile(statement, dt.date(2026, 3, 2), x_agency, actor=specialist).run
        assert run is not None
        mismatch = ReconciliationMismatch.objects.filter(run=run).first()
        assert mismatch is not None
        runners = frozenset({"specialist_x", "leader_x", "auditor", "admin"})
        objects["x_run"] = {
            "type": "run",
            "owner": "specialist_x",
            "seen_by": runners,
            "pk": run.pk,
            "secrets": [],
        }
        objects["x_mismatch"] = {
            "type": "mismatch",
            "owner": "specialist_x",
            "seen_by": runners,
            "pk": mismatch.pk,
            "secrets": [],
        }

        # The evaluation link of A's returned dossier, issued at X's counter: the token is the credential.
        token = evaluation_link_issue(dossier=returned, actor=officer)
        objects["a_eval_link"] = {
            "type": "token",
            "owner": "citizen_a",
            "seen_by": frozenset(API_ROLES),
            "token": token,
            "reveals": ["a_returned"],  # the link's page names the dossier it rates
            "secrets": [returned.applicant_name, returned.code],
        }

        # PAKN: A's about X's agency (handled by H56.19), B's about Y (handled by H56.101).
        for key, unit, sender, owner, title in (
            ("pakn_x", x_agency, a, "citizen_a", "Chậm trả kết quả (ma trận X)"),
            ("pakn_y", y_unit, b, "citizen_b", "Thái độ phục vụ (ma trận Y)"),
        ):
            f = feedback_submit(
                subject_kind="unit",
                unit=unit,
                title=title,
                content=f"Nội dung phản ánh {key}.",
                sender_name=sender.full_name,
                phone=sender.phone,
                consent=True,
                account=sender,
            )
            # The key's account is an officer of H56.40 and H56.101: it sees neither (H56.19 is not its unit,
            # and Y is outside the key's units).
            handlers = (
                frozenset({"specialist_x", "leader_x", "auditor", "admin"}) if unit == x_agency else Y_STAFF
            )
            objects[key] = {
                "type": "feedback",
                "owner": owner,
                "seen_by": handlers | {owner},
                "pk": f.pk,
                "feedback_id": f.pk,
                "code": f.code,
                "contact": f.sender_phone,
                "secrets": [f.sender_name, f.title],
                "marks": [f.title],
            }

        # The public tracking of A's PAKN with a wrong contact: must answer as for a code that does not exist.
        objects["pakn_x"]["proof"] = True  # with its contact, whoever tracks it proves to be the sender
        objects["pakn_x_wrong"] = {
            **objects["pakn_x"],
            "seen_by": frozenset(),
            "contact": "+84900000000",
            "proof": False,
            "marks": [],
        }

        # Data store: a document each of A, B and the business.
        store_readers = {
            "citizen_a": frozenset({"officer_x", "admin", "key_x"}),
            "citizen_b": frozenset({"officer_y", "admin"}),
            "business": frozenset({"officer_x", "admin", "key_x"}),
        }
        for key, owner in (("doc_a", "citizen_a"), ("doc_b", "citizen_b"), ("doc_biz", "business")):
            doc = wallet_upload(
                actor=users[owner],
                document_type="CCCD",
                title=f"Căn cước ({key})",
                file=pdf_upload(marker=key),
            )
            objects[key] = {
                "type": "document",
                "owner": owner,
                # and the officers who may receive the owner's dossier: its intake offers the store's documents
                "seen_by": frozenset({owner}) | store_readers[owner],
                "pk": doc.pk,
                "document_id": doc.pk,
                "secrets": [doc.title],
                "marks": [doc.title],
            }

        docs = {objects[k]["owner"]: objects[k]["pk"] for k in ("doc_a", "doc_b", "doc_biz")}
        for obj in objects.values():
            if obj["type"] in ("dossier", "dossier_y"):
                obj["doc"] = docs[obj["owner"]]

        # Mixed parameters: A's dossier with a component of B's or with B's stored document, A's draft with
        # both. Whoever
        # may see A's dossier must still be refused what belongs to B.
        objects["a_mixed"] = {
            **objects["a_awaiting"],
            "component_id": objects["b_y"]["component_id"],
            "marks": [],
        }
        objects["a_bdoc"] = {**objects["a_awaiting"], "doc": objects["doc_b"]["pk"], "marks": []}
        objects["a_draft_mixed"] = {
            **objects["a_draft"],
            "component_id": objects["b_y"]["component_id"],
            "doc": objects["doc_b"]["pk"],
            "marks": [],
        }

        # In-app notifications of A and B (the dossier events sent them).
        for key, owner in (("notif_a", "citizen_a"), ("notif_b", "citizen_b")):
            n = Notification.objects.filter(recipient=users[owner]).order_by("pk").first()
            assert n is not None, f"no notification for {key}"
            objects[key] = {
                "type": "notification",
                "owner": owner,
                "seen_by": frozenset({owner, "admin"}),  # and the administrator's delivery log
                "notification_id": n.pk,
                "pk": n.pk,
                "secrets": [n.subject],
                "marks": [n.subject],
            }

        # Units for the scorecard (org units are public: only the role table applies).
        objects["unit_x"] = {
            "type": "unit",
            "owner": "leader_x",
            "public": True,
            "query": {"unit": "H56.19"},
            "seen_by": frozenset({"specialist_x", "leader_x", "auditor", "admin"}),
            "secrets": [],
        }
        objects["unit_y"] = {
            "type": "unit",
            "owner": "officer_y",
            "public": True,
            "query": {"unit": "H56.101"},
            "seen_by": Y_STAFF,
            "secrets": [],
        }
        # The reform plan: a task of X's agency with a progress report and its evidence file, a review of
        # X's procedure (every staff member reads them; province level and the unit's leaders write).
        plan_seed.seed_plan_targets()
        task = plan_task_create(
            actor=users["admin"],
            unit=x_agency,
            title="Số hóa hồ sơ (ma trận)",
            deadline=dt.date(2026, 12, 31),
        )
        report = plan_task_report(
            actor=leader,
            task=task,
            reported_on=dt.date(2026, 3, 3),
            progress=10,
            status="in_progress",
            text="Đã triển khai.",
            upload=pdf_upload("minh-chung.pdf"),
        )
        review = procedure_review_record(
            actor=users["admin"],
            procedure=x_version.procedure,
            reviewed_on=dt.date(2026, 3, 3),
            reviewed_by="Sở NN&MT",
        )
        staff_all = STAFF_ROLES | {"key_x"}  # the key's account is staff: it reads the plan too (API)
        objects["plan_task_x"] = {
            "type": "plan_task",
            "owner": "leader_x",
            "seen_by": staff_all,
            "pk": task.pk,
            "secrets": [],
        }
        objects["review_x"] = {
            "type": "review",
            "owner": "admin",
            "seen_by": staff_all,
            "pk": review.pk,
            "secrets": [],
        }
        objects["plan_evidence"] = {
            "type": "plan_file",
            "owner": "leader_x",
            "seen_by": staff_all,
            "pk": report.pk,
            "params": {"kind": "bao-cao"},
            "secrets": [],
        }

        # Access-ledger entries: X's officer read A's dossier; Y's officer read B's.
        dossier_read_record(user=officer, dossier=objects["a_processing"]["instance"])
        dossier_read_record(user=users["officer_y"], dossier=objects["b_y"]["instance"])
    finally:
        traveller.stop()
    return world
