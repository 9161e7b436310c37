"""The XMPP gateway against a real Prosody: people link their Jabber address with a code, chat
with the bot to post and to give commands, see it online, and get their followees' posts as
chat messages; hostile or broken input posts nothing."""

import asyncio
import re

import pytest
from django.test import Client

from chirvir.accounts import services as accounts
from chirvir.gateways.models import Link
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.gateways.xmpp.conftest import BOT, in_thread, online, run


def page(account):
    client = Client()
    client.force_login(account)
    return client


async def link(person, account):
    """Link the person's JID to the account as people do: the JID on the settings page, then the
    code that came by chat sent back to the bot."""
    web = await in_thread(page, account)
    answer = await in_thread(lambda: web.post("/settings/xmpp", {"action": "send_code", "jid": person.client.boundjid.bare}))
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
            presence = await asyncio.wait_for(person.presences.get(), 10)
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
