"""Links on a message channel, confirmed as a phone would confirm them: by sending back the code."""

import pytest

from chirvir.gateways import links


def link_for(account, address="+15550001", channel="sms"):
    code = links.start_linking(account, channel, address)
    return links.confirm(channel, address, code)


@pytest.fixture
def alice_link(alice):
    return link_for(alice, "+15550001")


@pytest.fixture
def bob_link(bob):
    return link_for(bob, "+15550002")


@pytest.fixture(autouse=True)
def no_retries_left_over():
    """A retry a test left waiting in the immediate job queue's schedule is not the next test's."""
    from chirvir.jobs import huey

    yield
    huey.storage.flush_all()
