import pytest


@pytest.fixture
def demo_data(db):
    """The Thanh Hóa demo organisation and accounts, loaded through the same code as `motcua seed_demo`."""
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
