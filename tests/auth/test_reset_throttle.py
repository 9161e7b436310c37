"""The password reset form is throttled like the log-in (issue 11, item 2): one address asking
again and again for one account's reset mail is stopped, so nobody mail-bombs an account, while
the owner asking from another address still gets the mail."""

from django.test import Client


def ask(client, email):
    return client.post("/password/reset", {"email": email})


def test_asking_for_one_accounts_reset_mail_in_a_loop_is_stopped(make_account, mailoutbox):
    make_account("alice", email="alice@example.com")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    answers = [ask(attacker, "alice@example.com").status_code for _ in range(5)]
    assert answers == [302] * 5 and len(mailoutbox) == 5
    refused = ask(attacker, "alice@example.com")
    assert refused.status_code == 429 and "Too many failed attempts" in refused.content.decode()
    assert len(mailoutbox) == 5  # nothing more was sent
    owner = Client(REMOTE_ADDR="198.51.100.4")
    assert ask(owner, "alice@example.com").status_code == 302 and len(mailoutbox) == 6
