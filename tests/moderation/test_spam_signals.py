"""Spam signals: the posting limit refuses the next post visibly (429 on the API in Mastodon's
shape, a form error on the web), and duplicates, mass mentions and a new account's links flag the
account with one report from the system, while every such post is still stored and delivered."""

from chirvir.accounts import services as accounts
from chirvir.moderation.models import Report
from chirvir.statuses.models import Status


def system_reports(account):
    return Report.objects.filter(target=account, reporter__isnull=True, resolved_at__isnull=True)


def test_the_posting_limit_answers_429_and_flags_the_account(api_client, alice, settings):
    settings.POSTS_PER_HOUR = 3
    as_alice = api_client(alice)
    for n in range(3):
        assert as_alice.post("/api/v1/statuses", {"status": f"post {n}"}).status_code == 200
    refused = as_alice.post("/api/v1/statuses", {"status": "one too many"})
    assert refused.status_code == 429
    assert set(refused.json()) == {"error"} and refused.json()["error"]
    assert not Status.objects.filter(text="one too many").exists()
    assert "posting limit" in system_reports(alice).get().comment


def test_the_posting_limit_is_a_form_error_on_the_web(signed_in, alice, settings):
    settings.POSTS_PER_HOUR = 1
    browser = signed_in(alice)
    browser.post("/compose", {"status": "first"})
    page = browser.post("/compose", {"status": "second"})
    assert "You have posted too often" in page.content.decode()
    assert list(Status.objects.values_list("text", flat=True)) == ["first"]


def test_duplicates_flag_the_account_and_every_copy_is_still_posted(api_client, alice, bob):
    accounts.follow(bob, alice)
    as_alice = api_client(alice)
    for _ in range(3):
        assert as_alice.post("/api/v1/statuses", {"status": "WIN A FREE PHONE"}).status_code == 200
    assert Status.objects.filter(text="WIN A FREE PHONE").count() == 3
    home = api_client(bob).get("/api/v1/timelines/home").json()
    assert [s["content"] for s in home].count("<p>WIN A FREE PHONE</p>") == 3
    (report,) = system_reports(alice)
    assert "same text 3 times" in report.comment and report.category == "spam"
    assert report.statuses.count() == 1


def test_mass_mentions_flag_the_account(api_client, make_account, alice):
    names = [make_account(f"person{n}").username for n in range(8)]
    answer = api_client(alice).post("/api/v1/statuses", {"status": " ".join(f"@{n}" for n in names) + " hi"})
    assert answer.status_code == 200
    assert "Mentioned 8 accounts" in system_reports(alice).get().comment


def test_a_new_account_posting_links_is_flagged_an_old_one_is_not(api_client, alice, bob):
    bob.date_joined = bob.date_joined.replace(year=bob.date_joined.year - 1)
    bob.save(update_fields=["date_joined"])
    links = "see https://example.com/a and https://example.org/b"
    assert api_client(alice).post("/api/v1/statuses", {"status": links}).status_code == 200
    assert api_client(bob).post("/api/v1/statuses", {"status": links}).status_code == 200
    assert "links" in system_reports(alice).get().comment
    assert not system_reports(bob).exists()


def test_signals_on_one_account_gather_in_one_report(api_client, alice):
    as_alice = api_client(alice)
    for _ in range(4):
        as_alice.post("/api/v1/statuses", {"status": "https://spam.example.com/1 https://spam.example.com/2"})
    (report,) = system_reports(alice)
    assert report.comment.splitlines() == [
        "A new account posted 2 or more links in one post.", "Posted the same text 3 times in 10 minutes."
    ]
    assert report.statuses.count() == 4
