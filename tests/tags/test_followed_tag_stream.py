"""A followed hashtag's public posts reach the follower's live `user` stream on a real
`chirvir serve`, as its home gets them; a followers-only post with the hashtag never does."""

import json


def test_the_user_stream_hears_a_followed_hashtags_public_posts_only(community):
    alice, bob = community.join("alice"), community.join("bob")
    assert alice.api.tag_follow("chirvir").following is True
    with community.sse("user", alice.token) as stream:
        bob.api.status_post("for my followers #chirvir", visibility="private")
        posted = bob.api.status_post("for everyone #Chirvir")
        event, data = stream.next_event()
    assert event == "update" and json.loads(data)["id"] == str(posted.id)
    assert [s.id for s in alice.api.timeline_home()] == [posted.id]
