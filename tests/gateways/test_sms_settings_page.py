"""The phone settings page: a number in international form gets a code (the Kannel tests follow
it to the phone), a linked phone gets its quiet hours and daily limit, and can be unlinked."""

from datetime import time

import pytest

from chirvir.gateways.models import Link
from tests.gateways.conftest import link_for


@pytest.fixture(autouse=True)
def sms_on(settings):
    settings.SMS_SENDSMS_URL = "http://127.0.0.1:9/cgi-bin/sendsms"
    settings.SMS_SECRET = "s"
    settings.SMS_RETRY_DELAY = 3600  # a code's sendsms to nowhere waits: no retry runs in the test


def test_the_page_is_not_there_unless_sms_is_configured(client, alice, settings):
    settings.SMS_SECRET = ""
    client.force_login(alice)
    assert client.get("/settings/phone").status_code == 404


def test_a_number_not_in_international_form_is_refused(client, alice):
    client.force_login(alice)
    page = client.post("/settings/phone", {"phone": "98765 43210"}, follow=True)
    assert "Give the number in international form" in page.content.decode()
    assert not Link.objects.exists()


def test_a_number_waits_for_its_code(client, alice):
    client.force_login(alice)
    page = client.post("/settings/phone", {"phone": "+91 98765 43210"}, follow=True)
    assert "A code is on its way to +919876543210" in page.content.decode()
    link = Link.objects.get(account=alice)
    assert link.address == "+919876543210" and link.confirmed_at is None
    assert "A code was sent to +919876543210" in client.get("/settings/phone").content.decode()


def test_quiet_hours_and_the_daily_limit_are_set_on_a_linked_phone(client, alice):
    link_for(alice, "+15550001")
    client.force_login(alice)
    assert "is linked" in client.get("/settings/phone").content.decode()
    client.post("/settings/phone", {"limits": "1", "quiet_from": "22:00", "quiet_until": "07:00", "daily_cap": "5"})
    link = Link.objects.get(account=alice)
    assert (link.quiet_from, link.quiet_until, link.daily_cap) == (time(22), time(7), 5)
    page = client.post("/settings/phone", {"limits": "1", "quiet_from": "22:00", "daily_cap": "5"}, follow=True)
    assert "Give both ends of the quiet hours" in page.content.decode()
    page = client.post("/settings/phone", {"limits": "1", "daily_cap": "9999"}, follow=True)
    assert "between 0 and 500" in page.content.decode()
    client.post("/settings/phone", {"unlink": "1"})
    assert not Link.objects.exists()


def test_the_page_speaks_the_accounts_language(client, make_account):
    ana = make_account("ana", language="ar")
    client.force_login(ana)
    page = client.get("/settings/phone").content.decode()
    assert "رقم الهاتف بالصيغة الدولية" in page and "Phone number" not in page


def test_the_settings_page_links_to_the_phone_page_only_while_sms_is_on(client, alice, settings):
    client.force_login(alice)
    assert 'href="/settings/phone"' in client.get("/settings").content.decode()
    settings.SMS_SECRET = ""
    assert 'href="/settings/phone"' not in client.get("/settings").content.decode()
