"""``motcua facts --rebuild [--verify]``: the fact table recomputed from the dossier events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from motcua.catalogue.choices import OnlineLevel, ResultType
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.org.models import OrgUnit

from .counters import COUNTERS
from .facts import Changes, Event, State, Static, contribution, event_flows, fold
from .facts_store import Rows, grains, table_rows, unit_rows, unit_table_rows
from .models import DossierFact, UnitFact


@dataclass
class Rebuilt:
    rows: Rows
    states: dict[int, State]
    dossiers: int = 0
    events: int = 0


@dataclass
class Difference:
    """The first place where the table and the rebuild disagree, in words."""

    text: str


@dataclass
class Verification:
    rows_compared: int
    dossiers_compared: int
    differences: list[Difference] = field(default_factory=list)


def _statics() -> dict[int, Static]:
    values = Dossier.objects.values_list(
        "pk",
        "resolving_unit_id",
        "procedure_version__procedure_id",
        "channel",
        "procedure_version__online_level",
        "procedure_version__has_fees",
        "procedure_version__result_type",
    )
    return {
        pk: Static(unit, procedure, channel, level == OnlineLevel.FULL, fee, result == ResultType.PAPER)
        for pk, unit, procedure, channel, level, fee, result in values.iterator(chunk_size=10000)
    }


def facts_compute(progress: Callable[[int], None] | None = None) -> Rebuilt:
    """Fold every dossier's events in order and sum the contributions (nothing is written)."""
    statics = _statics()
    out = Rebuilt(rows={}, states={})
    current: int | None = None
    state: State = {}
    # The dossier's event flows, added when its events end: an ``import`` event replaces the history
    # before it, flows included (the dossier was imported again after its source changed it).
    flows: Changes = Counter()

    def finish() -> None:
        if current is not None and state:
            out.states[current] = state  # a payment before the receipt is remembered too
            if state.get("r"):
                changes = contribution(state)
                changes.update(flows)
                grains(changes, state["u"], state["p"], into=out.rows)

    events = DossierEvent.objects.order_by("dossier_id", "seq").values_list(
        "dossier_id", "action", "occurred_at", "data"
    )
    for dossier_id, action, at, data in events.iterator(chunk_size=20000):
        if dossier_id != current:
            finish()
            current, state, flows = dossier_id, {}, Counter()
            out.dossiers += 1
            if progress is not None and out.dossiers % 10000 == 0:
                progress(out.dossiers)
        event = Event(action=action, at=at, data=data or {})
        if action == "import":
            flows = Counter()
        state = fold(state, event, statics[dossier_id])
        flows.update(event_flows(event, state))
        out.events += 1
    finish()
    out.rows = {key: {c: v for c, v in counters.items() if v} for key, counters in out.rows.items()}
    out.rows = {key: counters for key, counters in out.rows.items() if counters}
    return out


@transaction.atomic
def facts_write(rebuilt: Rebuilt) -> None:
    """Replace the tables and every dossier's fact state with the rebuild."""
    DossierFact.objects.all().delete()
    UnitFact.objects.all().delete()
    DossierFact.objects.bulk_create(
        (
            DossierFact(grain=grain, period=period, unit_id=unit, procedure_id=procedure, **counters)
            for (grain, period, unit, procedure), counters in rebuilt.rows.items()
        ),
        batch_size=2000,
    )
    UnitFact.objects.bulk_create(
        (
            UnitFact(grain=grain, period=period, unit_id=unit, **counters)
            for (grain, period, unit), counters in unit_rows(rebuilt.rows).items()
        ),
        batch_size=2000,
    )
    stale = []
    for pk, fact_state in Dossier.objects.values_list("pk", "fact_state").iterator(chunk_size=10000):
        wanted = rebuilt.states.get(pk, {})
        if fact_state != wanted:
            stale.append(Dossier(pk=pk, fact_state=wanted))
    Dossier.objects.bulk_update(stale, ["fact_state"], batch_size=2000)


def facts_rebuild(progress: Callable[[int], None] | None = None) -> Rebuilt:
    """Recompute from the events and write; returns what was computed."""
    rebuilt = facts_compute(progress)
    facts_write(rebuilt)
    return rebuilt


def facts_verify(rebuilt: Rebuilt, *, limit: int = 10) -> Verification:
    """Compare the incremental table and states with ``rebuilt``; name the first ``limit`` differences."""
    table = table_rows()
    codes = dict(OrgUnit.objects.values_list("pk", "code"))
    result = Verification(rows_compared=len(table.keys() | rebuilt.rows.keys()), dossiers_compared=0)
    for key in sorted(table.keys() | rebuilt.rows.keys()):
        have, want = table.get(key, {}), rebuilt.rows.get(key, {})
        if have == want:
            continue
        grain, period, unit, procedure = key
        for name in COUNTERS:
            if have.get(name, 0) != want.get(name, 0):
                result.differences.append(
                    Difference(
                        f"{_grain_label(grain)} {period.isoformat()}, đơn vị {codes.get(unit, unit)}, "
                        f"thủ tục #{procedure}: {name} trong bảng = {have.get(name, 0)}, "
                        f"tính lại từ sự kiện = {want.get(name, 0)}"
                    )
                )
                break
        if len(result.differences) >= limit:
            return result
    units, wanted_units = unit_table_rows(), unit_rows(rebuilt.rows)
    for unit_key in sorted(units.keys() | wanted_units.keys()):
        have, want = units.get(unit_key, {}), wanted_units.get(unit_key, {})
        if have != want:
            name = next(c for c in COUNTERS if have.get(c, 0) != want.get(c, 0))
            result.differences.append(
                Difference(
                    f"{_grain_label(unit_key[0])} {unit_key[1].isoformat()}, đơn vị "
                    f"{codes.get(unit_key[2], unit_key[2])} (tổng theo đơn vị): {name} trong bảng = "
                    f"{have.get(name, 0)}, tính lại từ sự kiện = {want.get(name, 0)}"
                )
            )
            if len(result.differences) >= limit:
                return result
    for pk, fact_state in Dossier.objects.values_list("pk", "fact_state").iterator(chunk_size=10000):
        result.dossiers_compared += 1
        if (fact_state or {}) != rebuilt.states.get(pk, {}):
            code = Dossier.objects.filter(pk=pk).values_list("code", flat=True).first()
            result.differences.append(
                Difference(f"hồ sơ {code or pk}: trạng thái tổng hợp lưu khác với tính lại từ sự kiện")
            )
            if len(result.differences) >= limit:
                break
    return result


def _grain_label(grain: str) -> str:
    return {"d": "ngày", "m": "tháng bắt đầu", "y": "năm bắt đầu"}.get(grain, grain)
