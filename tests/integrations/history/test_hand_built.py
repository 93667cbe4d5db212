"""Issue 13, done when: a history built by hand, whose Decision 766 indicators and Biểu 06 cells are worked
out by hand here, gives those figures once imported, and the same figures as the same timeline played
through the services.

Twelve dossiers (``timelines.TIMELINES``, each written once with its story), at two resolving units, in March
2026: unit A = Sở Nông nghiệp và Môi trường H56.19 (procedure PA: 5 working days, the supplement's wait
excluded, electronic result, fully online, an inter-agency step at Thuế tỉnh H56.52), unit B = UBND phường
Hạc Thành H56.101 (procedure PB: 3 working days, restarted after a supplement, paper result, an 8 000 đ fee,
partly online). Each timeline gives its history line and its service calls. Three sets of figures of March
must agree:

1. those worked out by hand below (``EXPECTED``, ``EXPECTED_766``, ``EXPECTED_B06``);
2. what motcua computes after ``history_import_lines`` of the lines into a database holding only the
   organisation, the accounts, the calendar and the two procedures;
3. what it computes when the timelines are played through the services (the clock at each moment), in a
   transaction rolled back once the figures are taken.

By hand (rcv = received in March; early / on time / late = resolved in March so; the due moment is the end
of the day, 17:00):

    A1 online  rcv Mon 2/3, due 9/3     e-hand-over and back; decided 5/3; e-result; returned online
               → online, full online, digitised; early; 2 electronic hand-overs; returned online
    A2 counter rcv Tue 3/3, due 10/3    scanned 09:10, routed 09:30; paper hand-over and back;
               not eligible 10/3 15:00 → digitised; on time; 2 paper hand-overs; returned
    A3 counter rcv Wed 4/3, due 11/3    apology 9/3, new date 13/3; decided 13/3 → on time; 1 apology
    A4 online  rcv Mon 9/3, due 16/3    reused component; supplement 10/3–12/3 → due 18/3; decided 17/3
               → online, digitised, reused; early; 1 request
    A5 online  rcv Tue 3/3, due 10/3    supplement asked 4/3, never given; closed 26/3
               → online, digitised; early (judged at the request), stopped; 1 request
    A6 online  refused at intake 5/3    → nothing
    A7 online  rcv Mon 23/3, due 30/3   withdrawn 25/3 → online, digitised; early, stopped
    A8 counter rcv Thu 26/2, due 5/3    decided 6/3 → carried over; late
    B1 online  rcv Mon 2/3, due 5/3     paid online before the receipt; decided 4/3; paper result certified
               electronically; returned → online, fee, digitised; paid online; early; e-result
    B2 counter rcv Tue 3/3, due 6/3     paid at the counter; decided 9/3 → fee; late
    B3 counter rcv Mon 23/3, due 26/3   supplement 24/3–27/3, restart → due 1/4; decided 1/4 (April)
               → fee; 1 request; in progress within at the end of March
    B4 counter rcv Mon 23/3, due 26/3   scanned, routed; never decided → fee, digitised; in progress overdue
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import transaction

from motcua.dossiers.events import dossier_history_verify
from motcua.dossiers.models import Dossier
from motcua.integrations.history.lines import schema_error
from motcua.integrations.history.store import history_import_lines
from motcua.org.models import OrgUnit
from motcua.reporting.b06 import KEYS, b06_report
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.kpi766 import kpi766
from motcua.reporting.periods import parse_period
from motcua.reporting.rebuild import facts_compute, facts_verify

from ...dossiers.conftest import clock, people
from ...reporting.conftest import publish
from . import timelines as tl

__all__ = ["clock", "people"]

pytestmark = pytest.mark.django_db

MARCH = parse_period("2026-03")
NOW = tl.apr(20, 10)  # every figure is read after the last moment of the data set
CODES = ("H56.19", "H56.101", "H56")

# -- the figures of March, worked out by hand from the table above ----------------------------------------

EXPECTED = {
    "H56.19": {
        "received": 6,  # A1 A2 A3 A4 A5 A7 (A6 refused at intake, A8 received in February)
        "received_online": 4, "received_counter": 2, "received_postal": 0,  # A1 A4 A5 A7; A2 A3
        "received_counter_postal": 2,
        "carried_over": 1,  # A8
        "received_total": 7,
        "resolved": 7,
        "resolved_early": 4,  # A1 A4 A5 (closed: its request came before the due moment) A7 (withdrawn)
        "resolved_on_time": 2,  # A2 (on the due day), A3 (on the apology's new date)
        "resolved_late": 1,  # A8
        "resolved_stopped": 2,  # A5 closed, A7 withdrawn
        "in_progress": 0, "in_progress_within": 0, "in_progress_overdue": 0,
        "received_full_online": 4,  # the online ones: PA is offered fully online
        "received_fee": 0, "received_paper_result": 0,
        "received_digitised": 5,  # A1 A4 A5 A7 uploads; A2 scanned after the receipt, before the route
        "received_reused": 1,  # A4
        "received_from_store": 0,
        "resolved_e_result": 0, "resolved_paper_result": 0,  # 4.1 is about paper results only
        "resolved_digitised_complete": 5,  # A1 A2 A4 A5 A7 (A3 and A8 stayed on paper)
        "returned": 2, "returned_online": 1,  # A1 online, A2 at the counter
        "handover_electronic": 2, "handover_paper": 2,  # A1 there and back; A2 there and back
        "supplement_requests": 2,  # A4 A5
        "apologies": 1,  # A3
        "paid_online": 0,
        "open_end": 0, "overdue_end": 0, "pending_ok_end": 0, "pending_late_end": 0,
        "open_before": 1, "overdue_before": 0, "pending_ok_before": 0, "pending_late_before": 0,  # A8
    },
    "H56.101": {
        "received": 4, "received_online": 1, "received_counter": 3, "received_postal": 0,  # B1; B2 B3 B4
        "received_counter_postal": 3,
        "carried_over": 0,
        "received_total": 4,
        "resolved": 2, "resolved_early": 1, "resolved_on_time": 0, "resolved_late": 1,  # B1; B2
        "resolved_stopped": 0,
        "in_progress": 2,
        "in_progress_within": 1,  # B3, open again since its supplement, due Wed 1/4
        "in_progress_overdue": 1,  # B4, due Thu 26/3
        "received_full_online": 0,  # PB is offered partly online
        "received_fee": 4, "received_paper_result": 4,
        "received_digitised": 2,  # B1 uploads, B4 scanned
        "received_reused": 0, "received_from_store": 0,
        "resolved_e_result": 1,  # B1's paper result, certified electronically
        "resolved_paper_result": 2,  # B1 B2
        "resolved_digitised_complete": 1,  # B1 (B2 on paper)
        "returned": 1, "returned_online": 0,  # B1 at the counter
        "handover_electronic": 0, "handover_paper": 0,
        "supplement_requests": 1,  # B3
        "apologies": 0,
        "paid_online": 1,  # B1, on its receipt day (paid before it); B2 paid in cash
        "open_end": 2, "overdue_end": 1, "pending_ok_end": 0, "pending_late_end": 0,  # B3 B4; B4
        "open_before": 0, "overdue_before": 0, "pending_ok_before": 0, "pending_late_before": 0,
    },
}  # fmt: skip
EXPECTED["H56"] = {name: EXPECTED["H56.19"][name] + EXPECTED["H56.101"][name] for name in EXPECTED["H56.19"]}

#: 766 items of the province: (numerator, denominator, points).
EXPECTED_766 = {
    # resolved early + on time + in progress within / received + carried over; 20 × 8/11 = 14.55
    "2.1": (5 + 2 + 1, 10 + 1, Decimal("14.55")),
    "3.1": (2, 2, Decimal("2.00")),  # PA and PB both offered online (of the two published procedures)
    "3.2": (2, 2, Decimal("4.00")),  # both with a dossier received online in March (A1…, B1)
    "3.3": (5, 10, Decimal("6.00")),  # received online / received: 50 % meets the 50 % target
    "3.5": (1, 1, Decimal("2.00")),  # PB's agency has the (default) gateway
    "3.5b": (1, 1, Decimal("2.00")),  # PB had an online payment in March (B1)
    "3.6": (1, 4, Decimal("1.50")),  # paid online / received of a fee-bearing procedure: 6 × 1/4
    "4.1": (1, 2, Decimal("3.00")),  # resolved with an e-result / resolved of a paper-result procedure
    # resolved digitised (and an e-result where the result is paper) / resolved: 4 × (6/9)/0.8
    "4.2": (6, 9, Decimal("3.33")),
    "4.3": (1, 10, Decimal("0.25")),  # reused / received: 2 × 0.1/0.8
    "4.4": (0, 10, Decimal("0.00")),
    "5.4": (11 - (2 + 1), 11, Decimal("4.85")),  # − (resolved late + in progress overdue): 6 × (8/11)/0.9
}
#: 2.1 per unit: A (4 + 2 + 0) / 7; B (1 + 0 + 1) / 4.
EXPECTED_21 = {"H56.19": (6, 7), "H56.101": (2, 4)}

#: Biểu 06, columns (3)…(13): received total, online, counter + postal, carried over; resolved total, early,
#: on time, late; in progress total, within, overdue.
EXPECTED_B06 = {
    "H56.19": [7, 4, 2, 1, 7, 4, 2, 1, 0, 0, 0],
    "H56.101": [4, 1, 3, 0, 2, 1, 0, 1, 2, 1, 1],
    "total": [11, 5, 5, 1, 9, 5, 2, 2, 2, 1, 1],
}


# -- reading the figures -----------------------------------------------------------------------------------


def _plain(value):
    """``value`` as JSON gives it back (dates and decimals as text), so two readings compare as data."""
    return json.loads(json.dumps(value, default=str))


def _moments_in_utc(value):
    """Fact states compared as moments, not as text (the services write +07:00, the importer UTC)."""
    if isinstance(value, dict):
        return {k: _moments_in_utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_moments_in_utc(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC).isoformat()
    return value


def read(names):
    """Every figure of March motcua gives: the province's 766 scorecard, Biểu 06, the figures per unit ×
    procedure, per unit code (rolled up), and each dossier's fact state (``names``: dossier pk → timeline)."""
    tree, per_unit = Tree(), period_figures(MARCH)
    by_procedure = period_figures(MARCH, by_procedure=True)
    return {
        "766": _plain(kpi766(OrgUnit.objects.get(code="H56"), MARCH).as_dict()),
        "766 by unit": {
            code: _plain(kpi766(OrgUnit.objects.get(code=code), MARCH).as_dict()) for code in CODES[:2]
        },
        "b06": _plain(b06_report("b06", MARCH).as_dict()),
        "by procedure": {str(k): f for k, f in sorted(by_procedure.items()) if any(f.values())},
        "by code": {code: rollup(per_unit, tree, tree.by_code(code).pk) for code in CODES},
        "april": {
            str(k): f for k, f in sorted(period_figures(parse_period("2026-04")).items()) if any(f.values())
        },
        "states": {
            names[pk]: _moments_in_utc(state)
            for pk, state in Dossier.objects.filter(pk__in=names).values_list("pk", "fact_state")
        },
    }


class _RollBack(Exception):
    pass


@pytest.fixture
def catalogue(people, clock):
    """The two procedures, published in January (before every dossier) and kept across the rollback."""
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=tl.VN))
    return publish(tl.pa_data()), publish(tl.pb_data())


@pytest.fixture
def played(catalogue, clock):
    """(3): the timelines through the services; their figures, then everything rolled back."""
    assert not Dossier.objects.exists()
    figures = None
    try:
        with transaction.atomic():
            desk = tl.Desk(*catalogue)
            tl.play(desk, clock)
            clock(NOW)
            figures = read({pk: name for name, pk in desk.made.items()})
            raise _RollBack
    except _RollBack:
        pass
    assert not Dossier.objects.exists()
    return figures


@pytest.fixture
def imported(catalogue, clock):
    """(2): the lines imported into the database that holds only the organisation and the catalogue."""
    assert not Dossier.objects.exists()
    clock(NOW)
    lines = tl.lines()
    report = history_import_lines(
        [(n, json.dumps(obj, ensure_ascii=False)) for n, obj in enumerate(lines, 1)], file_name="tay.jsonl"
    )
    assert [str(r) for r in report.rejections] == []
    assert report.written and report.imported == len(lines)
    names = dict(Dossier.objects.filter(code__in=[t.code for t in tl.TIMELINES]).values_list("pk", "code"))
    by_code = {t.code: t.name for t in tl.TIMELINES}
    return read({pk: by_code[code] for pk, code in names.items()})


def check_by_hand(figures):
    """The figures equal those worked out by hand."""
    for code, expected in EXPECTED.items():
        got = figures["by code"][code]
        assert {name: got[name] for name in expected} == expected, code
    indicators = {i["code"]: i for g in figures["766"]["groups"] for i in g["indicators"]}
    for item, (numerator, denominator, points) in EXPECTED_766.items():
        got = (indicators[item]["numerator"], indicators[item]["denominator"], indicators[item]["points"])
        assert got == (numerator, denominator, str(points)), item
    for code, (numerator, denominator) in EXPECTED_21.items():
        unit = {i["code"]: i for g in figures["766 by unit"][code]["groups"] for i in g["indicators"]}
        assert (unit["2.1"]["numerator"], unit["2.1"]["denominator"]) == (numerator, denominator), code
    b06 = figures["b06"]
    rows = {row["code"]: [row["values"][key] for key in KEYS] for row in b06["rows"]}
    assert rows["H56.19"] == EXPECTED_B06["H56.19"]
    assert rows["H56.101"] == EXPECTED_B06["H56.101"]
    assert [b06["total"]["values"][key] for key in KEYS] == EXPECTED_B06["total"]


# -- the tests ---------------------------------------------------------------------------------------------


def test_every_line_fits_the_format():
    lines = tl.lines()
    assert len(lines) == len(tl.TIMELINES) == 12
    assert [schema_error(obj) for obj in lines] == [None] * 12


def test_the_services_give_the_figures_worked_out_by_hand(played):
    check_by_hand(played)


def test_the_import_gives_the_figures_worked_out_by_hand(imported):
    check_by_hand(imported)
    assert facts_verify(facts_compute()).differences == []
    assert dossier_history_verify() is None


def test_the_import_gives_what_the_services_give(played, imported):
    """Every figure, not only those worked out by hand: the scorecard, Biểu 06, every counter per unit ×
    procedure in March and April, and each dossier's fact state."""
    assert len(imported["states"]) == len(played["states"]) == 12
    assert imported["states"] == played["states"]
    for part in ("by code", "by procedure", "april", "766", "766 by unit", "b06"):
        assert imported[part] == played[part], part
