"""The Django side of the chaos run: build the world before it, and check the database after it.

    python benchmarks/chaos/world.py prepare --fixture F --receiver-url http://127.0.0.1:P/webhook
    python benchmarks/chaos/world.py verify --fixture F --ledger L --fakes-state S --mail-dir M

Both run with ``DJANGO_SETTINGS_MODULE=benchmarks.chaos.settings`` and ``DATABASE_URL`` of the run's database
(``run.py`` sets them).

``prepare`` migrates and seeds the world of ``benchmarks/lifecycle.py`` (the demo organisation, accounts and
calendar, and its benchmark procedure BENCH.001 of H56.19 with an inter-agency step at Thuế tỉnh:
TN → XL → TD → LT → PD → KY → TKQ), gives each user of the run an API key (the province administrator issues
them), registers the fake receiver as a webhook endpoint for every event type, and writes the fixture (keys,
the endpoint's secret, a one-page PDF).

``verify`` prints one JSON object: every dossier of the run (``form_data.chaos_ref``) against the client's
ledger (lost: the client saw a version the database does not have) and against itself (half-applied: the
status is not the last event's, the version is not the number of events, the events do not chain, more than
one open step, an event without its national-portal update or webhook delivery, or such a row without its
event); then every outbox row against what the fakes received (notifications by delivery, national-portal
updates by idempotency key, webhooks by delivery id): missing, duplicated, stray.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CITIZENS = ("congdan.hoa", "congdan.binh")  # usernames (they sign in with their personal IDs too)
STAFF = {
    "officer": "motcua.tinh",  # one-stop officer, H56.40: receive, refuse, route, return
    "specialist": "chuyenvien.tnmt",  # H56.19: XL → TD → LT (hand over)
    "tax": "chuyenvien.thue",  # H56.52: LT → PD (hand back)
    "head": "truongphong.tnmt",  # H56.19: PD → KY, or send back to TD
    "leader": "lanhdao.tnmt",  # H56.19: decide
}
ADMIN = "quantri.tinh"
#: Dossier events nobody in the run asks for: the task worker's signed result (after a decision).
SYSTEM_ACTIONS = frozenset({"result_issued"})


def prepare(fixture: Path, receiver_url: str) -> None:
    import lifecycle  # benchmarks/lifecycle.py: the world of the lifecycle benchmark
    from django.core.management import call_command

    from motcua.accounts.models import User
    from motcua.accounts.services_apikeys import apikey_create
    from motcua.integrations.webhooks.services import endpoint_create

    lifecycle.prepare()
    call_command("dev_certs", verbosity=0)  # the agencies' signing certificates, under MOTCUA_CERTS_DIR
    admin = User.objects.get(username=ADMIN)
    keys = {}
    for username in CITIZENS:
        _key, raw = apikey_create(
            owner=User.objects.get(username=username), name="chaos", by=admin, rate_per_minute=100_000,
            operations=["dossiers:read", "dossiers:apply"],
        )  # fmt: skip
        keys[username] = raw
    for username in STAFF.values():
        _key, raw = apikey_create(
            owner=User.objects.get(username=username), name="chaos", by=admin, rate_per_minute=100_000,
            operations=["dossiers:read", "dossiers:process"],
        )  # fmt: skip
        keys[username] = raw
    # The province administrator reads every dossier with its whole history (the read-back after a lost answer).
    _key, keys[ADMIN] = apikey_create(
        owner=admin, name="chaos reader", by=admin, rate_per_minute=100_000, operations=["dossiers:read"]
    )
    _endpoint, secret = endpoint_create(
        actor=admin, name="chaos receiver", url=receiver_url, event_types=["*"]
    )
    pdf = fixture.with_name("component.pdf")
    pdf.write_bytes(lifecycle.sample_pdf())
    fixture.write_text(
        json.dumps(
            {
                "keys": keys, "citizens": list(CITIZENS), "staff": STAFF, "reader": ADMIN,
                "system_actions": sorted(SYSTEM_ACTIONS),
                "procedure": lifecycle.PROCEDURE_CODE, "receiving_point": lifecycle.RECEIVING_POINT,
                "webhook_secret": secret, "pdf": str(pdf),
            },
            indent=1,
        )
    )  # fmt: skip


# -- verify ------------------------------------------------------------------------------------------------

_EMAIL_REFERENCE = re.compile(r"notification-(\d+)@")


def email_receipts(mail_dir: Path) -> Counter[int]:
    """Messages per notification id in the file backend's directory (one Message-ID per message)."""
    counts: Counter[int] = Counter()
    for path in mail_dir.glob("*.log") if mail_dir.exists() else []:
        text = path.read_text(errors="replace")
        # a long Message-ID is folded onto the next line: unfold the headers first
        for match in _EMAIL_REFERENCE.finditer(re.sub(r"\n[ \t]+", " ", text)):
            counts[int(match.group(1))] += 1
    return counts


def check_dossiers(ledger: dict[str, Any]) -> dict[str, Any]:
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.status import DossierStatus
    from motcua.integrations.dvcqg.codes import update_kind
    from motcua.integrations.dvcqg.models import PortalUpdate
    from motcua.integrations.webhooks.events import event_type_for
    from motcua.integrations.webhooks.models import WebhookDelivery
    from motcua.results.models import IssuedResult, ResultKind

    problems: list[str] = []
    dossiers = {d.pk: d for d in Dossier.objects.filter(form_data__has_key="chaos_ref")}
    events: dict[int, list[Any]] = {pk: [] for pk in dossiers}
    for dossier in dossiers.values():
        events[dossier.pk] = list(dossier.events.order_by("seq"))
    portal = Counter(
        PortalUpdate.objects.filter(dossier_id__in=dossiers).values_list("dossier_id", "event_seq")
    )
    hooks = Counter(
        WebhookDelivery.objects.filter(dossier_id__in=dossiers).values_list("dossier_id", "event_seq")
    )
    results: dict[int, list[str]] = {}
    for dossier_id, status in IssuedResult.objects.filter(
        dossier_id__in=dossiers, kind=ResultKind.ELECTRONIC
    ).values_list("dossier_id", "status"):
        results.setdefault(dossier_id, []).append(status)
    open_steps = Counter(
        s.dossier_id for d in dossiers.values() for s in d.steps.filter(finished_at__isnull=True)
    )

    lost = unconfirmed = 0
    known = set()
    for ref, entry in ledger.items():
        found = dossiers.get(entry["id"])
        known.add(entry["id"])
        if found is None:
            lost += 1
            problems.append(f"{ref}: dossier {entry['id']} is not in the database")
            continue
        # After the client's last read only the system may have added events (a signed result), except one
        # action whose answer the client never got before it gave up.
        later = [e.action for e in events[found.pk] if e.seq > entry["version"]]
        unknown = [action for action in later if action not in SYSTEM_ACTIONS]
        if found.lock_version >= entry["version"] and not unknown:
            continue
        if not entry["confirmed"] and found.lock_version >= entry["version"] and len(unknown) == 1:
            unconfirmed += 1  # the client gave up on an action whose answer it never got; it was applied
            continue
        lost += 1
        problems.append(
            f"{ref} ({found.code}): the client last saw version {entry['version']} ({entry['status']}), "
            f"the database has {found.lock_version} ({found.status}), events after it: {later}"
        )
    orphans = Counter(d.status for pk, d in dossiers.items() if pk not in known)

    half = 0
    by_status: Counter[str] = Counter()
    for pk, dossier in dossiers.items():
        by_status[dossier.status] += 1
        wrong: list[str] = []
        chain = events[pk]
        if dossier.status == DossierStatus.DRAFT:
            if chain:
                wrong.append("a draft with events")
        else:
            if [e.seq for e in chain] != list(range(1, len(chain) + 1)):
                wrong.append(f"event sequence {[e.seq for e in chain]}")
            if not chain or chain[-1].to_status != dossier.status:
                wrong.append(
                    f"status {dossier.status} but last event to {chain[-1].to_status if chain else '—'}"
                )
            if dossier.lock_version != len(chain):
                wrong.append(f"version {dossier.lock_version} with {len(chain)} events")
            for before, after in itertools.pairwise(chain):
                if after.from_status != before.to_status:
                    wrong.append(
                        f"event {after.seq} from {after.from_status} after one to {before.to_status}"
                    )
            for event in chain:
                expect_portal = update_kind(event.action, event.to_status) is not None
                if portal[(pk, event.seq)] != int(expect_portal):
                    wrong.append(
                        f"event {event.seq} ({event.action}): {portal[(pk, event.seq)]} portal updates"
                    )
                expect_hook = event_type_for(event.action) is not None
                if hooks[(pk, event.seq)] != int(expect_hook):
                    wrong.append(f"event {event.seq} ({event.action}): {hooks[(pk, event.seq)]} webhook rows")
            seqs = {e.seq for e in chain}
            strays = [s for (d, s) in list(portal) + list(hooks) if d == pk and s not in seqs]
            if strays:
                wrong.append(f"outbox rows without their event: {strays}")
        decided = any(e.action == "decide" for e in chain)
        issued_events = sum(1 for e in chain if e.action == "result_issued")
        mine = results.get(pk, [])
        if decided and (len(mine) != 1 or mine[0] != "valid" or issued_events != 1):
            wrong.append(f"decided: results {mine}, {issued_events} result_issued events")
        if not decided and (mine or issued_events):
            wrong.append(f"not decided but results {mine}, {issued_events} result_issued events")
        if open_steps[pk] > 1 or (dossier.status == DossierStatus.PROCESSING and open_steps[pk] != 1):
            wrong.append(f"{open_steps[pk]} open steps while {dossier.status}")
        if wrong:
            half += 1
            problems.append(f"{dossier.code or dossier.pk}: " + "; ".join(wrong))
    return {
        "dossiers": len(dossiers), "by_status": dict(by_status), "events": sum(len(c) for c in events.values()),
        "lost": lost, "unconfirmed_applied": unconfirmed, "half_applied": half,
        "orphan_drafts": dict(orphans), "problems": problems[:30],
    }  # fmt: skip


def check_deliveries(state: dict[str, Any], mail_dir: Path) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from motcua.integrations.dvcqg.models import PortalUpdate
    from motcua.integrations.webhooks.models import WebhookDelivery
    from motcua.notifications.models import Channel, Delivery

    out: dict[str, Any] = {}
    # notifications: SMS by "delivery-<id>" at the gateway, e-mail by "notification-<id>" in the Message-ID
    sms = {ref: len(times) for ref, times in state["sms"].items()}
    mail = email_receipts(mail_dir)
    rows = list(
        Delivery.objects.exclude(channel=Channel.INAPP).values_list(
            "pk", "notification_id", "channel", "status"
        )
    )
    for channel in (Channel.SMS, Channel.EMAIL):
        mine = [r for r in rows if r[2] == channel]
        received = [
            sms.get(f"delivery-{pk}", 0) if channel == Channel.SMS else mail.get(nid, 0)
            for pk, nid, _c, _s in mine
        ]
        if channel == Channel.SMS:
            stray = [r for r in sms if r not in {f"delivery-{pk}" for pk, *_ in mine}]
        else:
            stray = [str(r) for r in mail if r not in {nid for _p, nid, *_ in mine}]
        out[f"notifications_{channel}"] = {
            "rows": len(mine), "not_sent": sum(1 for r in mine if r[3] != "sent"),
            "statuses": dict(Counter(r[3] for r in mine)),
            "missing": sum(1 for n in received if n == 0), "duplicated": sum(1 for n in received if n > 1),
            "extra_copies": sum(n - 1 for n in received if n > 1), "stray": len(stray),
        }  # fmt: skip
    # the national portal: each update accepted once under its key; resends answered "duplicate"
    accepted = Counter(state["dvcqg"]["accepted"])
    requests = {k: len(v) for k, v in state["dvcqg"]["requests"].items()}
    updates = list(PortalUpdate.objects.values_list("idempotency_key", "state", "duplicate"))
    keys = {u[0] for u in updates}
    out["dvcqg"] = {
        "rows": len(updates), "not_delivered": sum(1 for u in updates if u[1] != "delivered"),
        "statuses": dict(Counter(u[1] for u in updates)),
        "missing": sum(1 for u in updates if accepted[u[0]] == 0),
        "duplicated": sum(1 for u in updates if accepted[u[0]] > 1),
        "resent_answered_duplicate": sum(1 for u in updates if requests.get(u[0], 0) > 1),
        "stray": sum(1 for k in accepted if k not in keys),
        "out_of_order": len(state["dvcqg"]["out_of_order"]),
    }  # fmt: skip
    # webhooks: each delivery id processed once by the receiver; copies answered 200 without processing
    verdicts: dict[str, Counter[str]] = {}
    for _at, uid, verdict in state["webhooks"]["requests"]:
        verdicts.setdefault(uid, Counter())[verdict] += 1
    hooks = list(WebhookDelivery.objects.values_list("uid", "status"))
    uids = {str(u) for u, _s in hooks}
    out["webhooks"] = {
        "rows": len(hooks), "not_delivered": sum(1 for _u, s in hooks if s != "delivered"),
        "statuses": dict(Counter(s for _u, s in hooks)),
        "missing": sum(1 for u, _s in hooks if verdicts.get(str(u), Counter())["processed"] == 0),
        "duplicated": sum(1 for u, _s in hooks if verdicts.get(str(u), Counter())["processed"] > 1),
        "resent_answered_duplicate": sum(1 for u, _s in hooks if verdicts.get(str(u), Counter())["duplicate"]),
        "refused_signature": state["webhooks"]["refused"],
        "stray": sum(1 for u in verdicts if u not in uids),
    }  # fmt: skip
    out["tasks"] = dict(Counter(DBTaskResult.objects.values_list("status", flat=True)))
    return out


def pending() -> dict[str, int]:
    """What the workers still have to do (the drain waits for all zeros)."""
    from motcua.integrations.dvcqg.models import PortalUpdate
    from motcua.integrations.webhooks.models import WebhookDelivery
    from motcua.notifications.models import Channel, Delivery
    from motcua.results.models import IssuedResult

    return {
        "notifications": Delivery.objects.exclude(channel=Channel.INAPP).filter(status__in=["pending", "failed"]).count(),
        "dvcqg": PortalUpdate.objects.filter(state="pending").count(),
        "webhooks": WebhookDelivery.objects.filter(status__in=["pending", "failed"]).count(),
        "results": IssuedResult.objects.filter(status="pending", kind="electronic").count(),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--fixture", type=Path, required=True)
    p.add_argument("--receiver-url", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--ledger", type=Path, required=True)
    v.add_argument("--fakes-state", type=Path, required=True)
    v.add_argument("--mail-dir", type=Path, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    if args.command == "prepare":
        prepare(args.fixture, args.receiver_url)
        return 0
    ledger = json.loads(args.ledger.read_text())
    state = json.loads(args.fakes_state.read_text())
    result = {
        "dossiers": check_dossiers(ledger),
        **check_deliveries(state, args.mail_dir),
        "pending": pending(),
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
