"""Bad input to the API: a clear ``{code, message}`` with the right status, nothing changed, the attempt logged.

Each case goes to a state-changing endpoint (apply for a dossier, submit a draft) through the Django test
client. "Nothing changed" is the number of dossiers, events and audit rows and the draft's state and version;
"logged" is one warning of ``motcua.api`` naming the method, path, status and code — and never the body.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from motcua.api import errors
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent
from tests.portal.conftest import pdf_file

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers"
ADDRESS = "Số 12 phố Lê Lợi"  # stands for personal data: it must never reach the log
GOOD = {"procedure_code": "1.009999", "receiving_point_code": "H56.40", "address": ADDRESS}


@pytest.fixture
def citizen(client: Client, people: dict[str, Any], version: Any) -> Client:
    client.force_login(people["citizen"])
    return client


@pytest.fixture
def draft(citizen: Client) -> Dossier:
    response = citizen.post(BASE, GOOD, content_type="application/json")
    assert response.status_code == 201, response.content
    return Dossier.objects.get(pk=response.json()["id"])


def state(draft: Dossier | None = None) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    counts = (Dossier.objects.count(), DossierEvent.objects.count(), AuditEvent.objects.count())
    if draft is None:
        return counts
    fresh = Dossier.objects.get(pk=draft.pk)
    return (*counts, fresh.status, fresh.lock_version, fresh.applicant_address, fresh.form_data)


def refused(response: Any, status: int, code: str, caplog: Any) -> dict[str, Any]:
    """The answer is JSON ``{code, message}`` with ``status``, and one warning logged it without the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and body["message"], body
    assert "Traceback" not in response.content.decode()
    lines = [r.getMessage() for r in caplog.records if r.name == "motcua.api"]
    wanted = f"{response.wsgi_request.method} {response.wsgi_request.path} -> {status} {code}"
    assert any(wanted in line for line in lines), lines
    assert not any(ADDRESS in r.getMessage() for r in caplog.records)
    return body


@pytest.fixture(autouse=True)
def _capture(caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="motcua.api")


# -- the body ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b'{"procedure_code": "1.009999", "receiving_point_code": ',  # cut short
        b"{'procedure_code': '1.009999'}",  # not JSON quoting
        b'{"procedure_code": "1.009999", "receiving_point_code": "H56.40", "form_data": {"x": NaN}}',
        b"\xff\xfe{}",  # not UTF-8
    ],
)
def test_a_body_that_is_not_json_is_refused_with_400(citizen: Client, caplog: Any, raw: bytes) -> None:
    before = state()
    body = refused(citizen.post(BASE, raw, content_type="application/json"), 400, "json_invalid", caplog)
    assert body["message"] == "Nội dung gửi lên không phải JSON hợp lệ."
    assert state() == before


def test_wrong_types_are_refused_with_422_and_the_fields_named(citizen: Client, caplog: Any) -> None:
    before = state()
    wrong = {**GOOD, "procedure_code": 1009999, "form_data": "not an object"}
    body = refused(citizen.post(BASE, wrong, content_type="application/json"), 422, "request_invalid", caplog)
    assert body["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert {tuple(e["loc"]) for e in body["errors"]} == {
        ("body", "payload", "procedure_code"),
        ("body", "payload", "form_data"),
    }
    assert state() == before


def test_an_unknown_field_is_refused_not_ignored(citizen: Client, draft: Dossier, caplog: Any) -> None:
    """A misspelt ``expected_version`` must not pass for an absent one (which would skip the check)."""
    before = state(draft)
    response = citizen.post(
        f"{BASE}/{draft.pk}/submit", {"expected_versoin": 0}, content_type="application/json"
    )
    body = refused(response, 422, "request_invalid", caplog)
    assert body["errors"][0]["type"] == "extra_forbidden"
    assert body["errors"][0]["loc"] == ["body", "payload", "expected_versoin"]
    assert state(draft) == before


def test_a_body_that_is_not_an_object_is_refused(citizen: Client, draft: Dossier, caplog: Any) -> None:
    before = state(draft)
    response = citizen.put(f"{BASE}/{draft.pk}", [1, 2], content_type="application/json")
    refused(response, 422, "request_invalid", caplog)
    assert state(draft) == before


def test_an_oversized_body_is_refused_with_413_before_it_is_read(
    citizen: Client, caplog: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    before = state()
    big = {**GOOD, "form_data": {"noi_dung_de_nghi": "x" * 4096}}
    body = refused(citizen.post(BASE, big, content_type="application/json"), 413, "body_too_large", caplog)
    assert body["message"].replace("\xa0", " ") == "Nội dung gửi lên quá lớn: tối đa 2,0 KB."
    assert state() == before


def test_an_oversized_upload_is_refused_with_413(
    citizen: Client, draft: Dossier, caplog: Any, settings: Any
) -> None:
    from motcua.api.middleware import MULTIPART_ENVELOPE

    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    component = draft.components.first()
    before = state(draft)
    upload = pdf_file()
    upload.file.write(b"0" * (MULTIPART_ENVELOPE + 2048))
    upload.file.seek(0)
    response = citizen.post(f"{BASE}/{draft.pk}/components/{component.pk}", {"file": upload})
    refused(response, 413, "body_too_large", caplog)
    assert state(draft) == before
    assert not Dossier.objects.get(pk=draft.pk).components.get(pk=component.pk).provided


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("text/plain", json.dumps(GOOD)),
        ("application/x-www-form-urlencoded", "procedure_code=1.009999&receiving_point_code=H56.40"),
        ("application/xml", "<draft><procedure_code>1.009999</procedure_code></draft>"),
    ],
)
def test_a_body_in_another_media_type_is_refused_with_415(
    citizen: Client, caplog: Any, content_type: str, data: str
) -> None:
    before = state()
    response = citizen.post(BASE, data, content_type=content_type)
    body = refused(response, 415, "media_type_unsupported", caplog)
    assert content_type in body["message"] and "application/json" in body["message"]
    assert state() == before


def test_an_upload_must_be_multipart(citizen: Client, draft: Dossier, caplog: Any) -> None:
    component = draft.components.first()
    before = state(draft)
    response = citizen.post(
        f"{BASE}/{draft.pk}/components/{component.pk}", {"file": "JVBERi0="}, content_type="application/json"
    )
    body = refused(response, 415, "media_type_unsupported", caplog)
    assert "multipart/form-data" in body["message"]
    assert state(draft) == before


# -- the request line and the caller -------------------------------------------------------------------


def test_a_method_the_path_does_not_take_is_405_json(citizen: Client, caplog: Any) -> None:
    before = state()
    response = citizen.delete(BASE)
    refused(response, 405, "method_not_allowed", caplog)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert state() == before


@pytest.mark.parametrize("path", ["/api/v1/khong-co", "/api/v1/dossiers/1/nope", "/api/v2/dossiers"])
def test_an_unknown_api_path_is_404_json_not_a_page(client: Client, caplog: Any, path: str) -> None:
    body = refused(client.post(path, GOOD, content_type="application/json"), 404, "not_found", caplog)
    assert body["message"] == "Không có địa chỉ API này."


def test_without_credentials_is_401_and_nothing_is_created(client: Client, version: Any, caplog: Any) -> None:
    before = state()
    refused(client.post(BASE, GOOD, content_type="application/json"), 401, "not_authenticated", caplog)
    assert state() == before


def test_an_invalid_api_key_is_401_even_with_a_session(citizen: Client, caplog: Any) -> None:
    before = state()
    response = citizen.post(BASE, GOOD, content_type="application/json", HTTP_X_API_KEY="mc_live_nonsense")
    refused(response, 401, "api_key_invalid", caplog)
    assert state() == before


def test_a_session_post_without_the_csrf_header_is_403(
    people: dict[str, Any], version: Any, caplog: Any
) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["citizen"])
    before = state()
    body = refused(strict.post(BASE, GOOD, content_type="application/json"), 403, "csrf_failed", caplog)
    assert "X-CSRFToken" in body["message"]
    assert state() == before


# -- the server's own failure --------------------------------------------------------------------------


def test_an_unhandled_exception_is_500_json_logged_with_its_traceback_but_not_shown(
    citizen: Client, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals: /srv/motcua/settings.py")

    monkeypatch.setattr("motcua.api.dossiers.dossier_create_draft", broken)
    before = state()
    response = citizen.post(BASE, GOOD, content_type="application/json")
    assert response.status_code == 500
    body = response.json()
    assert body == {"code": "server_error", "message": errors.status_message(500)}
    assert "secret internals" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "motcua.api" and r.levelno == logging.ERROR]
    assert record.getMessage() == f"API server error: POST {BASE}"
    assert record.exc_info and "secret internals" in str(record.exc_info[1])
    assert state() == before


# -- the language --------------------------------------------------------------------------------------


def test_messages_follow_accept_language(citizen: Client, draft: Dossier, caplog: Any) -> None:
    """Vietnamese by default, English with ``Accept-Language: en``; the code never changes."""
    wrong = {"expected_version": "latest"}
    path = f"{BASE}/{draft.pk}/submit"
    vi = citizen.post(path, wrong, content_type="application/json").json()
    en = citizen.post(path, wrong, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (vi["code"], vi["message"]) == ("request_invalid", "Dữ liệu gửi lên không hợp lệ.")
    assert (en["code"], en["message"]) == ("request_invalid", "The submitted data is not valid.")

    # The answers made by this project's handlers and middleware go through the same catalogue.
    answers = {
        "json_invalid": citizen.post(path, b"{", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"),
        "not_found": citizen.get("/api/v1/khong-co", HTTP_ACCEPT_LANGUAGE="en"),
        "method_not_allowed": citizen.delete(BASE, HTTP_ACCEPT_LANGUAGE="en"),
    }
    with translation.override("en"):
        expected = {
            "json_invalid": errors.json_invalid_message(),
            "not_found": errors.status_message(404),
            "method_not_allowed": errors.status_message(405),
        }
    for code, response in answers.items():
        assert response.json() == {"code": code, "message": expected[code]}


# -- what the contract tests found ---------------------------------------------------------------------


def test_a_page_number_past_64_bits_is_422_not_a_database_error(client: Client, caplog: Any) -> None:
    response = client.get("/api/v1/org-units", {"page": "706580179183680012620398592"})
    body = refused(response, 422, "request_invalid", caplog)
    assert body["errors"][0]["loc"] == ["query", "page"]


def test_an_id_past_64_bits_is_422_not_a_database_error(citizen: Client, draft: Dossier, caplog: Any) -> None:
    before = state(draft)
    response = citizen.post(f"{BASE}/{draft.pk}/components/{2**70}", {"file": pdf_file()})
    body = refused(response, 422, "request_invalid", caplog)
    assert body["errors"][0]["loc"] == ["path", "component_id"]
    assert state(draft) == before


def test_a_multipart_body_without_its_boundary_is_400(citizen: Client, draft: Dossier, caplog: Any) -> None:
    component = draft.components.first()
    before = state(draft)
    response = citizen.generic(
        "POST", f"{BASE}/{draft.pk}/components/{component.pk}", b"--x\r\n", content_type="multipart/form-data"
    )
    refused(response, 400, "multipart_invalid", caplog)
    assert state(draft) == before


@pytest.mark.parametrize("path", ["/api/v1/procedures?q=a%00b", "/api/v1/org-units/H56%0040"])
def test_a_nul_character_is_invalid_input_not_a_server_error(client, path):
    """PostgreSQL text columns cannot hold NUL: found by Schemathesis on PostgreSQL as a 500."""
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["code"] == "request_invalid"
