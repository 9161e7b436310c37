"""The API against its own OpenAPI document. The document is valid and lists every route; then
schemathesis sends every operation generated requests, through the ASGI app the server runs, with
real tokens: boundary and wrong-method requests (its coverage phase), then random ones, valid and
invalid, half of them naming things that exist (fuzzing). Every answer must be one the
document describes (status, content type, body), and none may be a server error."""

import re
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from django.utils import timezone
from schemathesis.config import SchemathesisConfig

from chirvir.accounts import services as accounts
from chirvir.api import openapi, urls
from chirvir.api.counters import counters
from chirvir.lists import services as lists
from chirvir.asgi import application
from chirvir.notifications.models import Notification
from chirvir.oauth import services as auth
from chirvir.polls import services as polls
from chirvir.scheduled import services as scheduling
from chirvir.statuses import services as statuses
from chirvir.statuses.models import AccountConversation

FUZZED_EXAMPLES = 25  # per operation; with the coverage phase, the file runs in about a minute


def load(phase: str):
    config = SchemathesisConfig.from_dict(
        {
            "phases": {name: {"enabled": name == phase} for name in ("examples", "coverage", "fuzzing")},
            "checks": {
                # These two judge how strict input checking is. The Mastodon API is lenient by design
                # (an empty or unknown parameter is ignored, "0" is a boolean), and whether valid-looking
                # data is accepted depends on what is stored (client IDs, passwords, who follows whom).
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_asgi("/api/openapi.json", application, config=config)


coverage = load("coverage")
fuzzing = load("fuzzing")


@pytest.fixture
def tokens(token_for, alice):
    """Alice's token with every scope first, then one that may only read, and an app's (no user)."""
    return [token_for(alice), token_for(alice, "read"), token_for(None)]


@pytest.fixture
def world(make_account, alice, bob, carol):
    """A small network around alice, whose tokens the requests carry: a follow, a request to follow,
    a thread with a mention and a hashtag, a like, a direct message, her list and another's public
    one, a poll of bob's, a post she scheduled, and an app with its secret.
    Returns, by parameter name, values that name things that exist."""
    dave = make_account("dave", locked=True)
    accounts.follow(alice, bob)
    accounts.follow(carol, alice)
    accounts.follow(alice, dave)  # dave is locked: a request
    post = statuses.post_status(bob, "Hello @alice #chirvir", visibility="public")
    reply = statuses.post_status(alice, "@bob hi back #chirvir", in_reply_to_id=post.id)
    statuses.favourite(bob, reply.id)
    direct = statuses.post_status(alice, "@bob a secret", visibility="direct")
    application, client_id, client_secret = auth.create_application("Schemathesis", scopes="read write follow")
    own = lists.create_list(alice, "Friends")
    lists.add_members(alice, own.id, [bob.id])
    carols = lists.create_list(carol, "Carol's", public=True)  # a public list not alice's
    asked = statuses.post_status(bob, "Tea or coffee?", poll=polls.draft(["Tea", "Coffee"], 600))
    later = scheduling.schedule_status(alice, "Later", timezone.now() + timedelta(hours=1))
    return {
        "list_id": [own.id, carols.id],
        "account_ids": [bob.id, dave.id],
        "account_id": [alice.id, bob.id, carol.id, dave.id],
        "status_id": [post.id, reply.id, direct.id],
        "in_reply_to_id": [post.id, reply.id, direct.id],
        "notification_id": list(Notification.objects.filter(account=alice).values_list("id", flat=True)),
        "conversation_id": list(AccountConversation.objects.filter(account=alice).values_list("id", flat=True)),
        "hashtag": ["chirvir"],
        "poll_id": [asked.poll.id],
        "scheduled_id": [later.id],
        "client_id": [client_id],
        "client_secret": [client_secret],
        "redirect_uri": [auth.OOB],
        "redirect_uris": [auth.OOB],
        "grant_type": ["password", "client_credentials"],
        "scope": ["read", "read write follow"],
        "username": ["alice"],
        "password": ["a long password 7"],
        "token": [auth.issue_token(application, bob)],  # one to revoke: never the one the requests carry
    }


@coverage.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_boundary_and_wrong_method_requests_get_documented_answers(case, tokens):
    counters().clear()  # each request in a fresh window, as test_ratelimit.py tells the limits' stories
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[0]}"})


@fuzzing.parametrize()
@fuzzing.given(data=st.data())
# The same examples on every run, so CI cannot pass or fail by luck; change the code, get new ones.
@settings(max_examples=FUZZED_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_random_requests_get_documented_answers(case, data, world, tokens):
    # Half the requests name things that exist, so they get past "not found" to the operation's work.
    if data.draw(st.booleans(), label="things that exist"):
        for values in (case.path_parameters, case.query, case.body):
            for name in values if isinstance(values, dict) else ():
                if name in world:
                    values[name] = str(data.draw(st.sampled_from(world[name]), label=name))
    # Mostly the token with every scope; sometimes one refused for its scope or for having no user.
    token = data.draw(st.one_of(st.just(tokens[0]), st.sampled_from(tokens)), label="token")
    counters().clear()
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


def test_the_document_is_valid_openapi_and_lists_every_route():
    fuzzing.validate()
    assert all(result.ok() for result in fuzzing.get_all_operations())
    documented = {path: set(item) for path, item in openapi.build()["paths"].items()}
    examples = [re.sub(r"{\w+}", "1", path).removeprefix("/") for path in documented]
    for pattern in urls.urlpatterns:
        assert any(pattern.pattern.match(example) for example in examples), pattern.pattern
    assert {"/health", "/api/v1/streaming/health", "/api/openapi.json"} <= documented.keys()
    assert documented["/api/v1/statuses/{status_id}"] == {"get", "put", "delete"}
