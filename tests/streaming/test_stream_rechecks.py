"""Streams recheck their credentials now and then (CHIRVIR_STREAMING_RECHECK, here every second):
a token or an account ended without the services (an operator deleting a token's row, or an
UPDATE that no signal sees) still closes the streams it opened. On a server of its own, as the
other streaming tests check that the services close streams without the recheck's help."""

import pytest

from tests.streaming.conftest import served_community


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    with served_community(tmp_path_factory.mktemp("rechecks"), CHIRVIR_STREAMING_RECHECK="1") as community:
        yield community


def test_a_token_row_deleted_by_an_operator_closes_its_streams(community):
    bob = community.join("bob")
    with community.websocket(bob.token, stream="user") as socket, community.sse("user", bob.token) as stream:
        socket.settled()
        community.operator(
            "import hashlib; from oauth2_provider.models import AccessToken; "
            f"AccessToken.objects.filter(token_checksum=hashlib.sha256(b'{bob.token}').hexdigest()).delete()"
        )
        assert socket.closes() == (1008, [])
        assert stream.ends() == []


def test_an_account_made_inactive_behind_the_services_back_loses_its_streams(community):
    bob = community.join("bob")
    browser = community.browser(bob)
    with community.websocket(bob.token, stream="user") as socket, community.browser_sse(browser, "user") as stream:
        socket.settled()
        community.operator(
            f"from chirvir.accounts.models import Account; Account.objects.filter(username='{bob.username}')"
            ".update(is_active=False)"
        )
        assert socket.closes() == (1008, [])
        assert stream.ends() == []
