"""The authorization matrix (issue #11 item 1): every URL × every role × the seeded objects.

For each URL of the URLconf (``enumerate.py``) and each method its rule names (``matrix.py``), every role
(``world.ROLES``; API operations also a client system's key limited to unit X) is tried on each object of the
rule and on a missing one, and:

- nobody gets through who should not (no "unexpected success"), and who should is not refused;
- a refusal on an object the role may not see looks like the refusal on an object that does not exist
  (same status, title/template or error code, redirect) and shows none of the object's data (applicant,
  personal ID, code…): no existence leak;
- a refusal (401/403/404) is logged (a warning: Django's request log for pages, the API's refusal log);
- a refused request writes nothing (audit chain but its "access denied" rows, dossier events, the access
  ledger — a read of someone's data —, documents, notifications, results, payments);
- a page a role may open shows nothing unique to an object the role may not see (lists included);
- nothing fails (no 5xx).

One test per URL and method, each trying every role and object (the world is built once per module);
``test_summary`` prints the totals.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from .enumerate import Endpoint, endpoints
from .matrix import ADMIN_URLS, MATRIX, PORTAL, PUBLIC, PUBLIC_PARAMS, Rule
from .probe import Probe, send
from .world import API_ROLES, ROLES, World, pdf_upload

pytestmark = pytest.mark.django_db

ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in endpoints()}
CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, rule in sorted(MATRIX.items())
    if name in ENDPOINTS
    for method in (ENDPOINTS[name].methods or rule.methods())
]
TOTALS: Counter[str] = Counter()
FINDINGS: list[str] = []


@pytest.fixture(scope="module")
def clients(world: World) -> dict[str, Client]:
    """One client per role, signed in once (``force_login``); the key's client sends the key, no session."""
    found: dict[str, Client] = {"anon": Client()}
    for role in ROLES:
        user = world.users.get(role)
        if user is not None:
            client = Client()
            client.force_login(user)
            found[role] = client
    found["key_x"] = Client(headers={"Authorization": f"Bearer {world.api_key}"})
    return found


# -- expectations -------------------------------------------------------------------------------------------


def allowed(expect: Any, obj: dict[str, Any] | None, key: str | None) -> frozenset[str]:
    if isinstance(expect, dict):
        assert key is not None, "a per-object expectation needs objects"
        return allowed(expect[key], obj, key)
    if isinstance(expect, frozenset | set):
        return frozenset(expect)
    assert obj is not None, f"{expect!r} needs an object"
    seen = frozenset(obj["seen_by"])
    if expect == "seen":
        return seen
    if expect == "seen_staff":
        return seen - PORTAL - {"key_x"}
    if expect == "seen_staff_api":
        return seen - PORTAL
    if expect == "owner":
        return frozenset({obj["owner"]})
    if expect == "handlers":
        return seen - PORTAL - {"auditor", "key_x"}
    if expect == "handlers_api":
        return seen - PORTAL - {"auditor"}
    raise AssertionError(f"unknown expectation {expect!r}")


def _fill(value: Any, obj: dict[str, Any], world: World) -> Any:
    if isinstance(value, str) and value.startswith("{user:") and value.endswith("}"):
        return str(world.users[value[6:-1]].pk)
    if isinstance(value, str) and "{" in value:
        return value.format(**{k: v for k, v in obj.items() if not isinstance(v, list | dict)})
    if isinstance(value, dict):
        return {_fill(k, obj, world): _fill(v, obj, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, obj, world) for v in value]
    return value


def url_for(endpoint: Endpoint, rule: Rule, obj: dict[str, Any], world: World) -> str:
    values = {**obj, **obj.get("params", {})}
    kwargs: dict[str, Any] = {}
    for name in endpoint.params:
        if name in rule.params:
            raw = rule.params[name]
            kwargs[name] = _fill(raw, values, world)
        else:
            kwargs[name] = values[name]
    url = reverse(endpoint.name, kwargs=kwargs)
    query = {**rule.query, **obj.get("query", {})}
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


# -- one URL and method ---------------------------------------------------------------------------------------


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    checks: int = 0

    def fail(self, role: str, text: str) -> None:
        self.problems.append(f"[{role}] {text}")


def _accepts(category: str, method: str, *, expected: bool, knows: bool, probe: Probe, about: bool) -> bool:
    if category == "error":
        return False
    if expected:
        if method == "GET":
            return category == "ok"
        return category in ("ok", "invalid", "refused")
    if category in ("denied", "login", "refused"):
        return True
    # A rule or a state answered a role who may see the object (409 wrong state, a form's errors), or a URL
    # about no object answered a rule ("staff have no data store"): not a success, and nothing to leak.
    return category == "invalid" and (knows or not about)


def _check_denial_logged(report: Report, role: str, probe: Probe) -> None:
    if probe.category == "denied" and probe.status in (401, 403, 404) and not probe.logged:
        report.fail(role, f"refusal not logged: {probe.describe()}")


def _check_no_foreign_marks(
    report: Report, role: str, probe: Probe, world: World, *, about: str | None, sent: str
) -> None:
    """A page a role may open shows nothing unique to an object the role may not see (a list that leaks
    another unit's dossier, a citizen's document…); the object the URL is about is left out."""
    shown_by_url = {about, *world.objects[about].get("reveals", ())} if about else set()
    for key, obj in world.objects.items():
        if key in shown_by_url or role in obj.get("seen_by", ()) or obj.get("proof"):
            continue
        shown = [m for m in obj.get("marks", ()) if m and m in probe.body and m not in sent]
        if shown:
            report.fail(role, f"shows {key}'s {shown}: {probe.describe()}")


def run_case(name: str, method: str, world: World, clients: dict[str, Client]) -> Report:
    endpoint, rule = ENDPOINTS[name], MATRIX[name]
    expect = rule.expect(method)
    assert expect is not None, f"{name}: the rule has no {method} (the operation's method)"
    roles = API_ROLES if endpoint.is_api else ROLES
    report = Report()
    targets: list[tuple[str | None, dict[str, Any]]] = [(key, world.obj(key)) for key in rule.objects]
    if not targets:
        targets = [(None, {})]
    for key, obj in targets:
        who = allowed(expect, obj or None, key)
        url = url_for(endpoint, rule, obj, world)
        missing_url = url_for(endpoint, rule, world.missing(key), world) if key else ""
        for role in roles:
            body = _fill(rule.body, obj, world) if rule.body is not None else None
            files = {"file": pdf_upload()} if rule.upload else None
            probe = send(clients[role], method, url, body=body, files=files)
            report.checks += 1
            expected = role in who
            knows = bool(obj) and (
                role in obj.get("seen_by", ()) or (rule.credential and obj.get("proof", False))
            )
            if not _accepts(
                probe.category, method, expected=expected, knows=knows, probe=probe, about=bool(key)
            ):
                kind = "unexpected success" if probe.category == "ok" else "unexpected outcome"
                if expected and probe.category != "error":
                    kind = "unexpected refusal"
                report.fail(role, f"{kind} on {key or '-'}: {probe.describe()}")
                TOTALS["unexpected"] += probe.category == "ok" and not expected
            _check_denial_logged(report, role, probe)
            if not expected and probe.changed:
                report.fail(role, f"a refused request wrote data on {key or '-'}: {probe.describe()}")
            if probe.category == "ok" and method == "GET":
                _check_no_foreign_marks(report, role, probe, world, about=key, sent=url)
            if key and not expected and not knows and not obj.get("public"):
                gone = send(
                    clients[role], method, missing_url, body=body, files=files and {"file": pdf_upload()}
                )
                report.checks += 1
                if gone.shape() != probe.shape():
                    report.fail(
                        role,
                        f"refusal differs from a missing object's ({key}): {probe.describe()} "
                        f"title={probe.title!r} vs {gone.describe()} title={gone.title!r}",
                    )
                sent = url + str(body)  # what the request itself carried may be echoed back
                shown = [s for s in obj.get("secrets", ()) if s and s in probe.body and s not in sent]
                if shown and role != obj.get("owner"):
                    report.fail(role, f"refusal shows {key}'s data {shown}: {probe.describe()}")
    TOTALS["checks"] += report.checks
    TOTALS["urls"] += 1
    return report


# -- the tests ------------------------------------------------------------------------------------------------


def test_every_url_has_a_rule():
    """A URL without a rule fails here: add it to matrix.py (who may use it, on which objects)."""
    named = set(ENDPOINTS)
    ruled = set(MATRIX) | set(PUBLIC) | {"admin"}
    assert not named - ruled, f"new URL without an authorization rule: {sorted(named - ruled)}"
    assert not ruled - named, f"rules for URLs that no longer exist: {sorted(ruled - named)}"
    assert not set(MATRIX) & set(PUBLIC), "a URL is both public and in the matrix"
    for name, rule in MATRIX.items():
        endpoint = ENDPOINTS[name]
        if endpoint.is_api:
            assert rule.methods() == list(endpoint.methods), (
                f"{name}: the rule's methods {rule.methods()} are not the operation's {endpoint.methods}"
            )


@pytest.mark.parametrize(("name", "method"), CASES)
def test_matrix(name: str, method: str, world: World, clients: dict[str, Client]) -> None:
    report = run_case(name, method, world, clients)
    if report.problems:
        FINDINGS.extend(f"{name} {method} {p}" for p in report.problems)
    assert not report.problems, f"{name} {method}:\n" + "\n".join(report.problems)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_urls_answer(name: str, world: World, clients: dict[str, Client]) -> None:
    """What is open by design answers an anonymous request without failing."""
    endpoint = ENDPOINTS[name]
    url = reverse(name, kwargs=PUBLIC_PARAMS.get(name, {}))
    method = endpoint.methods[0] if endpoint.methods else "GET"
    probe = send(clients["anon"], method, url)
    TOTALS["checks"] += 1
    TOTALS["urls"] += 1
    assert probe.category != "error", probe.describe()


@pytest.mark.parametrize("path", ADMIN_URLS)
def test_admin_only(path: str, world: World, clients: dict[str, Client]) -> None:
    """The Django admin (summarised): the province administrator gets in, nobody else."""
    url = path.format(citizen_a=world.users["citizen_a"].pk)
    problems = []
    for role in ROLES:
        probe = send(clients[role], "GET", url)
        TOTALS["checks"] += 1
        if role == "admin" and probe.category != "ok":
            problems.append(f"[{role}] unexpected refusal: {probe.describe()}")
        if role != "admin" and probe.category not in ("login", "denied"):
            problems.append(f"[{role}] unexpected outcome: {probe.describe()}")
    TOTALS["urls"] += 1
    assert not problems, "\n".join(problems)


def test_summary(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the totals of this run (the matrix tests run first, in file order)."""
    objects = len(world.objects)
    line = (
        f"authorization matrix: {len(ENDPOINTS)} URLs (+{len(ADMIN_URLS)} admin) × {len(API_ROLES)} roles × "
        f"{objects} objects = {TOTALS['checks']} checks over {TOTALS['urls']} URL/method pairs, "
        f"{TOTALS['unexpected']} unexpected successes, {len(FINDINGS)} problems"
    )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # under xdist each worker counts only the URLs it ran
        line += f" (worker {worker} only)"
    with capsys.disabled():
        print("\n" + line)
    assert TOTALS["unexpected"] == 0, line
