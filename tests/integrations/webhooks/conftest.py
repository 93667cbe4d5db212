"""Webhook tests: the dossier tests' people, procedure and clock, an in-process fake receiver that checks
signatures with ``signing.verify`` against the tests' clock, and a worker driven by the same clock (no
sleeping: time moves when a test moves it)."""

import datetime as dt

import pytest
from django.utils import timezone

from motcua.integrations.webhooks import outbox
from motcua.integrations.webhooks.fake import FakeReceiver
from motcua.integrations.webhooks.models import DeliveryStatus, WebhookDelivery
from motcua.integrations.webhooks.services import endpoint_create
from motcua.org.models import OrgUnit
from tests.dossiers.conftest import clock, demo, people, pin_tax_unit, staff_user, version, vn
from tests.integrations.dvcqg.conftest import journey, online, received

__all__ = ["clock", "demo", "journey", "online", "people", "pin_tax_unit", "received", "staff_user", "version",
           "vn"]  # fmt: skip

URL = "https://client.example.vn/motcua/webhooks"
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.MOTCUA_WEBHOOKS = {"retry_jitter": 0.1, "lease_seconds": 120}


def endpoint(name="Hệ thống của Sở", url=URL, event_types=("*",), units=(), active=True):
    """An endpoint registered through the service; returns (endpoint, secret)."""
    return endpoint_create(
        actor=None, name=name, url=url, event_types=list(event_types),
        units=[OrgUnit.objects.get(code=code) for code in units], active=active,
    )  # fmt: skip


class Worker:
    """Runs ``deliver_webhooks`` passes at the tests' clock and moves the clock between them."""

    def __init__(self, clock, receiver):
        self.clock = clock
        self.receiver = receiver

    @property
    def now(self):
        return self.clock.moment

    def run(self, batch=100):
        return outbox.deliveries_send_due(transport=self.receiver, now=self.now, batch=batch)

    def advance(self, **delta):
        self.clock.shift(**delta)

    def advance_to_next(self):
        """Move the clock to the earliest next attempt of a waiting delivery (False: nothing waits)."""
        moment = (
            WebhookDelivery.objects.filter(
                status__in=WAITING, next_attempt_at__isnull=False, endpoint__active=True
            )
            .exclude(outbox._earlier_waiting())  # held behind an earlier event: not the next to go
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if moment is None:
            return False
        self.clock(max(moment, self.now))
        return True

    def drain(self, limit=50):
        """Passes until nothing waits (each time moving to the next due moment); returns the passes."""
        passes = 0
        while passes < limit:
            self.run()
            passes += 1
            if not self.advance_to_next():
                return passes
        raise AssertionError("deliveries still waiting after the pass limit")


@pytest.fixture
def receiver(clock):
    """The fake receiver, with no secret yet (``receiver.secret = secret`` after registering)."""
    return FakeReceiver(clock=lambda: getattr(clock, "moment", None) or timezone.now())


@pytest.fixture
def worker(clock, receiver):
    clock(vn(2026, 3, 2, 8, 0))
    return Worker(clock, receiver)


def at(clock, moment=None):
    return clock(moment or vn(2026, 3, 2, 9, 0))


def minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60
