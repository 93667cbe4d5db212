import pytest


def seed_people():
    """The demo organisation, accounts and calendar — what most tests need, in a fraction of a second."""
    from motcua.accounts.demo import seed_demo_accounts
    from motcua.calendar.demo import seed_demo_calendar
    from motcua.org.demo import seed_demo_org

    seed_demo_org()
    seed_demo_accounts()
    seed_demo_calendar()


@pytest.fixture
def demo_data(db):
    """Demo organisation, accounts and calendar, through the same functions as `motcua seed_demo`."""
    seed_people()


@pytest.fixture
def full_demo(db):
    """Everything `motcua seed_demo` loads, including the 72 demo procedures and the demo dossiers, with a
    short simulated history (200 dossiers instead of the demo's year) to keep the tests quick."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0, history=200)


@pytest.fixture(autouse=True)
def _forget_procedure_specs():
    """Published versions are immutable and their ids never come back in production, so their parsed specs
    are cached by id; a test's rollback gives the next test the same id for another version."""
    from motcua.dossiers.procedure import _spec_cached

    _spec_cached.cache_clear()
    yield


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread (LocaleMiddleware activates and never
    deactivates); the next test must start in the default language whatever ran before it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
