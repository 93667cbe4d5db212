"""The lists behind the scorecard's figures have exactly as many dossiers as the figures say.

A few dozen dossiers are driven through the real services (online and counter, early, on time and late,
waiting for and closed for want of a supplement, stopped, apologised for, suspended, handed over, refused,
received at dawn so that the UTC day differs); the fact table fills through the same-transaction hook.
Then for many periods and units each drill-down count must equal the figure read from the fact table.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin, Dossier
from motcua.dossiers.services.intake import CounterApplicant
from motcua.dossiers.status import DossierStatus
from motcua.org.models import OrgUnit
from motcua.reporting.drilldown import FIGURES, UnknownFigure, drilldown_counts, drilldown_queryset
from motcua.reporting.figures import Tree, period_figures, rollup
from motcua.reporting.periods import parse_period
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, version, vn

__all__ = ["clock", "demo", "people", "pin_tax_unit", "version"]

pytestmark = pytest.mark.django_db

#: "Now" for the reads: after every story, so nothing runs into the future.
NOW = vn(2026, 11, 20, 10, 0)


class Stories:
    """Dossier journeys at chosen moments, through the services."""

    def __init__(self, people, version, clock):
        self.p, self.version, self.clock = people, version, clock
        self.centre = OrgUnit.objects.get(code="H56.40")
        self.commune = people["commune_officer"].memberships.get().org_unit
        self.n = 0

    def at(self, moment):
        return self.clock(moment)

    def online(self, t, *, reused=False):
        self.at(t)
        d = s.dossier_create_draft(
            applicant=self.p["citizen"], procedure_version=self.version, receiving_point=self.centre
        )
        for i, component in enumerate(d.components.filter(required=True)):
            component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
            component.origin = ComponentOrigin.REUSED if reused and i == 0 else ComponentOrigin.UPLOAD
            component.save()
        return s.dossier_submit(dossier=d, applicant=self.p["citizen"])

    def received(self, t, **kw):
        d = self.online(t, **kw)
        self.at(t + dt.timedelta(minutes=30))
        return s.dossier_receive(
            dossier=d,
            officer=self.p["officer"],
            checked_component_ids=list(d.components.values_list("pk", flat=True)),
        )

    def counter(self, t):
        self.at(t)
        self.n += 1
        return s.dossier_receive_at_counter(
            officer=self.p["commune_officer"],
            receiving_point=self.commune,
            procedure_version=self.version,
            applicant=CounterApplicant(
                kind="citizen", name=f"Lê Văn Quầy {self.n}", personal_id="038090012345"
            ),
            provided_positions=[1, 2],
        )

    def routed(self, t, *, counter=False, **kw):
        d = self.counter(t) if counter else self.received(t, **kw)
        self.at(t + dt.timedelta(hours=1))
        officer = self.p["commune_officer"] if counter else self.p["officer"]
        return s.dossier_route(dossier=d, officer=officer)

    def to_signing(self, d, t, *, paper=False):
        self.at(t)
        d = s.dossier_forward(dossier=d, actor=self.p["specialist"], to_step="LT", paper=paper)
        self.at(t + dt.timedelta(hours=2))
        d = s.dossier_forward(dossier=d, actor=self.p["tax"], to_step="PD", paper=paper)
        self.at(t + dt.timedelta(hours=3))
        return s.dossier_forward(dossier=d, actor=self.p["head"], to_step="KY")

    def decide(self, d, t):
        d = self.to_signing(d, t - dt.timedelta(hours=4))
        self.at(t)
        return s.dossier_decide(dossier=d, actor=self.p["leader"], decision="approved")

    def ask(self, d, t, actor="specialist"):
        self.at(t)
        return s.dossier_request_supplement(
            dossier=d, actor=self.p[actor], reason="Thiếu sơ đồ", items=["Sơ đồ khu vực khai thác"]
        )

    def supply(self, d, t):
        self.at(t)
        return s.dossier_supplement(dossier=d, actor=self.p["citizen"])

    def withdraw(self, d, t):
        self.at(t)
        return s.dossier_withdraw(dossier=d, actor=self.p["citizen"], reason="Không còn nhu cầu")


STARTS = (vn(2026, 3, 2, 9, 0), vn(2026, 3, 23, 9, 0), vn(2026, 4, 20, 9, 0), vn(2026, 5, 25, 9, 0))


def build_dataset(people, version, clock, starts=STARTS) -> list[Dossier]:
    """Thirteen journeys from each of ``starts`` (about fifty dossiers over March–June 2026 by default),
    resolved by H56.19 and received at H56.40 or a commune."""
    st = Stories(people, version, clock)
    day = dt.timedelta(days=1)
    made: list[Dossier] = []
    # First the dossiers closed for want of a supplement, so that the closing run touches only them.
    for t in starts:
        d = st.received(t)
        made.append(st.ask(d, t + dt.timedelta(hours=2), actor="officer"))
    st.at(vn(2026, 7, 1, 8, 0))
    s.dossier_close_expired_supplements()
    for i, t in enumerate(starts):
        made.append(st.decide(st.routed(t, reused=i % 2 == 0), t + 3 * day))  # early
        made.append(st.decide(st.routed(t + dt.timedelta(hours=1)), t + 9 * day))  # late
        made.append(st.routed(t + dt.timedelta(hours=2)))  # open: within, then overdue
        d = st.routed(t + dt.timedelta(hours=3), counter=True)
        made.append(st.decide(d, t + 7 * day + dt.timedelta(hours=1)))  # on the due day
        d = st.ask(st.routed(t + dt.timedelta(hours=4)), t + day)
        d = st.supply(d, t + 3 * day)
        made.append(st.decide(d, t + 6 * day))  # supplement answered, then decided
        made.append(st.ask(st.routed(t + dt.timedelta(hours=5)), t + 10 * day))  # late request, waiting
        made.append(st.ask(st.routed(t + dt.timedelta(hours=6)), t + 2 * day))  # request in time, waiting
        made.append(st.withdraw(st.routed(t + dt.timedelta(hours=7)), t + 2 * day))  # stopped
        d = st.ask(st.routed(t + dt.timedelta(hours=8)), t + day)
        made.append(st.withdraw(d, t + 4 * day))  # stopped while waiting
        d = st.routed(t + dt.timedelta(hours=9))
        st.at(t + 2 * day)
        d = s.dossier_apologise(
            dossier=d, actor=people["leader"], reason="Chờ xác minh", new_due_at=t + 14 * day
        )
        made.append(st.decide(d, t + 10 * day))  # decided after the first due, before the new one
        d = st.routed(t + dt.timedelta(hours=10))
        st.at(t + day)
        d = s.dossier_suspend(dossier=d, actor=people["specialist"], reason="Xác minh", legal_basis="Điều 10")
        st.at(t + 3 * day)
        made.append(s.dossier_resume(dossier=d, actor=people["leader"]))  # open after a suspension
        d = st.routed(t + dt.timedelta(hours=11))
        st.at(t + 2 * day)
        made.append(
            s.dossier_forward(dossier=d, actor=people["specialist"], to_step="LT")
        )  # at the tax office
        d = st.online(t + dt.timedelta(hours=12))
        st.at(t + dt.timedelta(hours=13))
        made.append(s.dossier_refuse(dossier=d, officer=people["officer"], reason="Sai thẩm quyền"))
    # Received at dawn on the first of a month: the day in Hanoi is not the day in UTC.
    made.append(st.decide(st.routed(vn(2026, 4, 1, 6, 30)), vn(2026, 4, 3, 9, 0)))
    made.append(st.routed(vn(2026, 6, 30, 23, 30)))
    st.at(NOW)
    for d in made:
        d.refresh_from_db()
    return made


@pytest.fixture
def dataset(people, version, clock):
    return build_dataset(people, version, clock)


@pytest.fixture
def small_dataset(people, version, clock):
    """Half of it: the journeys from 23 March and 20 April (for the pages' tests)."""
    return build_dataset(people, version, clock, starts=STARTS[1:3])


PERIODS = [
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
    "2026-07",
    "2026-Q1",
    "2026-Q2",
    "2026",
    "2026-03-10..2026-04-07",
    "2026-04-01..2026-04-01",
    "2026-03-31..2026-03-31",
    "2026-03-09..2026-03-09",
    "2026-06-30..2026-07-01",
]


def test_every_list_has_as_many_dossiers_as_its_figure(dataset):
    statuses = {d.status for d in dataset}
    assert {"result_ready", "awaiting_supplement", "processing", "stopped", "closed", "refused"} <= statuses
    tree = Tree()
    agency = OrgUnit.objects.get(code="H56.19")
    province = OrgUnit.objects.get(code="H56")
    checked = 0
    for text in PERIODS:
        period = parse_period(text)
        per_unit = period_figures(period)
        for unit in (province, agency):
            members = tree.subtree(unit.pk)
            figures = rollup(per_unit, tree, unit.pk)
            counts = drilldown_counts(period=period, unit_ids=members)
            assert counts == {f: figures[f] for f in FIGURES}, (text, unit.code)
            checked += sum(counts.values())
            if text in ("2026-Q2", "2026-03-31..2026-03-31") and unit == agency:
                for figure in FIGURES:  # the lists themselves, one by one
                    listed = drilldown_queryset(figure=figure, period=period, unit_ids=members).count()
                    assert listed == figures[figure], (text, figure)
    assert checked > 500  # the figures are not all zero


def test_the_rows_are_the_dossiers_of_the_figure(small_dataset):
    period = parse_period("2026-Q2")
    late = list(drilldown_queryset(figure="resolved_late", period=period))
    assert late and all(d.end_class == "late" for d in late)
    overdue = drilldown_queryset(figure="in_progress_overdue", period=period)
    within = drilldown_queryset(figure="in_progress_within", period=period)
    everything = drilldown_queryset(figure="in_progress", period=period)
    assert set(overdue) | set(within) == set(everything)
    assert not set(overdue) & set(within)
    assert (
        not drilldown_queryset(figure="received", period=period).filter(status=DossierStatus.REFUSED).exists()
    )
    online = drilldown_queryset(figure="received_online", period=period)
    assert online.exists() and not online.exclude(channel="online").exists()
    # Another unit's subtree holds none of them.
    other = OrgUnit.objects.get(code="H56.52")
    assert not drilldown_queryset(figure="received", period=period, unit_ids=[other.pk]).exists()


def test_an_unknown_figure_is_refused():
    with pytest.raises(UnknownFigure):
        drilldown_queryset(figure="nope", period=parse_period("2026"))
