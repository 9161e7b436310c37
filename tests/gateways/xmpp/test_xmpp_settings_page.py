"""The settings page that links a Jabber address: the code comes by chat from the bot on a real
Prosody and may be entered on the page; a wrong code, a JID that is none, someone else's
linked JID and a gateway that is not configured are refused."""

import re

from django.test import Client, override_settings

from chirvir.gateways import links
from chirvir.gateways.models import Link
from tests.gateways.xmpp.conftest import BOT, in_thread, online, run


def signed_in(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def test_the_code_sent_by_chat_entered_on_the_page_links_the_jid(prosody, alice):
    jid = prosody.register("alice", "alice pw 7")
    shouted = jid.replace("alice", "Alice").replace("localhost", "LocalHost") + "/phone"  # folded to the bare JID
    web = signed_in(alice)

    async def story():
        async with online(prosody, jid, "alice pw 7") as person:
            sent = await in_thread(web.post, "/settings/xmpp", {"action": "send_code", "jid": shouted})
            assert sent.status_code == 302
            message = await person.next_message()
            assert message["from"].bare == BOT and "@alice" in message["body"]
            code = re.search(r"\b(\d{6})\b", message["body"]).group(1)
            wrong = "000000" if code != "000000" else "111111"
            answer = await in_thread(web.post, "/settings/xmpp", {"action": "confirm", "code": wrong}, follow=True)
            assert "That code is not right." in answer.content.decode()
            answer = await in_thread(web.post, "/settings/xmpp", {"action": "confirm", "code": code}, follow=True)
            assert f"Linked: {jid}" in answer.content.decode()

    run(story)
    assert links.linked("xmpp", jid).account == alice


def test_the_page_refuses_what_is_no_jid_and_a_jid_linked_to_someone_else(prosody, alice, bob):
    web = signed_in(alice)
    for nonsense in ("not a jid", "@localhost", "x" * 400 + "@localhost", BOT):
        answer = web.post("/settings/xmpp", {"action": "send_code", "jid": nonsense}, follow=True)
        assert "That is not a Jabber address (name@server)." in answer.content.decode()
    Link.objects.create(account=bob, channel="xmpp", address="bob@localhost", confirmed_at="2026-01-01T00:00Z")
    answer = web.post("/settings/xmpp", {"action": "send_code", "jid": "bob@localhost"}, follow=True)
    assert "That address is already linked to another account." in answer.content.decode()
    assert not Link.objects.filter(account=alice).exists()


def test_without_a_configured_bot_there_is_no_page(alice):
    with override_settings(XMPP_JID="", XMPP_PASSWORD=""):
        assert signed_in(alice).get("/settings/xmpp").status_code == 404
    assert Client().get("/settings/xmpp").status_code == 302  # to the log-in page


def test_the_settings_page_links_to_it_only_while_the_bot_is_configured(alice):
    web = signed_in(alice)
    assert "/settings/xmpp" not in web.get("/settings").content.decode()
    with override_settings(XMPP_JID="chirvir@localhost", XMPP_PASSWORD="pw"):
        assert 'href="/settings/xmpp"' in web.get("/settings").content.decode()


def test_the_code_and_the_welcome_come_in_the_accounts_language(prosody, bot, make_account):
    amir = make_account("amir", language="hi")
    jid = prosody.register("amir", "amir pw 7")
    web = signed_in(amir)

    async def story():
        async with online(prosody, jid, "amir pw 7") as person:
            await in_thread(web.post, "/settings/xmpp", {"action": "send_code", "jid": jid})
            message = (await person.next_message())["body"]
            assert message.startswith("आपका Chirvir कोड")
            person.say(re.search(r"\b(\d{6})\b", message).group(1))
            assert (await person.next_message())["body"].startswith("यह पता अब @amir से जुड़ गया है।")

    run(story)
