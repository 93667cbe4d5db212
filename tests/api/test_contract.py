"""The API keeps its contract: Schemathesis against a live server on loopback, with seeded data.

For every operation of ``/api/v1/openapi.json`` Schemathesis generates requests — the schema's examples,
boundary and negative cases (coverage phase) and random ones (fuzzing) — and checks each answer: no server
error, a status the operation declares, a body matching the declared schema and content type. It runs three
times: without credentials, as a citizen, and as a one-stop officer (session cookies, with the CSRF header
unsafe methods need). Path parameters and a few body fields are drawn from the seeded data most of the time
(real dossier codes, procedure and unit codes), so the requests reach the services instead of stopping at
404; the rest are generated.

The run is bounded (few examples per operation, deterministic generation, one worker: the live server of an
in-memory SQLite test database shares one connection) and uses the ``st`` command line of the installed
package, whose report — with a ``curl`` line to reproduce each failure — is the assertion message.
Run it alone: ``.venv/bin/pytest tests/api/test_contract.py -p no:cacheprovider``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "motcuacontracttestcsrftoken00001"  # any 32 letters: the cookie and the header must agree
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


@dataclass(frozen=True)
class Role:
    """Who calls, and how much each phase does for them.

    The negative cases of the coverage phase (wrong types, missing fields, malformed bodies, unexpected
    methods and media types) exercise the parsing, which runs after authentication: they are generated
    once, as the citizen, who gets past it on every operation. Anonymous calls stop at 401 on most
    operations: a few random ones per operation check those answers and the public operations. The
    officer gets the valid boundary cases and random ones, which reach the staff actions. About 4,000
    requests in all; each role is one test, so ``-n 3`` runs them side by side.
    """

    username: str | None
    phases: str
    max_examples: int
    coverage_negative: bool = False


ROLES = {
    "anonymous": Role(None, "examples,fuzzing", max_examples=4),
    "citizen": Role("congdan.hoa", "examples,coverage", max_examples=1, coverage_negative=True),
    "officer": Role("motcua.tinh", "examples,coverage,fuzzing", max_examples=8),
}


def _toml_list(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False)  # a JSON array of strings/numbers is a TOML array


@pytest.fixture
def seeded(live_server: Any, settings: Any, tmp_path: Path) -> dict[str, list[Any]]:
    """A province (units, accounts, calendar), the demo catalogue, dossiers in every state, a citizen's
    draft and a feedback; answers the identifiers Schemathesis should use."""
    from django.core.cache import cache

    from motcua.accounts.models import User
    from motcua.catalogue.demo import seed_demo_catalogue
    from motcua.catalogue.models import ProcedureVersion
    from motcua.dossiers.demo import seed_demo_dossiers
    from motcua.dossiers.models import Dossier, DossierComponent
    from motcua.dossiers.services import dossier_create_draft
    from motcua.feedback.models import Feedback
    from motcua.feedback.services.feedback_submit import feedback_submit
    from motcua.org.models import OrgUnit
    from motcua.payments.demo import pay_demo_dossier_at_counter
    from tests.conftest import seed_people

    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # rate limits count in the cache
    seed_people()
    seed_demo_catalogue()
    seed_demo_dossiers(pay=pay_demo_dossier_at_counter)
    citizen = User.objects.get(username=ROLES["citizen"].username)
    version = ProcedureVersion.objects.filter(code="1.012786").order_by("-number").first()
    assert version is not None
    draft = dossier_create_draft(
        applicant=citizen,
        procedure_version=version,
        receiving_point=OrgUnit.objects.get(code="H56.40"),
        address="12 Lê Lợi",
    )
    feedback_submit(
        subject_kind="procedure",
        title="Thời gian giải quyết",
        content="Hồ sơ của tôi chậm so với giấy hẹn.",
        sender_name="Lê Thị Hoa",
        phone="0912345678",
        consent=True,
    )
    dossiers = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"draft", "awaiting_intake", "received", "processing", "returned"} <= statuses, statuses
    return {
        "refs": [*dossiers, str(draft.pk)],
        "codes": [
            *ProcedureVersion.objects.values_list("code", flat=True).distinct()[:10],
            *OrgUnit.objects.filter(code__startswith="H56.").values_list("code", flat=True)[:10],
            *Feedback.objects.values_list("code", flat=True),
        ],
        "procedures": list(ProcedureVersion.objects.values_list("code", flat=True).distinct()[:10]),
        "points": ["H56.40", "H56.101"],
        "component_ids": list(DossierComponent.objects.filter(dossier=draft).values_list("pk", flat=True)),
        "feedback_ids": list(Feedback.objects.values_list("pk", flat=True)),
    }


def _config(path: Path, data: dict[str, list[Any]], role: Role) -> Path:
    """The Schemathesis configuration: identifiers from the seeded data, used 3 times out of 4, and the
    role's share of the coverage phase."""
    lines = []
    if not role.coverage_negative:
        lines += ["[phases.coverage]", "unexpected-methods = []", "", "[phases.coverage.generation]"]
        lines += ['mode = "positive"', ""]
    for name, values in data.items():
        lines += [f"[dictionaries.{name}]", f"values = {_toml_list(values)}", ""]
    lines.append("[parameters]")
    bindings = {
        "path.ref": "refs",
        "path.code": "codes",
        "path.component_id": "component_ids",
        "path.feedback_id": "feedback_ids",
        "body.procedure_code": "procedures",
        "body.receiving_point_code": "points",
    }
    for parameter, name in bindings.items():
        if data.get(name):
            lines.append(f'"{parameter}" = {{ dictionary = "{name}", probability = 0.75 }}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _session(username: str) -> str:
    from motcua.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def schemathesis_run(
    base_url: str, config: Path, role: Role, headers: list[str]
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--phases",
        role.phases,
        "--max-examples",
        str(role.max_examples),
        "--generation-deterministic",
        # Credentials are ours (the headers below), never generated: a made-up API key would be tried
        # before the session and refused, and nothing behind the authentication would be exercised.
        "--generation-with-security-parameters",
        "false",
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--warnings",
        "off",
        "--output-truncate",
        "true",
    ]
    for header in headers:
        command += ["--header", header]
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        command, capture_output=True, text=True, timeout=900, cwd=config.parent, check=False
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_keeps_its_contract(
    role: str, live_server: Any, seeded: dict[str, list[Any]], tmp_path: Path
) -> None:
    caller = ROLES[role]
    headers = ["Accept-Language: vi"]
    if caller.username:
        session = _session(caller.username)
        headers += [f"Cookie: sessionid={session}; csrftoken={CSRF}", f"X-CSRFToken: {CSRF}"]
    config = _config(tmp_path / "schemathesis.toml", seeded, caller)
    result = schemathesis_run(live_server.url.rstrip("/"), config, caller, headers)
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"Schemathesis found contract violations as {role}:\n{report[-20000:]}"
    assert "passed" in report and "Tested: " in report, report[-3000:]
