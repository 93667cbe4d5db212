"""The bottleneck view: the slow step at its unit comes first and is named; the officers' load; the page."""

# ruff: noqa: F811 - the fixtures imported below are parameters of the tests

import pytest
from django.core.management import call_command
from django.urls import reverse

from motcua.reporting.bottlenecks import bottlenecks
from motcua.reporting.periods import parse_period

from .test_risk import clock, demo, evaluation_history, journey, people, slow_history, version, vn, waiting  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
PAGE = reverse("backoffice:bottlenecks")


@pytest.fixture
def busy(waiting, journey, clock):
    """The open dossiers of ``waiting`` and eight slow passes through TD (ten are needed to flag a step)."""
    slow_history(journey, n=2)
    clock(vn(2026, 3, 18, 10, 0))
    return waiting


def test_the_slow_step_is_named_first(busy, people):
    report = bottlenecks(period=parse_period("2026-03"), user=people["leader"], now=vn(2026, 3, 18, 10, 0))
    top = report.top
    assert top is report.rows[0]
    assert (top.key[1], top.unit, top.step_name) == ("TD", "Sở NN&MT", "Thẩm định hồ sơ")
    # The eight slow passes (48 h, allowed 22.5 h from Mon 08:30 to Wed 17:00) and three quick ones.
    assert top.passes == 11 and top.median == pytest.approx(48.0) and top.late == 8
    assert top.budget == pytest.approx(22.5)
    assert top.excess == pytest.approx(8 * (48 - 22.5))
    assert top.open_now == 2 and top.is_bottleneck
    assert "thường mất 6,0 ngày làm việc" in top.summary and "Sở NN&MT" in top.summary
    # Every other step keeps to its budget.
    assert all(not r.is_bottleneck for r in report.rows[1:])
    ky = next(r for r in report.rows if r.key[1] == "KY")
    assert (ky.passes, ky.median, ky.open_now, ky.late) == (8, pytest.approx(2.0), 1, 0)
    # The return of the result (opened at each decision, still open) is not a processing step.
    assert all(r.key[1] != "TKQ" for r in report.rows)


def test_officers_load(waiting, people):
    report = bottlenecks(period=parse_period("2026-03"), user=people["leader"], now=vn(2026, 3, 18, 10, 0))
    by_name = {o.name: o for o in report.officers}
    specialist = by_name[people["specialist"].full_name]
    # The specialist handed on the nine TD passes (none was assigned: the one who forwarded counts).
    assert specialist.finished == 9 and specialist.open_now == 0
    assert specialist.per_week == pytest.approx(9 / (17 * 24 + 10) * 24 * 7)  # 1 March 00:00 → 18 March 10:00
    # The tax office is not among the leader's units: its officer is not listed.
    assert people["tax"].full_name not in by_name


def test_open_steps_with_an_assignee_count_as_load(waiting, people, clock):
    from motcua.dossiers import services as s

    clock(vn(2026, 3, 18, 9, 0))
    s.dossier_assign(dossier=waiting["td_early"], actor=people["leader"], assignee=people["specialist"])
    report = bottlenecks(period=parse_period("2026-03"), user=people["leader"], now=vn(2026, 3, 18, 10, 0))
    specialist = next(o for o in report.officers if o.name == people["specialist"].full_name)
    assert specialist.open_now == 1 and specialist.open_overdue == 0


def test_a_period_without_steps_is_empty(waiting, people):
    report = bottlenecks(period=parse_period("2025-01"), user=people["leader"])
    assert report.top is None and all(r.passes == 0 for r in report.rows)  # only the open steps


def test_page_shows_the_bottleneck_officers_and_latest_evaluation(client, journey, people, clock):
    evaluation_history(journey)
    clock(vn(2026, 4, 1, 9, 0))
    client.force_login(people["leader"])
    html = client.get(PAGE, {"period": "2026-03"}).content.decode()
    assert "Điểm nghẽn lớn nhất" in html and "Thẩm định hồ sơ" in html
    assert "Chưa có lần đánh giá nào" in html
    call_command("risk", "--evaluate", "--start", "2026-03-16", stdout=open("/dev/null", "w"))  # noqa: SIM115
    html = client.get(PAGE, {"period": "2026-03"}).content.decode()
    assert "66,7%" in html and 'class="rk-hit">2<' in html
    assert people["specialist"].full_name in html


def test_page_rejects_a_bad_period_and_non_leaders(client, people, demo):
    client.force_login(people["leader"])
    response = client.get(PAGE, {"period": "2026-13"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng không hợp lệ" in html and 'aria-invalid="true"' in html
    assert "Chưa có bước xử lý nào kết thúc" in html
    client.force_login(people["specialist"])
    assert client.get(PAGE).status_code == 403
    client.force_login(people["admin"])
    assert client.get(PAGE).status_code == 200
