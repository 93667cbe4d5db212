"""The portal's visit counter: public HTML pages viewed by a browser count (one cache increment, no personal
data), robots, the back office, the API, static files, errors, redirects and htmx fragments do not; the
counters move to ``DailyVisits`` (days in Asia/Ho_Chi_Minh) and the footer shows today, yesterday, this
week, this month and all time for at most one query (none while cached)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.template import engines
from django.urls import reverse

from motcua.accounts.models import User
from motcua.reporting import visits
from motcua.reporting.models import DailyVisits
from motcua.reporting.visits import (
    VisitTotals,
    visit_record,
    visit_totals,
    visit_totals_from_db,
    visits_flush,
)

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
BROWSER = "Mozilla/5.0 (Linux; Android 14; SM-A556E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"  # fmt: skip
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "",
]


@pytest.fixture
def pending():
    """The views counted in the cache and not yet flushed, today."""
    return lambda: cache.get(f"{visits.KEY}{visits.visit_day():%Y%m%d}") or 0


@pytest.fixture(autouse=True)
def _no_flush_during_requests():
    """Keep the counted views in the cache (the periodic flush is tested on its own)."""
    cache.set(visits.FLUSH_MARK, 1, 3600)
    yield


def test_a_browser_viewing_public_pages_counts(client, demo, pending):
    for url in (reverse("home"), reverse("procedure_list"), reverse("quality"), reverse("transparency")):
        assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    assert pending() == 4


@pytest.mark.parametrize("agent", ROBOTS)
def test_robots_and_scripts_do_not_count(client, demo, pending, agent):
    assert client.get(reverse("home"), HTTP_USER_AGENT=agent).status_code == 200
    assert pending() == 0


def test_what_is_not_a_public_page_view_does_not_count(client, demo, pending):
    ua = {"HTTP_USER_AGENT": BROWSER}
    assert client.get("/khong-co-trang-nay/", **ua).status_code == 404
    assert client.get(reverse("my_dossiers"), **ua).status_code == 302  # a redirect to sign in
    assert client.head(reverse("home"), **ua).status_code == 200
    assert client.get(reverse("home"), HTTP_HX_REQUEST="true", **ua).status_code == 200  # an htmx fragment
    assert client.get(reverse("home"), HTTP_SEC_PURPOSE="prefetch", **ua).status_code == 200
    assert client.get(reverse("api-v1:procedure_list_api"), **ua).status_code == 200  # the API
    assert client.get(reverse("healthz"), **ua).status_code == 200
    assert client.get(reverse("open_data_file", args=["thu-tuc-hanh-chinh", "csv"]), **ua).status_code == 200
    client.force_login(User.objects.get(username="motcua.tinh"))  # a one-stop officer
    assert client.get(reverse("backoffice:dashboard"), **ua).status_code == 200  # the back office
    assert pending() == 0
    assert client.get(reverse("home"), **ua).status_code == 200  # the portal, whoever views it
    assert pending() == 1


def test_nothing_about_the_visitor_is_stored(client, demo, pending):
    cache.clear()
    cache.set(visits.FLUSH_MARK, 1, 3600)
    client.get(reverse("home"), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    keys = list(cache._cache)  # the local-memory cache of the tests
    assert all("203.0.113.7" not in key and "Mozilla" not in key for key in keys)
    visits_flush()
    row = DailyVisits.objects.get()
    assert {f.name for f in DailyVisits._meta.get_fields()} == {"id", "day", "views"}
    assert row.views == 1


def test_flush_moves_the_counters_to_the_database_and_keeps_what_came_meanwhile():
    cache.clear()
    today = dt.date(2026, 3, 10)
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 50, tzinfo=VN), tick=False):
        visit_record()
    with time_machine.travel(dt.datetime(2026, 3, 10, 0, 10, tzinfo=VN), tick=False):  # 17:10 UTC on the 9th
        for _ in range(3):
            visit_record()
        assert visits_flush(today=today) == 4
        assert dict(DailyVisits.objects.values_list("day", "views")) == {
            dt.date(2026, 3, 9): 1,
            dt.date(2026, 3, 10): 3,
        }
        visit_record()
        assert visits_flush(today=today) == 1
        assert visits_flush(today=today) == 0  # nothing twice
    assert DailyVisits.objects.get(day=today).views == 4


def test_a_failed_database_write_puts_the_views_back(monkeypatch):
    cache.clear()
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=VN), tick=False):
        visit_record()
        visit_record()

        def refuse(day, count):
            raise RuntimeError("database down")

        monkeypatch.setattr(visits, "_add", refuse)
        with pytest.raises(RuntimeError):
            visits_flush()
        monkeypatch.undo()
        assert visits_flush() == 2
    assert DailyVisits.objects.get().views == 2


def test_the_counted_requests_flush_every_few_minutes(client, demo):
    cache.clear()
    client.get(reverse("home"), HTTP_USER_AGENT=BROWSER)  # the first one flushes (nothing was pending)
    assert DailyVisits.objects.get().views == 1
    client.get(reverse("home"), HTTP_USER_AGENT=BROWSER)
    assert DailyVisits.objects.get().views == 1  # within FLUSH_SECONDS: only counted in the cache
    cache.delete(visits.FLUSH_MARK)  # FLUSH_SECONDS later
    client.get(reverse("home"), HTTP_USER_AGENT=BROWSER)
    assert DailyVisits.objects.get().views == 3


def test_the_command_flushes(capsys):
    cache.clear()
    visit_record()
    call_command("visits", "--flush")
    assert DailyVisits.objects.get().views == 1
    assert "1" in capsys.readouterr().out


def seed_rows(rows):
    for day, views in rows.items():
        DailyVisits.objects.create(day=day, views=views)


ROWS = {
    dt.date(2025, 12, 31): 100,
    dt.date(2026, 2, 28): 50,
    dt.date(2026, 3, 1): 7,  # Sunday: this month, last week
    dt.date(2026, 3, 9): 5,  # Monday: yesterday, this week
    dt.date(2026, 3, 10): 2,  # Tuesday
}


def at(day, hour=12):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), VN), tick=False)


def test_totals_today_yesterday_week_month_and_all_time():
    cache.clear()
    seed_rows(ROWS)
    today = dt.date(2026, 3, 10)
    with at(today, 15):
        assert visit_totals() is None  # nothing flushed since the cache was emptied
        visits_flush()
        visit_record()  # still pending in the cache
        assert visit_totals() == VisitTotals(today=3, yesterday=5, week=8, month=15, total=165)
        assert visit_totals_from_db(today) == VisitTotals(today=2, yesterday=5, week=7, month=14, total=164)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # The next day: the snapshot's "today" is yesterday; same week, same month.
        (dt.date(2026, 3, 11), VisitTotals(today=0, yesterday=5, week=10, month=17, total=167)),
        # A Sunday: nothing yesterday, still the same week.
        (dt.date(2026, 3, 15), VisitTotals(today=0, yesterday=0, week=10, month=17, total=167)),
        # Monday 16 March: a new week, the same month.
        (dt.date(2026, 3, 16), VisitTotals(today=0, yesterday=0, week=0, month=17, total=167)),
        # 1 April: a new month — and the views never flushed for KEEP_DAYS (8) days have expired.
        (dt.date(2026, 4, 1), VisitTotals(today=0, yesterday=0, week=0, month=0, total=165)),
    ],
)
def test_the_snapshot_moves_to_the_next_days_as_the_rows_would(today, expected):
    """Until the next flush the totals come from the snapshot of 10 March and the pending views; after
    it, the rows' sums are the same."""
    cache.clear()
    seed_rows(ROWS)
    with at(dt.date(2026, 3, 10), 15):
        visit_record()
        visits_flush()
        visit_record()
        visit_record()  # pending: 2 on the 10th
    with at(today):
        assert visit_totals() == expected
        visits_flush()
        assert visit_totals_from_db(today) == expected == visit_totals()


def test_the_footer_costs_no_query(django_assert_num_queries):
    cache.clear()
    DailyVisits.objects.create(day=visits.visit_day(), views=1233)
    template = engines["django"].from_string("{% load visit_tags %}{% visit_counter %}")
    with django_assert_num_queries(0):
        assert template.render({}).strip() == ""  # hidden before the first flush
    visit_record()
    visits_flush()
    with django_assert_num_queries(0):
        html = template.render({})
    assert "Lượt truy cập" in html and "Hôm nay <strong>1.234</strong>" in html
    for label in ("Hôm qua", "Tuần này", "Tháng này", "Tổng cộng"):
        assert label in html
    visit_record()
    with django_assert_num_queries(0):
        assert "Hôm nay <strong>1.235</strong>" in template.render({})  # the pending view shows at once


def test_pages_show_the_counter_in_their_footer_once_counted(client, demo):
    cache.clear()
    client.get(reverse("home"), HTTP_USER_AGENT=BROWSER)  # counted, and the first flush
    html = client.get(reverse("procedure_list")).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'class="visit-counter"' in footer and "Hôm nay <strong>1</strong>" in footer
    assert "Tổng cộng <strong>1</strong>" in footer


class BrokenCache:
    def __getattr__(self, name):
        def broken(*args, **kwargs):
            raise ConnectionError("redis down")

        return broken


def test_a_broken_cache_never_breaks_a_page(client, demo, monkeypatch):
    monkeypatch.setattr(visits, "cache", BrokenCache())
    response = client.get(reverse("home"), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200 and 'class="visit-counter"' not in response.content.decode()
