import unicodedata

import pytest
import regex

from chirvir.accounts import services as accounts
from chirvir.core import text
from chirvir.core.errors import Invalid, NotFound
from chirvir.notifications.models import Notification
from chirvir.statuses import services
from chirvir.statuses.models import AccountConversation, Mention, Status, Tag, Visibility
from tests.conftest import DATA, fresh

SEEDS = {
    "hindi": "000_ccb8ca9c76c8e4b6.txt",
    "kazakh": "001_f3afa9d389ed34fe.txt",
    "arabic": "002_bcbbfe027ce13f8f.txt",
    "indonesian": "003_e4d40d15b74217c7.txt",
}


def seed_text(language: str, length: int) -> str:
    """The first `length` code points of a seed text, as one line without entities."""
    body = unicodedata.normalize("NFC", (DATA / "seeds" / SEEDS[language]).read_text())
    body = regex.sub(r"[@#$＠＃]", "", regex.sub(r"\s+", " ", body)).strip()
    # The first slice of exactly `length` code points with no space at either end.
    cut = next(body[i : i + length] for i in range(len(body)) if body[i : i + length] == body[i : i + length].strip())
    assert not text.extract_urls(cut), "the sample must count code points only"
    return cut


@pytest.mark.parametrize("language", SEEDS)
def test_exactly_140_characters_is_accepted_in_every_seed_language(alice, language):
    body = seed_text(language, 140)
    assert len(body) == 140
    status = services.post_status(alice, body)
    assert Status.objects.get(id=status.id).text == body


@pytest.mark.parametrize("language", SEEDS)
def test_141_characters_is_refused_with_a_clear_message(alice, language):
    body = seed_text(language, 141)
    with pytest.raises(Invalid, match="Your post is 141 characters long; the limit is 140"):
        services.post_status(alice, body)
    assert not Status.objects.exists()
    assert fresh(alice).statuses_count == 0


def test_text_is_stored_nfc_and_counted_after_normalising(alice):
    decomposed = "e\u0301" * 140  # 280 code points, 140 after NFC
    status = services.post_status(alice, decomposed)
    assert status.text == "\u00e9" * 140


def test_a_url_counts_as_23(alice):
    url = "https://example.com/" + "a" * 200
    status = services.post_status(alice, "x" * (140 - 24) + " " + url)
    assert url in status.text


def test_the_limit_follows_configuration(alice, settings):
    settings.MAX_CHARS = 10
    with pytest.raises(Invalid, match="the limit is 10"):
        services.post_status(alice, "eleven char")
    settings.MAX_CHARS = None
    settings.TEXT_CONFIG = "v2"
    services.post_status(alice, "ツ" * 140)  # weighs 280 under v2
    with pytest.raises(Invalid, match="the limit is 280"):
        services.post_status(alice, "ツ" * 141)


@pytest.mark.parametrize("body", ["", "   ", "\n\n"])
def test_an_empty_post_is_refused(alice, body):
    with pytest.raises(Invalid, match="empty"):
        services.post_status(alice, body)


def test_unknown_visibility_is_refused(alice):
    with pytest.raises(Invalid, match="Visibility"):
        services.post_status(alice, "hi", visibility="friends")


def test_a_post_counts_on_the_profile(alice):
    services.post_status(alice, "first")
    alice = fresh(alice)
    assert alice.statuses_count == 1 and alice.last_status_at is not None


def test_mentions_are_linked_and_notify(alice, bob):
    status = services.post_status(alice, "hello @Bob and @nobody")
    assert list(Mention.objects.filter(status=status).values_list("account__username", flat=True)) == ["bob"]
    assert Notification.objects.get(account=bob).type == "mention"
    assert 'class="u-url mention"' in status.content and "/@bob" in status.content
    assert "@nobody" in status.content and "/@nobody" not in status.content


def test_hashtags_are_recorded_once_whatever_their_case(alice):
    services.post_status(alice, "#Chirvir is live #चिर्विर")
    services.post_status(alice, "still #chirvir")
    assert set(Tag.objects.values_list("name", flat=True)) == {"chirvir", "चिर्विर"}
    assert Tag.objects.get(name="chirvir").statuses.count() == 2


def test_user_text_is_escaped_in_html(alice):
    status = services.post_status(alice, "<script>alert('x')</script> & more")
    assert "<script>" not in status.content
    assert "&lt;script&gt;" in status.content


def test_a_reply_joins_the_thread_and_counts(alice, bob):
    root = services.post_status(alice, "what are you doing?")
    reply = services.post_status(bob, "@alice writing tests", in_reply_to_id=root.id)
    assert reply.in_reply_to_id == root.id and reply.in_reply_to_account_id == alice.id
    assert reply.conversation_id == root.conversation_id
    root.refresh_from_db()
    assert root.replies_count == 1


def test_a_reply_to_an_unknown_or_invisible_post_is_refused(alice, bob):
    with pytest.raises(NotFound):
        services.post_status(alice, "hm", in_reply_to_id=12345)
    secret = services.post_status(bob, "followers only", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        services.post_status(alice, "peek", in_reply_to_id=secret.id)
    assert Status.objects.count() == 1


def test_a_blocked_account_cannot_reply(alice, bob):
    root = services.post_status(alice, "hello")
    accounts.block(alice, bob)
    with pytest.raises(NotFound):
        services.post_status(bob, "@alice reply", in_reply_to_id=root.id)


def test_language_is_kept_and_checked(alice):
    assert services.post_status(alice, "salam", language="KK").language == "kk"
    with pytest.raises(Invalid, match="ISO 639"):
        services.post_status(alice, "salam", language="kazakh!")


def test_direct_messages_reach_the_mentioned_and_form_a_conversation(alice, bob, carol):
    dm = services.post_status(alice, "@bob meet at 6?", visibility=Visibility.DIRECT)
    answer = services.post_status(bob, "@alice yes", visibility=Visibility.DIRECT, in_reply_to_id=dm.id)
    assert answer.conversation_id == dm.conversation_id
    mine = AccountConversation.objects.get(account=alice)
    assert mine.last_status_id == answer.id and mine.unread
    assert list(mine.participants.values_list("username", flat=True)) == ["bob"]
    theirs = AccountConversation.objects.get(account=bob)
    assert theirs.last_status_id == answer.id and not theirs.unread
    assert not AccountConversation.objects.filter(account=carol).exists()
    assert [c.id for c in services.list_conversations(alice)] == [mine.id]


@pytest.mark.parametrize("body", ["d bob see you at 6", "D @bob see you at 6", "d Bob see you at 6"])
def test_d_username_makes_a_direct_message(alice, bob, body):
    status = services.post_status(alice, body)
    assert status.visibility == Visibility.DIRECT
    assert status.text == f"@{body.split()[1].lstrip('@')} see you at 6"
    assert AccountConversation.objects.filter(account=bob, last_status=status).exists()


def test_d_to_an_unknown_account_is_refused(alice):
    with pytest.raises(Invalid, match="no account named @nobody"):
        services.post_status(alice, "d nobody hello")
    assert not Status.objects.exists()


def test_a_word_starting_with_d_is_not_a_direct_message(alice, bob):
    assert services.post_status(alice, "dear bob, hello").visibility == Visibility.PUBLIC


def test_the_same_idempotency_key_gives_back_the_first_post(alice):
    first = services.post_status(alice, "once", idempotency_key="k-1")
    again = services.post_status(alice, "once", idempotency_key="k-1")
    assert again.id == first.id and Status.objects.count() == 1
    assert services.post_status(alice, "twice", idempotency_key="k-2").id != first.id


def test_an_idempotency_key_is_forgotten_after_an_hour(alice):
    from chirvir.statuses.models import IdempotencyKey

    first = services.post_status(alice, "once", idempotency_key="k")
    IdempotencyKey.objects.update(created_at=first.created_at.replace(year=2020))
    assert services.post_status(alice, "again later", idempotency_key="k").id != first.id


def test_a_direct_message_naming_an_unknown_account_is_refused(alice, bob):
    # A typo would otherwise send it to nobody, silently (with "d bob", and with visibility direct).
    with pytest.raises(Invalid, match="no account named @bobb"):
        services.post_status(alice, "@bobb lunch?", visibility=Visibility.DIRECT)
    with pytest.raises(Invalid, match="no account named @nobody"):
        services.post_status(alice, "@bob and @nobody: lunch?", visibility=Visibility.DIRECT)
    assert not Status.objects.exists()
    # In a public post an unknown name stays plain text, as before.
    assert services.post_status(alice, "@nobody lunch?").visibility == Visibility.PUBLIC
