"""The command language of SMS and XMPP: what a linked person sends and what comes back."""

from chirvir.accounts import services as accounts
from chirvir.accounts.models import Follow
from chirvir.gateways.commands import run
from chirvir.gateways.models import Link, LinkFollowee
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status


def test_any_other_text_is_a_post(alice_link, alice):
    assert run(alice_link, "hello from my phone") == ["Posted."]
    assert Status.objects.get(account=alice).text == "hello from my phone"


def test_d_sends_a_direct_message(alice_link, alice, bob):
    assert run(alice_link, "D bob see you at 6") == ["Direct message sent."]
    status = Status.objects.get(account=alice)
    assert status.visibility == "direct" and status.text == "@bob see you at 6"


def test_a_reply_answers_their_latest_post_the_sender_may_see(alice_link, alice, bob):
    earlier = statuses.post_status(bob, "first")
    statuses.post_status(bob, "only for followers", visibility="private")
    assert run(alice_link, "@bob nice") == ["Reply sent."]
    assert Status.objects.get(account=alice).in_reply_to_id == earlier.id


def test_follow_leave_and_toggles(alice_link, alice, bob):
    assert run(alice_link, "follow bob") == ["You follow bob now."]
    assert Follow.objects.filter(account=alice, target_account=bob).exists()
    assert run(alice_link, "ON bob") == ["You will get posts of bob here."]
    assert LinkFollowee.objects.filter(link=alice_link, followee=bob).exists()
    assert run(alice_link, "off") == ["Updates are off."]
    assert not Link.objects.get(id=alice_link.id).updates_on
    assert run(alice_link, "On") == ["Updates are on."]
    assert run(alice_link, "OFF @bob") == ["You will no longer get posts of bob here."]
    run(alice_link, "on bob")
    assert run(alice_link, "LEAVE bob") == ["You no longer follow bob."]
    assert not Follow.objects.filter(account=alice, target_account=bob).exists()
    assert not LinkFollowee.objects.exists()


def test_on_needs_a_follow_first(alice_link, bob):
    assert run(alice_link, "on bob") == ["You don't follow bob. Send FOLLOW bob first."]
    assert not LinkFollowee.objects.exists()


def test_get_shows_their_latest_post_the_sender_may_see(alice_link, alice, bob):
    statuses.post_status(bob, "public one")
    statuses.post_status(bob, "followers only", visibility="private")
    assert run(alice_link, "GET bob") == ["bob: public one"]
    accounts.follow(alice, bob)
    assert run(alice_link, "get bob") == ["bob: followers only"]


def test_whois_says_who_they_are(alice_link, bob):
    accounts.update_profile(bob, location="Pune")
    assert run(alice_link, "whois bob") == ["bob: Bob Pune (0 followers, 0 following, 0 posts)"]


def test_stop_silences_everything_until_start(alice_link, alice):
    assert run(alice_link, "STOP") == []
    assert Link.objects.get(id=alice_link.id).stopped
    assert run(alice_link, "help") == []
    assert run(alice_link, "a post while stopped") == []
    assert not Status.objects.exists()
    assert run(alice_link, "start") == ["Welcome back: messages to this address are on again."]
    assert not Link.objects.get(id=alice_link.id).stopped


def test_malformed_commands_get_their_usage_and_post_nothing(alice_link):
    assert run(alice_link, "FOLLOW") == ["To follow someone: FOLLOW username"]
    assert run(alice_link, "get bob carol") == ["To read someone's latest post: GET username"]
    assert run(alice_link, "d bob") == ["To send a direct message: d username text"]
    assert run(alice_link, "") == [run(alice_link, "HELP")[0]]
    assert not Status.objects.exists()


def test_unknown_users_and_oversized_messages_are_refused(alice_link):
    assert run(alice_link, "follow nobody") == ["Nobody is called nobody here."]
    assert run(alice_link, "d nobody hi") == ["There is no account named @nobody."]
    assert run(alice_link, "x" * 141) == ["Your post is 141 characters long; the limit is 140."]
    assert run(alice_link, "x" * 5000) == ["That message is too long."]
    assert not Status.objects.exists()


def test_replies_come_in_the_accounts_language(alice_link, alice):
    accounts.update_profile(alice, language="de")
    alice_link.account.refresh_from_db()
    assert run(alice_link, "x" * 141) == ["Dein Beitrag ist 141 Zeichen lang; erlaubt sind 140."]


def test_replies_in_every_script_the_catalogues_hold(alice_link, alice):
    accounts.update_profile(alice, language="hi")
    alice_link.account.refresh_from_db()
    assert run(alice_link, "follow nobody") == ["यहाँ nobody नाम का कोई नहीं है।"]
    accounts.update_profile(alice, language="kk")
    alice_link.account.refresh_from_db()
    assert run(alice_link, "FOLLOW") == ["Біреуге жазылу үшін: FOLLOW пайдаланушы_аты"]
