"""The index itself, on the database in use: what a post is indexed under changes in the same
transaction that posts, edits or deletes it, and a repost is never indexed."""

from django.db import connection

from chirvir.search import tokens
from chirvir.search.index import index
from chirvir.statuses import services as statuses


def indexed(kind: str, q: str, *, prefix: bool = False) -> set[int]:
    sql, params = index().matching(kind, tokens.query(q, prefix=prefix))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def test_the_index_follows_a_post_through_edit_and_delete(alice, bob):
    status = statuses.post_status(alice, "Ертең таңертең базарға барамыз")
    assert indexed("status", "базарға") == {status.id}
    statuses.reblog(bob, status.id)
    assert indexed("status", "базарға") == {status.id}  # the repost holds no words of its own
    statuses.edit_status(alice, status.id, "Ертең кешке театрға барамыз")
    assert indexed("status", "базарға") == set() and indexed("status", "театрға") == {status.id}
    statuses.delete_status(alice, status.id)
    assert indexed("status", "театрға") == set()


def test_accounts_are_indexed_by_the_words_of_their_names(make_account):
    ada = make_account("ada_lovelace", display_name="Ада Лавлейс")
    assert indexed("account", "love", prefix=True) == {ada.id}
    assert indexed("account", "лав", prefix=True) == {ada.id}
    assert indexed("account", "lovelace") == {ada.id}


def test_a_very_long_word_is_indexed_by_its_start(alice, settings):
    settings.MAX_CHARS = 5000
    word = "ж" * 3000  # 6,000 bytes: more than PostgreSQL takes in one lexeme
    status = statuses.post_status(alice, f"{word} end")
    assert indexed("status", word) == {status.id}
    assert indexed("status", "end") == {status.id}
