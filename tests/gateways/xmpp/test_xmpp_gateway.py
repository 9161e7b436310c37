"""The XMPP gateway against a real Prosody: people link their Jabber address with a code, chat
with the bot to post and to give commands, see it online, and get their followees' posts as
chat messages; hostile or broken input posts nothing."""

import asyncio
import re

from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.gateways.models import Link, Sent
from chirvir.gateways.xmpp import tasks
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.gateways.xmpp.conftest import BOT, WAIT, in_thread, online, run


def page(account):
    client = Client()
    client.force_login(account)
    return client


async def link(person, account):
    """Link the person's JID to the account as people do: the JID on the settings page, then the
    code that came by chat sent back to the bot."""
    web = await in_thread(page, account)
    answer = await in_thread(web.post, "/settings/xmpp", {"action": "send_code", "jid": person.client.boundjid.bare})
    assert answer.status_code == 302
    message = await person.next_message()
    assert message["from"].bare == BOT
    code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
    person.say(code)
    welcome = await person.next_message()
    assert f"@{account.username}" in welcome["body"]


def test_a_linked_jid_posts_through_the_bot_and_gets_a_followees_post(prosody, bot, alice, bob):
    jid = prosody.register("alice", "alice pw 7")

    async def story():
        async with online(prosody, jid, "alice pw 7") as person:
            await link(person, alice)
            # Adding the bot as a contact shows it online.
            person.client.send_presence(pto=BOT, ptype="subscribe")
            presence = await asyncio.wait_for(person.presences.get(), WAIT)
            assert presence["from"].bare == BOT
            person.say("hello from jabber, नमस्ते")
            assert (await person.next_message())["body"] == "Posted."
            person.say("follow bob")
            assert "bob" in (await person.next_message())["body"]
            person.say("ON bob")
            assert "bob" in (await person.next_message())["body"]
            await in_thread(statuses.post_status, bob, "a post for chat — مرحبا")
            delivered = await person.next_message()
            assert delivered["from"].bare == BOT and delivered["body"] == "bob: a post for chat — مرحبا"

    run(story)
    assert Status.objects.get(account=alice).text == "hello from jabber, नमस्ते"
    assert Link.objects.get(account=alice).address == jid


async def linked_and_listening(prosody, person, account, followee):
    await link(person, account)
    for command in (f"follow {followee.username}", f"on {followee.username}"):
        person.say(command)
        await person.next_message()


def test_protected_followers_only_and_direct_posts_never_reach_one_the_gate_refuses(prosody, bot, alice, bob, carol):
    jid = prosody.register("alice", "alice pw 7")

    async def story():
        async with online(prosody, jid, "alice pw 7") as person:
            await linked_and_listening(prosody, person, alice, bob)
            await in_thread(accounts.update_profile, bob, locked=True)
            await in_thread(statuses.post_status, bob, "for my followers", visibility="private")
            assert (await person.next_message())["body"] == "bob: for my followers"
            await in_thread(statuses.post_status, bob, "d carol only for carol")
            await in_thread(statuses.post_status, bob, "@carol only for carol too", visibility="direct")
            assert await person.quiet_for(1) == []
            # bob removes alice, who had turned him ON. A delivery of a post she could see, retried
            # after the removal, sends nothing (the gate is asked when the message goes out), and
            # his protected posts after it never reach her.
            seen = await in_thread(statuses.post_status, bob, "before the removal", visibility="private")
            assert (await person.next_message())["body"] == "bob: before the removal"
            await in_thread(accounts.remove_from_followers, bob, alice)
            later = await in_thread(statuses.post_status, bob, "after the removal", visibility="private")
            link_ids = await in_thread(lambda: [Link.objects.get(account=alice).id])
            await in_thread(lambda: Sent.objects.filter(status_id=seen.id).delete())
            await in_thread(tasks.xmpp_delivery_job.call_local, seen.id, link_ids)
            await in_thread(tasks.xmpp_delivery_job.call_local, later.id, link_ids)
            await in_thread(statuses.post_status, bob, "protected, public visibility")
            assert await person.quiet_for(2) == []

    run(story)


def test_broken_and_hostile_messages_get_a_clear_answer_and_post_nothing(prosody, bot, alice):
    jid = prosody.register("alice", "alice pw 7")
    mallory_jid = prosody.register("mallory", "mallory pw 7")

    async def story():
        async with (
            online(prosody, jid, "alice pw 7") as person,
            online(prosody, mallory_jid, "mallory pw 7") as mallory,
        ):
            # An unlinked JID: told where to link, and it may not add the bot as a contact.
            mallory.say("let me post")
            assert "/settings/xmpp" in (await mallory.next_message())["body"]
            mallory.client.send_presence(pto=BOT, ptype="subscribe")
            assert "/settings/xmpp" in (await mallory.next_message())["body"]
            await link(person, alice)
            # A guess at someone else's waiting code, from the wrong JID, links nothing.
            mallory.say("123456")
            assert "/settings/xmpp" in (await mallory.next_message())["body"]
            # A forged sender: mallory's client claims to be alice. The server refuses the stanza
            # (or stamps mallory's own JID on it); either way nothing is posted as alice.
            forged = mallory.client.make_message(mto=BOT, mbody="posted as alice?", mtype="chat", mfrom=jid + "/x")
            forged.send()
            answers = await mallory.quiet_for(2)
            assert all("Posted" not in body for body in answers)
            # The command language's own refusals.
            person.say("GET nobody_here")
            assert (await person.next_message())["body"] == "Nobody is called nobody_here here."
            person.say("FOLLOW")
            assert (await person.next_message())["body"] == "To follow someone: FOLLOW username"
            person.say("x" * 5000)
            assert (await person.next_message())["body"] == "That message is too long."
            person.say("d nobody_here hi")
            assert (await person.next_message())["body"] == "There is no account named @nobody_here."

    run(story)
    assert not Status.objects.exists()
    assert not Link.objects.filter(address=mallory_jid).exists()


def test_a_delivery_while_prosody_is_down_arrives_once_it_is_back(prosody, bot, alice, bob):
    import datetime

    from chirvir.jobs import huey

    jid = prosody.register("alice", "alice pw 7")
    LATER = datetime.datetime(2100, 1, 1)

    async def story():
        async with online(prosody, jid, "alice pw 7") as person:
            await linked_and_listening(prosody, person, alice, bob)
        await in_thread(prosody.stop)
        await in_thread(statuses.post_status, bob, "posted while the server was down")
        retries = huey.scheduled()
        assert [t.args[2] for t in retries] == [1]  # the delivery failed, and waits to try again
        await in_thread(prosody.start)
        async with online(prosody, jid, "alice pw 7") as person:
            for retry in huey.read_schedule(LATER):  # as the consumer runs them once they are due
                await in_thread(huey.execute, retry, LATER)
            assert (await person.next_message())["body"] == "bob: posted while the server was down"
            # Once, even if the job ran again.
            for retry in retries:
                await in_thread(huey.execute, retry, LATER)
            assert await person.quiet_for(1) == []

    run(story)
