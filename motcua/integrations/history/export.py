"""``history_export``: dossiers written out in the history format — the imported ones as they came (their
source, the history after their last import), the ones made here with motcua as their source — so that a
province can take its data elsewhere, and an export imported into an empty database gives the same dossiers,
facts and indicators."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from motcua.calendar.engine.snapshot import TZ
from motcua.catalogue.models import ProcedureVersion
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent, DossierPause, DossierStep
from motcua.dossiers.status import DossierAction as A
from motcua.dossiers.status import DossierStatus as S
from motcua.feedback.models import Evaluation, Feedback
from motcua.org.models import OrgUnit

from ..models import HistoryRecord
from .lines import FORMAT_TAG

CHUNK = 2000

#: Final statuses that are not decisions → the format's ``decision``.
_STOPS = {S.REFUSED: "refused", S.STOPPED: "withdrawn", S.CLOSED: "stopped"}


def source_system() -> str:
    """The name this motcua gives itself as the source of the dossiers made here."""
    return f"motcua.{settings.MOTCUA_PROVINCE_CODE}"


def _moment(value: dt.datetime | None) -> str | None:
    return value.astimezone(TZ).isoformat() if value is not None else None


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless the value is empty (absent fields stay absent)."""
    if value not in (None, "", [], {}):
        out[key] = value


def dossiers_to_export(*, start: dt.date | None = None, end: dt.date | None = None,
                       unit: OrgUnit | None = None) -> Any:  # fmt: skip
    """Dossiers that came to a one-stop point (not drafts) on ``start`` … ``end`` (local days of the receipt,
    or of the submission for one never received), resolved by ``unit`` or a unit under it."""
    rows = Dossier.objects.exclude(code__isnull=True).exclude(status=S.DRAFT)
    if start is not None:
        since = dt.datetime.combine(start, dt.time(0), tzinfo=TZ)
        rows = rows.filter(Q(received_at__gte=since) | Q(received_at__isnull=True, submitted_at__gte=since))
    if end is not None:
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
        rows = rows.filter(Q(received_at__lt=until) | Q(received_at__isnull=True, submitted_at__lt=until))
    if unit is not None:
        rows = rows.filter(
            Q(resolving_unit__code=unit.code) | Q(resolving_unit__code__startswith=f"{unit.code}.")
        )
    return rows.order_by("pk")


def history_export(rows: Any) -> Iterator[dict[str, Any]]:
    """One line object per dossier of ``rows`` (a queryset), in chunks of ``CHUNK``."""
    units = dict(OrgUnit.objects.values_list("pk", "code"))
    versions = {
        pk: (code, number)
        for pk, code, number in ProcedureVersion.objects.values_list("pk", "code", "number")
    }
    users: dict[int, str] = {}
    ids = list(rows.values_list("pk", flat=True))
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        yield from _chunk(chunk, units, versions, users)


def _chunk(ids: list[int], units: dict[int, str], versions: dict[int, tuple[str, int]],
           users: dict[int, str]) -> Iterator[dict[str, Any]]:  # fmt: skip
    steps: dict[int, list[DossierStep]] = defaultdict(list)
    for step in DossierStep.objects.filter(dossier_id__in=ids).order_by("dossier_id", "seq"):
        steps[step.dossier_id].append(step)
    pauses: dict[int, list[DossierPause]] = defaultdict(list)
    for pause in DossierPause.objects.filter(dossier_id__in=ids).order_by("dossier_id", "started_at"):
        pauses[pause.dossier_id].append(pause)
    components: dict[int, list[DossierComponent]] = defaultdict(list)
    for component in DossierComponent.objects.filter(dossier_id__in=ids).order_by("dossier_id", "position"):
        components[component.dossier_id].append(component)
    events: dict[int, list[tuple[str, dt.datetime, str, dict[str, Any]]]] = defaultdict(list)
    for dossier_id, action, at, note, data in (
        DossierEvent.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "seq")
        .values_list("dossier_id", "action", "occurred_at", "note", "data")
    ):
        if action == A.IMPORT:
            events[dossier_id] = []  # the history before it was replaced
        events[dossier_id].append((action, at, note, data or {}))
    records = {r.dossier_id: r for r in HistoryRecord.objects.filter(dossier_id__in=ids)}
    evaluations = {e.dossier_id: e for e in Evaluation.objects.filter(dossier_id__in=ids)}
    feedback = defaultdict(list)
    for f in Feedback.objects.filter(dossier_id__in=ids).order_by("received_at", "pk"):
        feedback[f.dossier_id].append(f)
    wanted = {pk for rows in steps.values() for s in rows for pk in (s.finished_by_id, s.assignee_id) if pk}
    if wanted - users.keys():
        users.update(
            get_user_model().objects.filter(pk__in=wanted - users.keys()).values_list("pk", "username")
        )
    for d in Dossier.objects.filter(pk__in=ids).order_by("pk"):
        parts = (steps[d.pk], pauses[d.pk], components[d.pk])
        yield _line(d, records.get(d.pk), parts, events[d.pk], evaluations.get(d.pk), feedback[d.pk], units,
                    versions, users)  # fmt: skip


def _line(d: Dossier, record: HistoryRecord | None,
          parts: tuple[list[DossierStep], list[DossierPause], list[DossierComponent]],
          events: list[tuple[str, dt.datetime, str, dict[str, Any]]], evaluation: Evaluation | None,
          feedback: list[Feedback], units: dict[int, str], versions: dict[int, tuple[str, int]],
          users: dict[int, str]) -> dict[str, Any]:  # fmt: skip
    extras = record.extras if record is not None else {}
    steps, pauses, components = parts
    code, number = versions[d.procedure_version_id]
    out: dict[str, Any] = {
        "format": FORMAT_TAG,
        "source": {"system": record.source_system, "id": record.source_id}
        if record is not None
        else {"system": source_system(), "id": d.code},
        "code": d.code,
        "procedure": {"code": code, "version": number},
        "applicant": _applicant(d, extras),
        "channel": d.channel,
        "receiving_point": units[d.receiving_point_id],
        "resolving_unit": units[d.resolving_unit_id],
    }
    if d.channel == "online" or d.received_at is None:
        _put(out, "submitted_at", _moment(d.submitted_at))
    _put(out, "received_at", _moment(d.received_at))
    _put(out, "deemed_received_at", _moment(d.deemed_received_at))
    _put(out, "due_at", _moment(d.original_due_at))
    if record is not None and record.due_computed:
        out["due_computed"] = True
    _put(out, "pauses", _pauses(pauses, events))
    apology = next((e for e in events if e[0] == A.APOLOGISE), None)
    if apology is not None:
        out["apology"] = {
            "at": _moment(apology[1]),
            "new_due_at": _moment(dt.datetime.fromisoformat(apology[3]["new_due_at"])),
        }
        _put(out["apology"], "reason", apology[2])
    _put(out, "steps", _steps(steps, extras, units, users))
    decision = d.decision or _STOPS.get(S(d.status), "")
    _put(out, "decision", decision)
    _put(out, "decision_note", d.decision_note if d.decision else d.closing_reason)
    _put(out, "finished_at", _moment(d.finished_at))
    _put(out, "returned_at", _moment(d.returned_at))
    _put(out, "return_method", d.return_method)
    issued = next((e for e in reversed(events) if e[0] == A.RESULT_ISSUED and e[3].get("e_result")), None)
    if issued is not None:
        result: dict[str, Any] = {"electronic": True, "signed": bool(issued[3].get("signed", True))}
        _put(result, "reference", issued[3].get("code", ""))
        result["issued_at"] = _moment(issued[1])
        out["result"] = result
    elif extras.get("result"):
        out["result"] = extras["result"]
    _put(out, "components", [_component(c) for c in components])
    _put(out, "fee_amount", extras.get("fee_amount"))
    payments = [
        {
            "amount": int(data["amount"]),
            "channel": data.get("channel") or "",
            "online": bool(data.get("online")),
            "at": _moment(at),
        }
        for action, at, _note, data in events
        if action == A.FEE_PAID and data.get("amount")
    ]
    for p in payments:
        if not p["channel"]:
            del p["channel"]
    _put(out, "payments", payments)
    if evaluation is not None:
        ev = {
            "satisfaction": evaluation.satisfaction,
            "channel": evaluation.channel,
            "at": _moment(evaluation.given_at),
        }
        _put(ev, "comment", evaluation.comment)
        out["evaluation"] = ev
    items = []
    for f in feedback:
        item = {"code": f.code, "received_at": _moment(f.received_at), "title": f.title}
        _put(item, "content", f.content)
        _put(item, "answered_at", _moment(f.answered_at))
        _put(item, "answer", f.answer)
        items.append(item)
    _put(out, "feedback", items)
    return out


def _applicant(d: Dossier, extras: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": d.applicant_kind}
    pseudonym = extras.get("pseudonym")
    if pseudonym:
        out["pseudonym"] = pseudonym
    if not pseudonym or d.applicant_name != pseudonym:
        _put(out, "name", d.applicant_name)
    _put(out, "personal_id", d.applicant_personal_id)
    _put(out, "tax_code", d.applicant_tax_code)
    _put(out, "phone", d.applicant_phone)
    _put(out, "email", d.applicant_email)
    _put(out, "address", d.applicant_address)
    return out


def _pauses(
    pauses: list[DossierPause], events: list[tuple[str, dt.datetime, str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """The pauses with the due moment each left behind (its ``supplement`` / ``resume`` event's). A pause with
    no such event was ended by the dossier's withdrawal or closure: it goes out open, as the format says."""
    ends = iter([data for action, _at, _note, data in events if action in (A.SUPPLEMENT, A.RESUME)])
    out = []
    for p in sorted(pauses, key=lambda p: p.started_at):
        end = next(ends, None) if p.ended_at is not None else None
        item: dict[str, Any] = {
            "kind": p.kind,
            "from": _moment(p.started_at),
            "to": _moment(p.ended_at) if end is not None else None,
        }
        _put(item, "reason", p.reason)
        if end is not None and end.get("due_at"):
            item["due_after"] = _moment(dt.datetime.fromisoformat(end["due_at"]))
        out.append(item)
    return out


def _steps(
    steps: list[DossierStep], extras: dict[str, Any], units: dict[int, str], users: dict[int, str]
) -> list[dict[str, Any]]:
    officers = extras.get("officers", {})
    out = []
    for s in sorted(steps, key=lambda s: s.seq):
        item: dict[str, Any] = {"code": s.step_code, "name": s.name, "unit": units[s.unit_id]}
        officer = officers.get(str(s.seq)) or users.get(s.finished_by_id or s.assignee_id or 0, "")
        _put(item, "officer", officer)
        item["received_at"] = _moment(s.started_at)
        item["handed_over_at"] = _moment(s.finished_at)
        _put(item, "due_at", _moment(s.due_at))
        item["mode"] = s.handover_mode
        item["inter_agency"] = s.inter_agency
        out.append(item)
    return out


def _component(c: DossierComponent) -> dict[str, Any]:
    item: dict[str, Any] = {"name": c.name}
    _put(item, "document_type", c.document_type)
    item["required"] = c.required
    item["origin"] = c.origin or "none"
    item["digitised"] = c.digitised
    _put(item, "digitised_at", _moment(c.digitised_at))
    _put(item, "pages", c.page_count)
    return item
