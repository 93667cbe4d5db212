"""Personal ID and phone numbers written by others (Django's request log, gunicorn's access log) are masked."""

import datetime as dt
import logging
import types

import pytest

from motcua.core.logging import RedactPersonalData, redact


def test_redact_keeps_only_the_last_digits():
    assert redact("GET /sandbox/csdl/dan-cu/038099000404 404") == "GET /sandbox/csdl/dan-cu/*********404 404"
    assert redact("sms to 0912345678 and +84912345678") == "sms to *******678 and *********678"
    assert redact("H56.40-260302-0001 2800123456") == "H56.40-260302-0001 2800123456"


@pytest.mark.django_db
def test_django_request_log_lines_reach_handlers_masked(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/khong-co/038099000404/")
    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert lines == ["Not Found: /khong-co/*********404/ [anonymous]"]


@pytest.mark.django_db
def test_refusals_name_the_account_not_the_person(client, caplog, django_user_model):
    """A refused page names who asked by account number (no name, no personal ID), so refusals can be traced."""
    citizen = django_user_model.objects.create_user(
        username="038195001234", password="x-Very-long-1", full_name="Lê Thị Hoa", personal_id="038195001234"
    )
    client.force_login(citizen)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/can-bo/")
    assert response.status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert lines == [f"Forbidden (Permission denied): /can-bo/ [user {citizen.pk}]"]
    assert "Lê Thị Hoa" not in lines[0] and "038195001234" not in lines[0]


@pytest.mark.django_db
def test_api_refusals_name_the_caller(client, caplog):
    with caplog.at_level(logging.WARNING, logger="motcua.api"):
        response = client.get("/api/v1/queues/mine")
    assert response.status_code in (401, 403, 404)
    lines = [r.getMessage() for r in caplog.records if r.name == "motcua.api"]
    assert lines and lines[-1].endswith("[anonymous]")


def test_caller_of_prefers_the_api_key():
    from motcua.core.logging import caller_of

    key = types.SimpleNamespace(prefix="mc_live_ab12")
    user = types.SimpleNamespace(pk=5, is_authenticated=True)
    assert caller_of(types.SimpleNamespace(api_key=key, user=user)) == "API key mc_live_ab12"
    assert caller_of(types.SimpleNamespace(user=user)) == "user 5"
    assert (
        caller_of(types.SimpleNamespace(user=types.SimpleNamespace(pk=None, is_authenticated=False)))
        == "anonymous"
    )


def test_filter_leaves_other_records_alone():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "dossier %s received", ("H56-1",), None)
    assert RedactPersonalData().filter(record)
    assert (record.msg, record.args) == ("dossier %s received", ("H56-1",))


def test_gunicorn_access_log_masks_the_request_line():
    from gunicorn.config import Config

    from config import gunicorn_conf

    logger = gunicorn_conf.RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/tra-cuu?so=0912345678",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/tra-cuu",
        "QUERY_STRING": "so=0912345678",
        "HTTP_REFERER": "https://x/verify/038195001234",
    }
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, types.SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=5))
    assert "0912345678" not in atoms["r"] and atoms["r"].endswith("*******678 HTTP/1.1")
    assert atoms["q"] == "so=*******678"
    assert "038195001234" not in atoms["f"]
