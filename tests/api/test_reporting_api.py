"""The scorecard over the API: figures and 766 indicators of a unit, clear errors for a bad period or unit."""

from tests.portal.conftest import received


def get(client, path, **params):
    return client.get(f"/api/v1/reporting/{path}", params)


def test_figures_follow_a_received_dossier(client, people, version, clock):
    d = received(people, version, clock)
    response = get(client, "figures", period="2026-03", unit=d.resolving_unit.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == d.resolving_unit.code and body["period"]["start"] == "2026-03-01"
    figures = body["figures"]
    assert (figures["received"], figures["received_online"], figures["carried_over"]) == (1, 1, 0)
    assert (figures["in_progress"], figures["resolved"]) == (1, 0)
    # The province includes the unit; February knew nothing of it and April carries it over.
    assert get(client, "figures", period="2026-03").json()["figures"]["received"] == 1
    assert get(client, "figures", period="2026-02").json()["figures"]["received_total"] == 0
    april = get(client, "figures", period="2026-04").json()["figures"]
    assert (april["received"], april["carried_over"], april["received_total"]) == (0, 1, 1)


def test_kpi766_scores_the_unit(client, people, version, clock):
    d = received(people, version, clock)
    body = get(client, "kpi766", period="2026-Q1", unit=d.resolving_unit.code).json()
    indicators = {i["code"]: i for g in body["groups"] for i in g["indicators"]}
    assert (indicators["3.3"]["numerator"], indicators["3.3"]["denominator"]) == (1, 1)
    assert indicators["3.3"]["points"] == "6.00"  # 100 % online against a 50 % target: capped at the maximum
    assert indicators["1.4"]["ratio"] is None and indicators["1.4"]["points"] == "0.00"  # not held yet
    assert body["max_total"] == "100"
    assert {g["code"] for g in body["groups"]} == {"1", "2", "3", "3T", "4", "5"}
    five = get(client, "kpi766", period="2026-Q1", profile="qd766_2022").json()
    assert [g["code"] for g in five["groups"]] == ["1", "2", "3", "4", "5"] and five["max_total"] == "100"


def test_bad_period_and_unknown_unit_are_clear_errors(client, demo):
    response = get(client, "kpi766", period="2026-Q5")
    assert response.status_code == 400 and response.json()["code"] == "period_invalid"
    assert "2026-Q1" in response.json()["message"]
    reversed_period = get(client, "figures", period="2026-03-10..2026-03-01")
    assert reversed_period.status_code == 400
    response = get(client, "figures", period="2026", unit="H56.999")
    assert response.status_code == 404 and response.json()["code"] == "unit_not_found"
