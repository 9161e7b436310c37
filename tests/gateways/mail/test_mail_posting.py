"""Posting by e-mail, as a mail program does it: an SMTP conversation (smtplib) with the gateway's
real SMTP server on loopback. The plain-text part is posted, without its signature and quoted reply;
HTML-only mail as text; a declared charset is honoured and an undecodable body refused; pictures
become media; a reply address posts a reply; every refusal is an SMTP code, and leaves nothing."""

import io
import smtplib

from PIL import Image

from chirvir.accounts import services as accounts
from chirvir.gateways.email import addresses
from chirvir.media.models import MediaAttachment
from chirvir.statuses import services as statuses
from chirvir.statuses.models import Status
from tests.gateways.mail.mailing import DOMAIN, mail, send


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_the_plain_text_is_posted_without_signature_and_quoted_reply(mail_server, alice):
    body = ("Walking to the market 🥕\nback soon\n\nOn Tue, Bob wrote:\n> what are you doing?\n> ?\n"
            "-- \nAlice, sent from her phone\n")
    code, words = send(mail_server, addresses.posting_address(alice), mail(body))
    assert code == 250, words
    [status] = Status.objects.filter(account=alice)
    assert status.text == "Walking to the market 🥕\nback soon"
    assert words.endswith(str(status.id))


def test_html_only_mail_is_posted_as_its_text(mail_server, alice):
    message = mail()
    message.set_content(
        "<html><head><style>p {color: red}</style></head><body><p>Hello <b>world</b> &amp; friends</p>"
        "<div>second line<br>third</div><blockquote>an old quoted mail</blockquote>"
        "<script>alert(1)</script></body></html>", subtype="html")
    assert send(mail_server, addresses.posting_address(alice), message)[0] == 250
    [status] = Status.objects.filter(account=alice)
    assert status.text == "Hello world & friends\n\nsecond line\nthird"


def test_a_body_in_its_declared_charset_is_decoded_and_an_undecodable_one_refused(mail_server, alice):
    latin = (b"From: alice@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
             b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             + "Bon appétit, señor".encode("iso-8859-1") + b"\r\n")
    assert send(mail_server, addresses.posting_address(alice), latin)[0] == 250
    koi8 = latin.replace(b"iso-8859-1", b"koi8-r").replace("Bon appétit, señor".encode("iso-8859-1"),
                                                            "Привет, мир".encode("koi8-r"))
    assert send(mail_server, addresses.posting_address(alice), koi8)[0] == 250
    assert sorted(Status.objects.filter(account=alice).values_list("text", flat=True)) == [
        "Bon appétit, señor", "Привет, мир"]

    broken = latin.replace(b"iso-8859-1", b"utf-8")  # Latin-1 bytes that claim to be UTF-8
    code, words = send(mail_server, addresses.posting_address(alice), broken)
    assert code == 554 and "utf-8" in words
    unknown = latin.replace(b"iso-8859-1", b"x-no-such-charset")
    code, words = send(mail_server, addresses.posting_address(alice), unknown)
    assert code == 554 and "x-no-such-charset" in words
    assert Status.objects.filter(account=alice).count() == 2


def test_flowed_text_is_joined_again(mail_server, alice):
    flowed = (b"From: alice@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
              b"Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n"
              b"A line my mail program \r\nwrapped for me.\r\nA new line.\r\n")
    assert send(mail_server, addresses.posting_address(alice), flowed)[0] == 250
    assert Status.objects.get(account=alice).text == "A line my mail program wrapped for me.\nA new line."


def test_pictures_attached_become_the_posts_media(mail_server, alice):
    message = mail("Our new sign")
    message.add_attachment(png(), maintype="image", subtype="png", filename="sign.png")
    message.add_attachment(b"%PDF-1.4 not a picture", maintype="application", subtype="pdf", filename="menu.pdf")
    assert send(mail_server, addresses.posting_address(alice), message)[0] == 250
    [status] = Status.objects.filter(account=alice)
    [picture] = MediaAttachment.objects.filter(status=status)
    assert status.text == "Our new sign" and picture.type == "image" and picture.meta["original"]["width"] == 40

    only_a_picture = mail()
    only_a_picture.set_content("-- \nAlice")  # nothing but a signature
    only_a_picture.add_attachment(png(), maintype="image", subtype="png", filename="cat.png")
    assert send(mail_server, addresses.posting_address(alice), only_a_picture)[0] == 250
    assert Status.objects.filter(account=alice).count() == 2


def test_unknown_and_revoked_addresses_are_refused_at_once(mail_server, alice):
    old = addresses.posting_address(alice)
    assert send(mail_server, f"post-{'a' * 24}@{DOMAIN}", mail("hi"))[0] == 550
    assert send(mail_server, old.replace(DOMAIN, "elsewhere.example"), mail("hi"))[0] == 550  # no open relay
    new = addresses.renew_posting_address(alice)
    code, words = send(mail_server, old, mail("hi"))
    assert code == 550 and "No such address" in words
    assert send(mail_server, new, mail("hi"))[0] == 250
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)  # suspended
    assert send(mail_server, new, mail("again"))[0] == 550
    assert Status.objects.filter(account=alice).count() == 1


def test_a_mail_too_large_is_refused_before_it_is_read(mail_server, alice):
    message = mail("big")
    message.add_attachment(b"\0" * 300_000, maintype="image", subtype="png", filename="huge.png")
    assert send(mail_server, addresses.posting_address(alice), message)[0] == 552
    assert not Status.objects.exists() and not MediaAttachment.objects.exists()


def test_nothing_to_post_is_refused(mail_server, alice):
    code, words = send(mail_server, addresses.posting_address(alice), mail("> only a quote\n-- \nAlice"))
    assert code == 554 and "Nothing to post" in words
    assert not Status.objects.exists()


def test_a_post_the_rules_refuse_leaves_nothing_behind(mail_server, alice):
    message = mail("x" * 200)  # over the 140 characters
    message.add_attachment(png(), maintype="image", subtype="png", filename="sign.png")
    code, words = send(mail_server, addresses.posting_address(alice), message)
    assert code == 554 and "Not posted" in words
    assert not Status.objects.exists() and not MediaAttachment.objects.exists()


def test_a_mail_sent_twice_by_a_retrying_server_is_posted_once(mail_server, alice):
    message = mail("once", Message_ID="<1234@example.org>")
    assert send(mail_server, addresses.posting_address(alice), message)[0] == 250
    assert send(mail_server, addresses.posting_address(alice), message)[0] == 250
    assert Status.objects.filter(account=alice).count() == 1


def test_automatic_mail_is_not_posted(mail_server, alice):
    code, _words = send(mail_server, addresses.posting_address(alice), mail("I am away", Auto_Submitted="auto-replied"))
    assert code == 550
    assert send(mail_server, addresses.posting_address(alice), mail("bounce"), sender="")[0] == 550
    assert not Status.objects.exists()


def test_one_recipient_per_mail(mail_server, alice, bob):
    with smtplib.SMTP("127.0.0.1", mail_server, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail("alice@example.org")
        assert client.rcpt(addresses.posting_address(alice))[0] == 250
        assert client.rcpt(addresses.posting_address(bob))[0] == 452


def test_a_mail_to_a_reply_address_is_a_reply_that_keeps_the_audience(mail_server, alice, bob):
    accounts.follow(alice, bob)
    post = statuses.post_status(bob, "followers only: lunch?", visibility="private")
    answer = mail("Yes!\n\nOn Tue, Bob wrote:\n> lunch?")
    code, words = send(mail_server, addresses.reply_address(alice, post.id), answer)
    assert code == 250, words
    reply = Status.objects.get(account=alice)
    assert reply.in_reply_to_id == post.id and reply.visibility == "private" and reply.text == "@bob Yes!"

    other = statuses.post_status(bob, "another post")
    mac = addresses.reply_address(alice, post.id).split("@")[0].rsplit("-", 1)[1]
    for forged in (f"reply-{alice.pk}-{post.id}-{'0' * 24}", f"reply-{alice.pk}-{other.id}-{mac}",
                   f"reply-{bob.pk}-{post.id}-{mac}"):
        assert send(mail_server, f"{forged}@{DOMAIN}", mail("hi"))[0] == 550
    old = addresses.reply_address(alice, post.id)
    addresses.renew_posting_address(alice)  # a new secret revokes the reply addresses made from the old one
    assert send(mail_server, old, mail("again"))[0] == 550
    assert Status.objects.filter(account=alice).count() == 1


def test_a_reply_to_a_post_one_may_no_longer_see_is_refused(mail_server, alice, bob):
    accounts.follow(alice, bob)
    post = statuses.post_status(bob, "followers only", visibility="private")
    address = addresses.reply_address(alice, post.id)
    accounts.remove_from_followers(bob, alice)
    code, words = send(mail_server, address, mail("I see it"))
    assert code == 550 and "not visible" in words
    assert not Status.objects.filter(account=alice).exists()
