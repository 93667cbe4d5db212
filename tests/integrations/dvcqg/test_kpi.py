"""Decision 766 item 1.4 from the synchronisation: dossiers whose statuses and result reached the portal /
dossiers received in the period, per unit subtree; "không áp dụng" while not connected or without provider."""

from decimal import Decimal

import pytest

from motcua.dossiers import services as s
from motcua.integrations.dvcqg.client import portal_client
from motcua.integrations.dvcqg.outbox import updates_send_due
from motcua.org.models import OrgUnit
from motcua.reporting import providers
from motcua.reporting.kpi766 import kpi766, kpi766_all
from motcua.reporting.periods import parse_period

from .conftest import online, received, vn

pytestmark = pytest.mark.django_db

MARCH = parse_period("2026-03")


def item(code, unit="H56"):
    card = kpi766(OrgUnit.objects.get(code=unit), MARCH)
    return next(i for i in card.indicators if i.code == code)


@pytest.fixture
def march(people, version, clock, portal):
    """In March: A received and fully synchronised; B received, its receipt not yet sent; C online, not
    yet received (not counted); D received in April (not counted)."""
    a = received(people, version, clock)
    updates_send_due(client=portal_client())
    b = received(people, version, clock)
    online(people, version, clock, applicant="citizen2")
    d = online(people, version, clock, at=vn(2026, 4, 1, 9, 0))
    clock.shift(minutes=5)
    s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )
    clock(vn(2026, 4, 2, 9, 0))
    return {"a": a, "b": b}


def test_the_share_of_the_province_and_of_the_resolving_unit(march):
    one = item("1.4")
    assert (one.numerator, one.denominator, one.ratio, one.points) == (
        1,
        2,
        Decimal("0.5000"),
        Decimal("3.00"),
    )
    assert one.source == "dvcqg" and one.note == ""
    unit = item("1.4", "H56.19")  # the resolving unit of all of them
    assert (unit.numerator, unit.denominator) == (1, 2)
    other = item("1.4", "H56.101")  # a commune: none of its dossiers
    assert (other.numerator, other.denominator, other.ratio) == (0, 0, None)


def test_the_share_grows_as_updates_reach_the_portal(march):
    updates_send_due(client=portal_client())
    assert (item("1.4").numerator, item("1.4").denominator) == (2, 2)


def test_a_later_undelivered_status_makes_a_dossier_unsynchronised_again(march, people, clock):
    updates_send_due(client=portal_client())
    s.dossier_route(dossier=march["a"], officer=people["officer"])
    assert (item("1.4").numerator, item("1.4").denominator) == (1, 2)


def test_imported_history_is_not_counted(march):
    march["b"].__class__.objects.filter(pk=march["b"].pk).update(imported_from="legacy-egov")
    assert (item("1.4").numerator, item("1.4").denominator) == (1, 1)


def test_not_applicable_while_not_connected(march, settings):
    settings.MOTCUA_DVCQG = {"backend": "off"}
    one = item("1.4")
    assert (one.numerator, one.denominator, one.ratio, one.points, one.source) == (
        0,
        0,
        None,
        Decimal("0.00"),
        "none",
    )
    assert "Chưa kết nối" in one.note


def test_not_applicable_without_a_provider(march, monkeypatch):
    monkeypatch.setitem(providers._providers, "sync", None)
    assert (item("1.4").denominator, item("1.4").ratio) == (0, None)


def test_the_provider_is_registered_when_django_starts():
    from motcua.integrations.dvcqg.selectors import portal_sync_figures

    assert providers.sync_figures_provider() is portal_sync_figures


def test_all_units_at_once_agree(march):
    cards = {c.unit_code: c for c in kpi766_all(MARCH)}
    for code in ("H56", "H56.19", "H56.101"):
        got = next(i for i in cards[code].indicators if i.code == "1.4")
        want = item("1.4", code)
        assert (got.numerator, got.denominator) == (want.numerator, want.denominator), code
