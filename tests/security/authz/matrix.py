"""The authorization table: every URL name → the objects it is tried on and who may use it, per method.

A URL the table does not name fails ``test_every_url_has_a_rule``: a new URL needs a rule here.

Reading a rule
--------------
``get`` / ``post`` / ``put`` / ``delete``: who may (``ALLOW``); every other role must be refused (403,
404, 401, 405, a redirect to sign in, or a redirect back with only an error message). Values:

- a set of roles (``ALL``, ``SIGNED``, ``STAFF``… or one written out);
- ``SEEN``: whoever may see the object (the world's ``seen_by``: the owner and the staff of its unit);
  ``SEEN_STAFF``: the same without the owner and without the API key (staff pages), ``SEEN_STAFF_API``
  with the key; ``HANDLERS`` / ``HANDLERS_API``: the staff who see a PAKN except the read-only auditor;
  ``OWNER``: the object's owner only;
- a dict object key → one of the above, for a URL tried on several objects (``a_mixed``: A's dossier with
  a component of B's; ``a_draft_mixed``: A's draft with B's component and stored document — nobody).

``objects``: the world's objects the URL is tried on (``world.py``); each is also tried as "missing" (the same
parameters naming nothing), and a refusal on an object the role may not see must look like the refusal on
the missing one. ``params``/``query``: fixed values. ``body``: what a POST/PUT sends — a JSON dict for the
API (valid, so the access check is reached), ``form(...)`` for a page; ``"{name}"`` in a value is filled from
the object (``{pk}``, ``{component_id}``…), ``"{user:role}"`` with that role's user id. ``credential``:
the request carries its own proof (a PAKN's code and contact): who sends it knows the object.

``PUBLIC`` lists what is open by design (health, language, sign-in flows, gateways' callbacks, the local
fakes under /sandbox/): requested once anonymously, it must not fail (no 5xx).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .world import ROLES, X_STAFF

ALL = frozenset(ROLES)
ALL_API = ALL | {"key_x"}
SIGNED = ALL - {"anon"}
SIGNED_API = SIGNED | {"key_x"}
PORTAL = frozenset({"citizen_a", "citizen_b", "business"})
STAFF = frozenset({"officer_x", "specialist_x", "leader_x", "officer_y", "auditor", "admin"})
STAFF_API = STAFF | {"key_x"}
NOBODY: frozenset[str] = frozenset()
ADMIN = frozenset({"admin"})
LEADS = frozenset({"leader_x", "auditor", "admin"})  # leads a unit or sees every unit
COUNTERS = frozenset({"officer_x", "officer_y", "admin"})  # one-stop points
SEEN = "seen"
SEEN_STAFF = "seen_staff"
SEEN_STAFF_API = "seen_staff_api"
HANDLERS = "handlers"
HANDLERS_API = "handlers_api"
OWNER = "owner"


def form(**fields: Any) -> dict[str, Any]:
    """A form POST's fields (``multipart/form-data``, as a browser sends them)."""
    return {"__form__": True, **fields}


@dataclass(frozen=True)
class Rule:
    get: Any = None
    post: Any = None
    put: Any = None
    delete: Any = None
    objects: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    upload: bool = False  # send a small PDF as ``file`` (multipart)
    credential: bool = False  # the request carries the proof (code and contact…): whoever sends it knows
    note: str = ""

    def expect(self, method: str) -> Any:
        return {"GET": self.get, "POST": self.post, "PUT": self.put, "DELETE": self.delete}[method]

    def methods(self) -> list[str]:
        return [m for m in ("GET", "POST", "PUT", "DELETE") if self.expect(m) is not None]


R = Rule

X = "1.009999"  # the X procedure's code (tests/dossiers/data.py)

# Published objects of the catalogue and the org chart are public: only the role tables apply to them.
PROC = {"code": X}
#: Bodies of the administration operations: valid (the access check is reached), refused by a rule or
#: harmless for the administrator.
DRAFT_BODY = {
    "name": "Thủ tục thử nghiệm",
    "sector_code": "TAI_NGUYEN_NUOC",
    "level": "province",
    "agency": "H56.19",
    "applicant_types": ["citizen"],
    "time_limit": {"amount": 5, "unit": "working_days"},
}
HOLIDAY_BODY = {"day": "2026-03-08", "name": "Nghỉ", "legal_reference": "QĐ 1"}
SWAP_BODY = {"day_off": "2026-03-09", "make_up_day": "2026-03-09", "notice": "CV 1"}
HOURS_BODY = {"sessions": [{"start": "07:00", "end": "12:00"}, {"start": "11:00", "end": "17:00"}]}
TEMPLATE = {"topic": "dossier.received", "channel": "sms", "language": "vi"}

#: Open by design: requested anonymously once, must answer (no 5xx).
PUBLIC: dict[str, str] = {
    "healthz": "health check",
    "readyz": "readiness check",
    "metrics": "metrics for the scraper: loopback, or MOTCUA_METRICS_TOKEN as a bearer token",
    "set_language": "i18n",
    "accounts:login": "sign-in",
    "accounts:totp_verify": "sign-in (second factor)",
    "accounts:otp_verify": "sign-in (one-time code)",
    "accounts:totp_enrol": "sign-in (authenticator enrolment, from a pending sign-in)",
    "accounts:logout": "sign-out",
    "accounts:password_reset": "password reset",
    "accounts:password_reset_done": "password reset",
    "accounts:password_reset_confirm": "password reset (signed token)",
    "accounts:password_reset_complete": "password reset",
    "payments:vnpay_ipn": "gateway callback (signed)",
    "payments:vnpay_return": "gateway return (display only)",
    "payments:sandbox_vnpay": "local payment gateway fake",
    "registry_sandbox_population": "local registry fake",
    "registry_sandbox_business": "local registry fake",
    "dvcqg_sandbox_root": "local national-portal fake",
    "dvcqg_sandbox": "local national-portal fake",
    "vneid_sandbox_authorize": "local identity-provider fake",
    "vneid_sandbox": "local identity-provider fake",
    "vneid_start": "VNeID sign-in (off in tests)",
    "vneid_callback": "VNeID sign-in (off in tests)",
    "api-v1:openapi-json": "API document",
    "api-v1:openapi-view": "API docs",
    "api-v1:api_root": "API root",
    "api-v1:api-root": "API root",
}
PUBLIC_PARAMS: dict[str, dict[str, str]] = {
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    "registry_sandbox_population": {"personal_id": "999999999999"},
    "registry_sandbox_business": {"tax_code": "9999999999"},
    "dvcqg_sandbox": {"path": "ping"},
    "vneid_sandbox": {"path": "ping"},
}

#: Who may do what at each URL.
MATRIX: dict[str, Rule] = {
    # -- portal: open pages ------------------------------------------------------------------------------
    "home": R(get=ALL),
    "procedure_list": R(get=ALL),
    "procedure_detail": R(get=ALL, params=PROC),
    "working_calendar": R(get=ALL),
    "dossier_status_lookup": R(get=ALL, post=ALL),
    "quality": R(get=ALL),
    "transparency": R(get=ALL),
    "open_data": R(get=ALL),
    "open_data_file": R(get=ALL, params={"dataset": "chat-luong-phuc-vu", "fmt": "json"}),
    "result_verify_upload": R(get=ALL, post=ALL),
    "result_verify": R(get=ALL, objects=("a_result_kq",), note="public verification by the printed code"),
    "feedback_list": R(get=ALL),
    "feedback_send": R(get=ALL, post=ALL),
    "feedback_sent": R(get=ALL),
    "feedback_track": R(get=ALL, post=ALL),
    "feedback_public": R(get=NOBODY, objects=("pakn_x",), note="only published answers"),
    "feedback_vote": R(post=NOBODY, objects=("pakn_x",), note="only published answers"),
    "evaluation_link": R(
        get=ALL, post=ALL, objects=("a_eval_link",), note="the signed link is the credential"
    ),
    # -- portal: signed in -----------------------------------------------------------------------------------
    "accounts:two_factor": R(get=SIGNED - PORTAL, note="staff's second factor; citizens use one-time codes"),
    "inbox": R(
        get=SIGNED,
        post={"notif_a": {"citizen_a"}, "notif_b": {"citizen_b"}},
        objects=("notif_a", "notif_b"),
        body=form(read="{notification_id}"),
    ),
    "notification_channels": R(get=SIGNED, post=SIGNED),
    "dossier_apply": R(get=SIGNED, params=PROC),
    "dossier_apply_details": R(get=SIGNED, post=SIGNED, params=PROC),
    "my_dossiers": R(get=SIGNED),
    "my_dossier": R(get=OWNER, objects=("a_processing", "b_y", "biz")),
    "dossier_draft_details": R(get=OWNER, post=OWNER, objects=("a_draft", "b_y")),
    "dossier_draft_components": R(get=OWNER, objects=("a_draft", "b_y")),
    "dossier_draft_review": R(get=OWNER, post=OWNER, objects=("a_draft", "b_y")),
    "dossier_confirmation": R(get=OWNER, objects=("a_awaiting", "b_y")),
    "dossier_component_upload": R(
        post=OWNER, objects=("a_draft", "b_y"), body=form(component="{component_id}")
    ),
    "dossier_component_download": R(
        get={"a_awaiting": OWNER, "b_y": OWNER, "biz": OWNER, "a_mixed": NOBODY},
        objects=("a_awaiting", "b_y", "biz", "a_mixed"),
    ),
    "my_dossier_form": R(get=OWNER, objects=("a_processing", "b_y")),
    "dossier_supplement_send": R(post=OWNER, objects=("a_supplement", "b_y")),
    "dossier_withdraw": R(post=OWNER, objects=("a_processing", "b_y")),
    "payments:pay_online": R(post=OWNER, objects=("a_fee",)),
    "payments:receipt_pdf": R(get=OWNER, objects=("a_fee_paid",)),
    "wallet_home": R(get=SIGNED),
    "wallet_add": R(get=PORTAL, post=PORTAL, note="staff have no data store: sent back with a message"),
    "wallet_download": R(get=OWNER, objects=("doc_a", "doc_b", "doc_biz")),
    "wallet_remove": R(get=OWNER, post=OWNER, objects=("doc_a", "doc_b")),
    "wallet_reuse": R(
        post={"a_draft": OWNER, "b_y": OWNER, "a_draft_mixed": NOBODY},
        objects=("a_draft", "b_y", "a_draft_mixed"),
        body=form(component="{component_id}", document="{doc}"),
    ),
    "my_results": R(get=SIGNED),
    "my_result_download": R(get=OWNER, objects=("a_result_kq",)),
    "my_access_ledger": R(get=SIGNED),
    "my_access_ledger_csv": R(get=SIGNED),
    "evaluation_dossier": R(get=OWNER, post=OWNER, objects=("a_returned", "b_y")),
    "vneid_link": R(get=NOBODY, post=NOBODY, note="VNeID is off in tests: 404 once signed in"),
    # -- back office ----------------------------------------------------------------------------------------
    "backoffice:dashboard": R(get=STAFF),
    "backoffice:catalogue_list": R(get=STAFF),
    "backoffice:procedure_new": R(get=ADMIN, post=ADMIN),
    "backoffice:procedure_detail": R(get=STAFF, params=PROC),
    "backoffice:procedure_edit": R(get=ADMIN, post=ADMIN, params=PROC),
    "backoffice:procedure_publish": R(post=ADMIN, params=PROC),
    "backoffice:procedure_review": R(post=ADMIN, params=PROC),
    "backoffice:procedure_diff": R(get=STAFF, params=PROC),
    "backoffice:calendar": R(get=ADMIN, post=ADMIN),
    "backoffice:dossier_queue": R(get=STAFF),
    "backoffice:dossier_detail": R(get=SEEN_STAFF, objects=("a_processing", "b_y", "biz", "a_draft")),
    "backoffice:dossier_bulk_assign": R(
        post={"a_processing": {"leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
        body=form(dossier="{pk}", assignee="{user:specialist_x}"),
    ),
    "backoffice:dossier_file": R(
        get={"a_awaiting": SEEN_STAFF, "b_y": SEEN_STAFF, "a_draft": SEEN_STAFF, "a_mixed": NOBODY},
        objects=("a_awaiting", "b_y", "a_draft", "a_mixed"),
    ),
    "backoffice:dossier_receive": R(
        post={"a_awaiting": {"officer_x", "admin"}, "b_y": NOBODY}, objects=("a_awaiting", "b_y")
    ),
    "backoffice:dossier_refuse": R(
        post={"a_awaiting": {"officer_x", "admin"}, "b_y": NOBODY}, objects=("a_awaiting", "b_y")
    ),
    "backoffice:dossier_route": R(
        post={"a_received": {"officer_x", "admin"}, "b_y": {"officer_y", "admin"}},
        objects=("a_received", "b_y"),
    ),
    "backoffice:dossier_assign": R(
        post={"a_processing": {"leader_x", "admin"}, "b_y": NOBODY}, objects=("a_processing", "b_y")
    ),
    "backoffice:dossier_forward": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
    ),
    "backoffice:dossier_send_back": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
    ),
    "backoffice:dossier_request_supplement": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": {"officer_y", "admin"}},
        objects=("a_processing", "b_y"),
    ),
    "backoffice:dossier_supplement": R(
        post={"a_supplement": {"officer_x", "admin"}, "b_y": NOBODY}, objects=("a_supplement", "b_y")
    ),
    "backoffice:dossier_suspend": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
    ),
    "backoffice:dossier_resume": R(post=NOBODY, objects=("a_processing", "b_y"), note="nothing is suspended"),
    "backoffice:dossier_apologise": R(
        post={"a_processing": {"leader_x", "admin"}, "b_y": ADMIN}, objects=("a_processing", "b_y")
    ),
    "backoffice:dossier_decide": R(
        post={"a_signing": {"leader_x", "admin"}, "b_y": NOBODY}, objects=("a_signing", "b_y")
    ),
    "backoffice:dossier_return_result": R(
        post={"a_result": {"officer_x", "admin"}, "b_y": NOBODY}, objects=("a_result", "b_y")
    ),
    "backoffice:dossier_withdraw": R(
        post={"a_processing": {"officer_x", "admin"}, "b_y": {"officer_y", "admin"}},
        objects=("a_processing", "b_y"),
    ),
    "backoffice:dossier_form": R(get=SEEN_STAFF, objects=("a_processing", "b_y")),
    "backoffice:ledger": R(get=COUNTERS),
    "backoffice:counter_intake": R(get=COUNTERS, post=COUNTERS),
    "backoffice:scorecard_province": R(
        get=STAFF, note="who does not see every unit is sent to their unit's page"
    ),
    "backoffice:scorecard_unit": R(get=SEEN_STAFF, objects=("unit_x", "unit_y")),
    "backoffice:scorecard_drilldown": R(
        get=SEEN_STAFF, objects=("unit_x", "unit_y"), query={"figure": "received"}
    ),
    "backoffice:scorecard_ranking_export": R(get={"auditor", "admin"}),
    "backoffice:report_b06": R(get=STAFF),
    "backoffice:report_b06_download": R(get=STAFF),
    "backoffice:risk_queue": R(get=LEADS),
    "backoffice:bottlenecks": R(get=LEADS),
    "backoffice:plan_scorecard": R(get=STAFF),
    "backoffice:plan_tasks": R(get=STAFF),
    "backoffice:plan_task_new": R(get=ADMIN, post=ADMIN),
    "backoffice:plan_task": R(
        get=STAFF, post={"plan_task_x": {"leader_x", "admin"}}, objects=("plan_task_x",)
    ),
    "backoffice:plan_reviews": R(get=STAFF),
    "backoffice:plan_review_cost": R(get=ADMIN, post=ADMIN, objects=("review_x",)),
    "backoffice:plan_file": R(get=STAFF, objects=("plan_evidence",)),
    "backoffice:plan_target": R(get=STAFF, params={"code": "T01"}),
    "backoffice:plan_measure": R(get=ADMIN, post=ADMIN, params={"code": "T01"}),
    "backoffice:payments": R(get=STAFF),
    "backoffice:payment_order": R(get=SEEN_STAFF, objects=("a_fee_order",)),
    "backoffice:payment_record": R(
        post={"a_fee_order": {"officer_x", "specialist_x", "leader_x", "admin"}}, objects=("a_fee_order",)
    ),
    "backoffice:payment_refund": R(
        post={"a_paid_order": {"officer_x", "specialist_x", "leader_x", "admin"}}, objects=("a_paid_order",)
    ),
    "backoffice:payment_dossier": R(get=SEEN_STAFF, objects=("a_fee", "b_y")),
    "backoffice:payment_reconcile": R(
        get=STAFF, post=STAFF - {"auditor"}, note="staff of a unit reconcile their unit's statements"
    ),
    "backoffice:payment_run": R(get=SEEN_STAFF, objects=("x_run",)),
    "backoffice:payment_resolve": R(
        post={"x_mismatch": {"specialist_x", "leader_x", "admin"}},
        objects=("x_mismatch",),
        body=form(**{"m{pk}-note": "Đã đối chiếu."}),
    ),
    "backoffice:wallet_dossier": R(get=SEEN_STAFF, objects=("a_awaiting", "b_y")),
    "backoffice:wallet_dossier_reuse": R(
        post={"a_awaiting": {"officer_x", "admin"}, "b_y": NOBODY, "a_bdoc": NOBODY},
        objects=("a_awaiting", "b_y", "a_bdoc"),
        body=form(component="{cccd_id}", document="{doc}"),
        note="the applicant's own stored document only",
    ),
    "backoffice:wallet_dossier_scan": R(
        post={"a_awaiting": {"officer_x", "admin"}, "b_y": NOBODY},
        objects=("a_awaiting", "b_y"),
        body=form(component="{component_id}"),
    ),
    "backoffice:results": R(get=STAFF),
    "backoffice:result_digitise_find": R(get=STAFF),
    "backoffice:result_digitise": R(
        get=SEEN_STAFF,
        post={"a_result": {"officer_x", "admin"}, "b_y": COUNTERS - {"officer_x"}},
        objects=("a_result", "b_y"),
        body=form(pages="1"),
    ),
    "backoffice:result_detail": R(get=SEEN_STAFF, objects=("a_result_kq",)),
    "backoffice:result_download": R(get=SEEN_STAFF, objects=("a_result_kq",)),
    "backoffice:result_revoke": R(
        post={"a_result_kq": {"leader_x", "admin"}},
        objects=("a_result_kq",),
        body=form(reason="issued_in_error", note=""),
    ),
    "backoffice:result_supersede": R(
        post={"a_result_kq": {"leader_x", "admin"}},
        objects=("a_result_kq",),
        body=form(decision_note="Đính chính lỗi chính tả."),
    ),
    "backoffice:registry_lookup": R(get=STAFF, post=STAFF),
    "backoffice:registry_dossier": R(get=SEEN_STAFF, objects=("a_awaiting", "b_y")),
    "backoffice:registry_component_fetch": R(
        post={"a_awaiting": {"officer_x", "admin"}, "b_y": NOBODY},
        objects=("a_awaiting", "b_y"),
        params={"component_id": "{cccd_id}"},
    ),
    "backoffice:feedback_queue": R(get=STAFF),
    "backoffice:evaluation_kiosk": R(
        get=STAFF,
        post={"a_returned": {"officer_x", "specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_returned", "b_y"),
        body=form(code="{ref}"),
        note="any staff member who sees the returned dossier, not the read-only auditor",
    ),
    "backoffice:feedback_detail": R(get=SEEN_STAFF, objects=("pakn_x", "pakn_y")),
    "backoffice:feedback_route": R(
        post=HANDLERS, objects=("pakn_x", "pakn_y"), body=form(category="behaviour")
    ),
    "backoffice:feedback_refuse": R(
        post=HANDLERS, objects=("pakn_x", "pakn_y"), body=form(reason="Trùng lặp.")
    ),
    "backoffice:feedback_request_info": R(
        post=HANDLERS, objects=("pakn_x", "pakn_y"), body=form(request="Bổ sung thông tin.")
    ),
    "backoffice:feedback_answer": R(
        post=HANDLERS, objects=("pakn_x", "pakn_y"), body=form(answer="Đã xử lý.")
    ),
    "backoffice:feedback_publish": R(post=NOBODY, objects=("pakn_x", "pakn_y"), note="nothing answered yet"),
    "backoffice:feedback_duplicate": R(
        post=HANDLERS, objects=("pakn_x", "pakn_y"), body=form(original="PA1")
    ),
    "backoffice:notif_templates": R(get=ADMIN),
    "backoffice:notif_template_edit": R(
        get=ADMIN, post=ADMIN, params={"topic": "dossier.received", "channel": "sms", "language": "vi"}
    ),
    "backoffice:notif_deliveries": R(get=ADMIN),
    "backoffice:notif_preferences": R(get=ADMIN, post=ADMIN, body=form(user="{user:citizen_a}")),
    "backoffice:notif_my_preferences": R(get=STAFF, post=STAFF),
    "backoffice:dvcqg_monitor": R(get=LEADS),
    "backoffice:dvcqg_update_action": R(post=ADMIN, params={"pk": 1}),
    "backoffice:webhooks_monitor": R(get={"auditor", "admin"}),
    "backoffice:apikey_list": R(get={"auditor", "admin"}),
    "backoffice:webhooks_delivery_retry": R(post=ADMIN, params={"pk": 1}),
    # -- API: open ----------------------------------------------------------------------------------------------
    "api-v1:orgunit_list_api": R(get=ALL_API),
    "api-v1:orgunit_get_api": R(get=ALL_API, params={"code": "H56.19"}),
    "api-v1:procedure_list_api": R(get=ALL_API),
    "api-v1:sector_list_api": R(get=ALL_API),
    "api-v1:procedure_get_api": R(get=ALL_API, params=PROC),
    "api-v1:procedure_versions_api": R(get=ALL_API, params=PROC),
    "api-v1:procedure_version_get_api": R(get=ALL_API, params={**PROC, "number": "1"}),
    "api-v1:calendar_years_api": R(get=ALL_API),
    "api-v1:calendar_due_api": R(get=ALL_API, query={"received": "2026-03-02T09:00", "procedure": X}),
    "api-v1:calendar_year_api": R(get=ALL_API, params={"year": "2026"}),
    "api-v1:kpi766_api": R(get=ALL_API, query={"period": "2026-03"}),
    "api-v1:figures_api": R(get=ALL_API, query={"period": "2026-03"}),
    "api-v1:scorecard_dashboard_api": R(get=SEEN_STAFF_API, objects=("unit_x", "unit_y")),
    "api-v1:scorecard_dossiers_api": R(
        get=SEEN_STAFF_API, objects=("unit_x", "unit_y"), query={"figure": "received"}
    ),
    "api-v1:scorecard_ranking_download_api": R(get={"auditor", "admin"}),
    "api-v1:b06_report_api": R(get=STAFF_API),
    "api-v1:b06_download_api": R(get=STAFF_API),
    "api-v1:early_warning_list_api": R(get=LEADS, note="the key's account leads no unit"),
    "api-v1:early_warning_summary_api": R(get=LEADS),
    "api-v1:bottlenecks_api": R(get=LEADS),
    "api-v1:plan_targets_api": R(get=STAFF_API),
    "api-v1:plan_target_api": R(get=STAFF_API, params={"code": "T01"}),
    "api-v1:plan_tasks_api": R(get=STAFF_API),
    "api-v1:plan_task_api": R(get=STAFF_API, objects=("plan_task_x",), params={"task_id": "{pk}"}),
    "api-v1:plan_task_create_api": R(
        post=ADMIN, body={"unit": "H56.19", "title": "Nhiệm vụ (ma trận)", "deadline": "2026-12-31"}
    ),
    "api-v1:plan_task_report_api": R(
        post={"plan_task_x": {"leader_x", "admin"}},
        objects=("plan_task_x",),
        params={"task_id": "{pk}"},
        body=form(reported_on="2026-03-03", progress="20", status="in_progress", text="Tiến độ (ma trận)"),
    ),
    "api-v1:plan_measurement_api": R(
        post=ADMIN,
        params={"code": "T05"},
        body=form(
            series="value",
            year="2025",
            value="97",
            source_title="Báo cáo (ma trận)",
            source_date="2026-01-15",
        ),
    ),
    "api-v1:plan_measurement_file_api": R(
        get=NOBODY, params={"measurement_id": "987654"}, note="no entered figure with a file in the world"
    ),
    "api-v1:plan_report_evidence_api": R(
        get=STAFF_API, objects=("plan_evidence",), params={"report_id": "{pk}"}
    ),
    "api-v1:plan_reviews_api": R(get=STAFF_API),
    "api-v1:plan_review_cost_api": R(
        put=ADMIN,
        objects=("review_x",),
        params={"review_id": "{pk}"},
        body={"before": {"hours": "2", "wage_rate": 40000}, "after": {"hours": "1", "wage_rate": 40000}},
    ),
    "api-v1:result_verify_code_api": R(get=ALL_API, objects=("a_result_kq",)),
    "api-v1:result_verify_upload_api": R(post=ALL_API, upload=True),
    "api-v1:status_lookup_api": R(
        post=ALL_API,
        objects=("a_awaiting",),
        body={"code": "{ref}", "secret": "5678"},
        note="proved by the code and 4 digits of the applicant's phone",
    ),
    "api-v1:feedback_public_list_api": R(get=ALL_API),
    "api-v1:feedback_submit_api": R(
        post=ALL_API,
        body={
            "subject_kind": "unit",
            "unit_code": "H56.19",
            "title": "Góp ý",
            "content": "Nội dung góp ý.",
            "sender_name": "Người gửi",
            "email": "nguoigui@example.vn",
            "consent": True,
        },
    ),
    "api-v1:feedback_track_api": R(
        post={"pakn_x": ALL_API, "pakn_x_wrong": NOBODY},
        body={"code": "{code}", "contact": "{contact}"},
        objects=("pakn_x", "pakn_x_wrong"),
        credential=True,
        note="proved by code and contact; a wrong contact answers as an unknown code",
    ),
    "api-v1:feedback_public_get_api": R(get=NOBODY, objects=("pakn_x",), note="only published answers"),
    "api-v1:feedback_reply_api": R(
        post=NOBODY,
        objects=("pakn_x", "pakn_x_wrong"),
        body={"contact": "{contact}", "reply": "Bổ sung."},
        credential=True,
        note="proved by code and contact; nothing was asked of the sender yet",
    ),
    "api-v1:feedback_vote_api": R(post=NOBODY, objects=("pakn_x",), body={"vote": "like"}),
    "api-v1:evaluation_link_get_api": R(get=ALL_API, objects=("a_eval_link",)),
    "api-v1:evaluation_link_give_api": R(
        post=ALL_API, objects=("a_eval_link",), body={"satisfaction": "satisfied"}
    ),
    # -- API: signed in or with a key -------------------------------------------------------------------------
    "api-v1:dossier_list_api": R(get=SIGNED_API),
    "api-v1:dossier_create_api": R(post=PORTAL, body={"procedure_code": X, "receiving_point_code": "H56.40"}),
    "api-v1:dossier_get_api": R(get=SEEN, objects=("a_processing", "b_y", "biz", "a_draft")),
    "api-v1:dossier_update_api": R(
        put={"a_draft": {"citizen_a"}, "b_y": NOBODY}, objects=("a_draft", "b_y"), body={"form_data": {}}
    ),
    "api-v1:dossier_component_upload_api": R(
        post={"a_draft": {"citizen_a"}, "b_y": {"officer_y", "admin"}, "a_draft_mixed": NOBODY},
        objects=("a_draft", "b_y", "a_draft_mixed"),
        upload=True,
        note="at intake the receiving point's officer digitises",
    ),
    "api-v1:dossier_submit_api": R(post=OWNER, objects=("a_draft", "b_y"), body={}),
    "api-v1:dossier_supplement_api": R(
        post={"a_supplement": {"citizen_a", "officer_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_supplement", "b_y"),
        body={},
    ),
    "api-v1:dossier_withdraw_api": R(
        post={
            "a_processing": {"citizen_a", "officer_x", "admin", "key_x"},
            "b_y": {"citizen_b", "officer_y", "admin"},
        },
        objects=("a_processing", "b_y"),
        body={"reason": "Không cần nữa."},
    ),
    "api-v1:dossier_receive_api": R(
        post={"a_awaiting": {"officer_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_awaiting", "b_y"),
        body={"checked_component_ids": []},
    ),
    "api-v1:dossier_refuse_api": R(
        post={"a_awaiting": {"officer_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_awaiting", "b_y"),
        body={"reason": "Không đúng thẩm quyền."},
    ),
    "api-v1:dossier_route_api": R(
        post={"a_received": {"officer_x", "admin", "key_x"}, "b_y": {"officer_y", "admin"}},
        objects=("a_received", "b_y"),
        body={},
    ),
    "api-v1:dossier_forward_api": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
        body={"to_step": "LT"},
    ),
    "api-v1:dossier_send_back_api": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
        body={"to_step": "TN", "note": "Xem lại."},
    ),
    "api-v1:dossier_request_supplement_api": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": {"officer_y", "admin"}},
        objects=("a_processing", "b_y"),
        body={"reason": "Thiếu.", "items": ["Sơ đồ"]},
    ),
    "api-v1:dossier_suspend_api": R(
        post={"a_processing": {"specialist_x", "leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
        body={"reason": "Chờ giám định.", "legal_basis": "Điều 1"},
    ),
    "api-v1:dossier_resume_api": R(post=NOBODY, objects=("a_processing", "b_y"), body={}),
    "api-v1:dossier_apologise_api": R(
        post={"a_processing": {"leader_x", "admin"}, "b_y": ADMIN},
        objects=("a_processing", "b_y"),
        body={"reason": "Chậm.", "new_due_at": "2026-03-20T17:00:00+07:00"},
    ),
    "api-v1:dossier_decide_api": R(
        post={"a_signing": {"leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_signing", "b_y"),
        body={"decision": "approved"},
    ),
    "api-v1:dossier_return_api": R(
        post={"a_result": {"officer_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_result", "b_y"),
        body={"method": "counter"},
    ),
    "api-v1:payment_get_api": R(get=SEEN, objects=("a_fee", "b_y")),
    "api-v1:payment_vnpay_api": R(post=OWNER, objects=("a_fee", "b_y")),
    "api-v1:evaluation_get_api": R(get=OWNER, objects=("a_returned", "b_y")),
    "api-v1:evaluation_give_api": R(
        post=OWNER, objects=("a_returned", "b_y"), body={"satisfaction": "satisfied"}
    ),
    "api-v1:evaluation_link_issue_api": R(
        post={"a_returned": {"officer_x", "specialist_x", "leader_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_returned", "b_y"),
        note="any staff member who sees the returned dossier, not the auditor",
    ),
    "api-v1:feedback_tabs_api": R(
        get=STAFF_API | {"unassigned"}, note="counts of the caller's units (none: 0)"
    ),
    "api-v1:feedback_queue_api": R(get=SIGNED_API),
    "api-v1:feedback_staff_get_api": R(get=SEEN_STAFF_API, objects=("pakn_x", "pakn_y")),
    "api-v1:feedback_route_api": R(
        post=HANDLERS_API, objects=("pakn_x", "pakn_y"), body={"category": "behaviour"}
    ),
    "api-v1:feedback_refuse_api": R(
        post=HANDLERS_API, objects=("pakn_x", "pakn_y"), body={"reason": "Trùng."}
    ),
    "api-v1:feedback_request_info_api": R(
        post=HANDLERS_API, objects=("pakn_x", "pakn_y"), body={"request": "Bổ sung."}
    ),
    "api-v1:feedback_answer_api": R(
        post=HANDLERS_API, objects=("pakn_x", "pakn_y"), body={"answer": "Đã xử lý."}
    ),
    "api-v1:feedback_publish_api": R(post=NOBODY, objects=("pakn_x", "pakn_y"), note="nothing answered yet"),
    "api-v1:feedback_duplicate_api": R(
        post=HANDLERS_API, objects=("pakn_x", "pakn_y"), body={"original_code": "PA260101-0001"}
    ),
    "api-v1:my_results_api": R(get=SIGNED_API),
    "api-v1:my_result_file_api": R(get=OWNER, objects=("a_result_kq",)),
    "api-v1:registry_list_api": R(get=SIGNED_API),
    "api-v1:registry_get_api": R(get=SEEN_STAFF_API, objects=("a_result_kq",)),
    "api-v1:registry_file_api": R(get=SEEN_STAFF_API, objects=("a_result_kq",)),
    "api-v1:registry_revoke_api": R(
        post={"a_result_kq": {"leader_x", "admin"}},
        objects=("a_result_kq",),
        body={"reason": "issued_in_error"},
    ),
    "api-v1:registry_supersede_api": R(
        post={"a_result_kq": {"leader_x", "admin"}},
        objects=("a_result_kq",),
        body={"decision_note": "Đính chính."},
    ),
    "api-v1:wallet_list_api": R(get=SIGNED_API),
    "api-v1:wallet_upload_api": R(post=PORTAL, upload=True, body=form(document_type="CCCD")),
    "api-v1:wallet_get_api": R(get=OWNER, objects=("doc_a", "doc_b")),
    "api-v1:wallet_file_api": R(get=OWNER, objects=("doc_a", "doc_b")),
    "api-v1:wallet_remove_api": R(delete=OWNER, objects=("doc_a", "doc_b")),
    "api-v1:wallet_access_log_api": R(get=SIGNED_API),
    "api-v1:reuse_offers_api": R(get=SEEN, objects=("a_draft", "b_y"), note="staff outside intake get none"),
    "api-v1:reuse_api": R(
        post={"a_draft": OWNER, "b_y": OWNER, "a_draft_mixed": NOBODY},
        objects=("a_draft", "b_y", "a_draft_mixed"),
        params={"component_id": "{component_id}"},
        body={"document_id": "{doc}"},
    ),
    "api-v1:inbox_api": R(get=SIGNED_API),
    "api-v1:unread_count_api": R(get=SIGNED_API),
    "api-v1:read_all_api": R(post=SIGNED_API),
    "api-v1:preferences_get_api": R(get=SIGNED_API),
    "api-v1:preferences_set_api": R(put=SIGNED_API, body={"accepted": []}),
    "api-v1:read_one_api": R(post=OWNER, objects=("notif_a", "notif_b")),
    # -- API: the back office's administration (catalogue editing, calendar, notifications, DVCQG) --------
    "api-v1:procedure_draft_list_api": R(get=STAFF_API),
    "api-v1:procedure_draft_create_api": R(post=ADMIN, body={**DRAFT_BODY, "code": "1.006666"}),
    "api-v1:procedure_draft_get_api": R(get=STAFF_API, params=PROC),
    "api-v1:procedure_draft_update_api": R(put=ADMIN, params=PROC, body=DRAFT_BODY),
    "api-v1:procedure_publish_api": R(post=ADMIN, params=PROC, body={}, note="unchanged: 409 for the admin"),
    "api-v1:procedure_review_api": R(
        post=ADMIN, params=PROC, body={"reviewed_on": "2026-03-02", "reviewed_by": "Sở Tư pháp"}
    ),
    "api-v1:procedure_compare_api": R(get=STAFF_API, params=PROC),
    "api-v1:calendar_admin_days_api": R(get=ADMIN, params={"year": "2026"}),
    "api-v1:calendar_holiday_add_api": R(post=ADMIN, body=HOLIDAY_BODY, note="a Sunday: 422 for the admin"),
    "api-v1:calendar_holiday_impact_api": R(post=ADMIN, body=HOLIDAY_BODY),
    "api-v1:calendar_swap_add_api": R(post=ADMIN, body=SWAP_BODY, note="the same day twice: 422"),
    "api-v1:calendar_swap_impact_api": R(post=ADMIN, body=SWAP_BODY),
    "api-v1:calendar_day_remove_api": R(
        delete=ADMIN, params={"day": "2026-01-01"}, note="a library day: 422 for the admin"
    ),
    "api-v1:working_hours_list_api": R(get=ADMIN),
    "api-v1:working_hours_set_api": R(put=ADMIN, body=HOURS_BODY, note="overlapping sessions: 422"),
    "api-v1:working_hours_remove_api": R(
        delete=NOBODY, params={"hours_id": "987654"}, note="no schedule id is known to the matrix"
    ),
    "api-v1:deadline_impact_api": R(get=ADMIN),
    "api-v1:deadlines_recompute_api": R(post=ADMIN, body={"items": [{"provider": "x", "key": "y"}]}),
    "api-v1:calendar_audit_api": R(get=ADMIN),
    "api-v1:notif_template_list_api": R(get=ADMIN),
    "api-v1:notif_template_get_api": R(get=ADMIN, params=TEMPLATE),
    "api-v1:notif_template_save_api": R(put=ADMIN, params=TEMPLATE, body={"body": "Hồ sơ {{ code }}."}),
    "api-v1:notif_template_reset_api": R(delete=ADMIN, params=TEMPLATE),
    "api-v1:notif_template_preview_api": R(post=ADMIN, params=TEMPLATE, body={"body": "Hồ sơ {{ code }}."}),
    "api-v1:notif_delivery_log_api": R(get=ADMIN),
    "api-v1:notif_user_search_api": R(get=ADMIN, query={"q": "a"}),
    "api-v1:notif_user_preferences_get_api": R(get=ADMIN, params={"user_id": "{user:citizen_a}"}),
    "api-v1:notif_user_preferences_set_api": R(
        put=ADMIN, params={"user_id": "{user:citizen_a}"}, body={"accepted": {"dossier": ["email"]}}
    ),
    "api-v1:dvcqg_status_api": R(get=LEADS),
    "api-v1:dvcqg_failures_api": R(get=LEADS),
    "api-v1:dvcqg_shares_api": R(get=LEADS),
    "api-v1:dvcqg_messages_api": R(get=LEADS),
    "api-v1:dvcqg_update_retry_api": R(
        post=NOBODY, params={"update_id": "987654"}, note="no failed update in the world"
    ),
    "api-v1:dvcqg_update_skip_api": R(
        post=NOBODY, params={"update_id": "987654"}, note="no failed update in the world"
    ),
    "api-v1:queue_list_api": R(get=STAFF_API | {"unassigned"}, note="the caller's queues (none: empty)"),
    "api-v1:queue_page_api": R(
        get=SIGNED_API, params={"queue": "all"}, note="the caller's dossiers (none: empty)"
    ),
    "api-v1:component_file_api": R(
        get={"a_awaiting": SEEN, "b_y": SEEN, "a_draft": SEEN, "a_mixed": NOBODY},
        objects=("a_awaiting", "b_y", "a_draft", "a_mixed"),
    ),
    "api-v1:form_list_api": R(get=SEEN, objects=("a_processing", "b_y")),
    "api-v1:form_pdf_api": R(get=SEEN, objects=("a_processing", "b_y")),
    # -- API: the counter, assignment, the ledger, back-office payments, registries (issue #10 part 2) ---------
    "api-v1:counter_points_api": R(get=STAFF_API | {"unassigned"}, note="the caller's points (none: empty)"),
    "api-v1:counter_offers_api": R(
        post=COUNTERS - {"officer_y"} | {"key_x"},
        body={"procedure_code": X, "receiving_point_code": "H56.40", "personal_id": "038195001234"},
        note="at one of the caller's one-stop points; the look is logged in A's access ledger",
    ),
    "api-v1:counter_intake_api": R(
        post=COUNTERS - {"officer_y"} | {"key_x"},
        body=form(
            procedure_code=X,
            receiving_point_code="H56.40",
            name="Trịnh Văn An",
            personal_id="038090012345",
            provided=["1", "2"],
        ),
        note="a paper dossier received at X's centre: its one-stop officers",
    ),
    "api-v1:component_scan_api": R(
        post={"a_awaiting": {"officer_x", "admin", "key_x"}, "b_y": {"officer_y", "admin"}},
        objects=("a_awaiting", "b_y"),
        upload=True,
        body=form(pages="1"),
        note="the one-stop officer of a dossier at intake digitises a component",
    ),
    "api-v1:result_scan_api": R(
        post={"a_result": {"officer_x", "admin", "key_x"}, "b_y": {"officer_y", "admin"}},
        objects=("a_result", "b_y"),
        body=form(pages="1"),
        note="the receiving point's officers; no scan sent, so they get the rule's 400 (nothing stored)",
    ),
    "api-v1:assignees_api": R(
        get={"a_processing": {"leader_x", "admin"}, "b_y": NOBODY}, objects=("a_processing", "b_y")
    ),
    "api-v1:assign_api": R(
        post={"a_processing": {"leader_x", "admin"}, "b_y": NOBODY},
        objects=("a_processing", "b_y"),
        body={"assignee_id": "{user:specialist_x}"},
    ),
    "api-v1:bulk_assignees_api": R(get=STAFF_API | {"unassigned"}, note="the staff of the units I lead"),
    "api-v1:bulk_assign_api": R(
        post={"leader_x"},
        body={"dossiers": ["H56.40-260302-9876"], "assignee_id": "{user:specialist_x}"},
        note="a code naming nothing: listed not found; who leads no unit has nobody to assign to (422)",
    ),
    "api-v1:ledger_api": R(get=COUNTERS | {"key_x"}, note="form 07 of the caller's one-stop point"),
    "api-v1:ledger_pdf_api": R(get=COUNTERS | {"key_x"}),
    "api-v1:payment_orders_api": R(get=STAFF_API | {"unassigned"}, query={"day": "2026-03-03"}),
    "api-v1:payment_totals_api": R(get=STAFF_API | {"unassigned"}, query={"day": "2026-03-03"}),
    "api-v1:payment_orders_csv_api": R(get=STAFF_API | {"unassigned"}, query={"day": "2026-03-03"}),
    "api-v1:payment_order_api": R(
        get={"a_fee_order": X_STAFF | {"key_x"}},
        objects=("a_fee_order",),
        params={"order_id": "{pk}"},
        note="the key's account is a one-stop officer of the centre that received the dossier",
    ),
    "api-v1:payment_record_api": R(
        post={"a_fee_order": {"officer_x", "specialist_x", "leader_x", "admin", "key_x"}},
        objects=("a_fee_order",),
        params={"order_id": "{pk}"},
        body={"channel": "counter", "amount": 125000, "receipt_number": "AA/26E-0000777"},
    ),
    "api-v1:payment_refund_api": R(
        post={"a_paid_order": {"officer_x", "specialist_x", "leader_x", "admin", "key_x"}},
        objects=("a_paid_order",),
        params={"order_id": "{pk}"},
        body={"reason": "Nộp nhầm."},
    ),
    "api-v1:reconciliation_list_api": R(
        get=STAFF_API | {"unassigned"}, note="the runs of the caller's units"
    ),
    "api-v1:reconciliation_create_api": R(
        post={"specialist_x", "leader_x", "admin"},
        upload=True,
        body=form(agency="H56.19", day="2026-03-02"),
        note="staff of the collecting unit; a PDF is no statement (422)",
    ),
    "api-v1:reconciliation_get_api": R(get=SEEN_STAFF_API, objects=("x_run",), params={"run_id": "{pk}"}),
    "api-v1:mismatch_resolve_api": R(
        post={"x_mismatch": {"specialist_x", "leader_x", "admin"}},
        objects=("x_mismatch",),
        params={"mismatch_id": "{pk}"},
        body={"note": "Đã đối chiếu."},
    ),
    "api-v1:registry_lookup_api": R(
        post=STAFF_API, body={"key": "038195001234", "purpose": "Xác minh"}, note="logged in A's ledger"
    ),
    "api-v1:counter_lookup_api": R(
        post=COUNTERS - {"officer_y"} | {"key_x"},
        body={"receiving_point_code": "H56.40", "personal_id": "038195001234"},
    ),
    "api-v1:registry_components_api": R(get=SEEN_STAFF_API, objects=("a_awaiting", "b_y")),
    "api-v1:registry_fetch_api": R(
        post={"a_awaiting": {"officer_x", "admin", "key_x"}, "b_y": NOBODY},
        objects=("a_awaiting", "b_y"),
        params={"component_id": "{cccd_id}"},
        note="only who may change the components now: refused staff trigger no registry read",
    ),
}

#: A handful of the Django admin's URLs: administrators only (superusers; agency administrators get their
#: own models, not tried here).
ADMIN_URLS = (
    "/quan-tri/",
    "/quan-tri/accounts/user/",
    "/quan-tri/org/orgunit/",
    "/quan-tri/accounts/user/{citizen_a}/change/",
    "/quan-tri/core/auditevent/",
)
