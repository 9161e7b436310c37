"""Quote posts through Mastodon.py against the live test server: quote with `status_post`, read
the quote, list a post's quotes and revoke one, and hear of it in the notifications.

Chirvir calls itself Mastodon 4.2 in its instance document, so Mastodon.py's own version check
would refuse its 4.5 quote methods before sending them: these clients are made with the check off
(what an app does that tries a call and reads the answer)."""

import pytest
from mastodon import Mastodon, MastodonAPIError

from chirvir.oauth import services as auth


@pytest.fixture
def app_for(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.DOMAIN = live_server.url.split("://", 1)[-1]

    def make(account):
        application, client_id, client_secret = auth.create_application("Mastodon.py", scopes="read write follow push")
        return Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            access_token=auth.issue_token(application, account, "read write follow push"),
            api_base_url=live_server.url,
        )

    return make


def test_quote_list_and_revoke_through_mastodon_py(app_for, alice, bob, carol):
    alice_app, bob_app, carol_app = app_for(alice), app_for(bob), app_for(carol)
    post = alice_app.status_post("quote me if you like", quote_approval_policy="followers")
    assert post.quote_approval.automatic == ["followers"]
    with pytest.raises(MastodonAPIError):
        carol_app.status_post("not a follower", quoted_status_id=post.id)

    bob_app.account_follow(alice.id)
    mine = bob_app.status_post("I like it", quoted_status_id=post.id)
    assert mine.quote.state == "accepted" and mine.quote.quoted_status.id == post.id
    assert alice_app.status(post.id).quotes_count == 1
    assert [n.type for n in alice_app.notifications()][:1] == ["quote"]

    assert [s.id for s in alice_app.status_quotes(post.id)] == [mine.id]
    with pytest.raises(MastodonAPIError):
        bob_app.status_quotes(post.id)
    revoked = alice_app.status_quote_revoke(post.id, mine.id)
    assert revoked.id == mine.id and revoked.quote.state == "revoked" and revoked.quote.quoted_status is None
    assert bob_app.status(mine.id).quote.state == "revoked"


def test_change_who_may_quote_a_post_through_mastodon_py(app_for, alice, bob):
    alice_app, bob_app = app_for(alice), app_for(bob)
    post = alice_app.status_post("open to quotes")
    changed = alice_app.status_update_quote_approval_policy(post.id, "nobody")
    assert changed.quote_approval.automatic == [] and changed.quote_approval.current_user == "automatic"
    assert bob_app.status(post.id).quote_approval.current_user == "denied"
    with pytest.raises(MastodonAPIError):
        bob_app.status_post("no", quoted_status_id=post.id)
    with pytest.raises(MastodonAPIError):  # only its author changes it
        bob_app.status_update_quote_approval_policy(post.id, "public")


def test_an_edit_changes_who_may_quote_through_mastodon_py(app_for, alice):
    alice_app = app_for(alice)
    post = alice_app.status_post("first words")
    edited = alice_app.status_update(post.id, "first words", quote_approval_policy="followers")
    assert edited.quote_approval.automatic == ["followers"]
    assert alice_app.status_history(post.id)[-1].content == "<p>first words</p>"
    assert len(alice_app.status_history(post.id)) == 1  # a policy is no new version
