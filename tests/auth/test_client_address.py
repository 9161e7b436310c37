"""The client's address, as the throttle, the rate limits and the access log take it: the peer's
own, whatever X-Forwarded-For says, unless the peer is a proxy the operator named in
CHIRVIR_TRUSTED_PROXIES (none by default; loopback and private networks are not trusted for it)."""

import ipaddress
import logging

from django.test import Client

PASSWORD = "a long password 7"


def guess(address, forged, username="alice"):
    return Client(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forged).post(
        "/login", {"username": username, "password": "wrong guess 1"}
    )


def test_a_forged_header_from_an_untrusted_peer_does_not_change_the_address(make_account, caplog):
    make_account("alice")
    # A machine on the LAN (and loopback) is no proxy unless named: its forged hops are ignored.
    for peer in ("192.168.1.20", "127.0.0.1"):
        answers = [guess(peer, f"203.0.113.{n}") for n in range(6)]
        assert "Too many failed attempts" in answers[-1].content.decode()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="chirvir.access"):
        Client(REMOTE_ADDR="192.168.1.20", HTTP_X_FORWARDED_FOR="203.0.113.77").get("/health")
    [line] = [r.getMessage() for r in caplog.records if r.name == "chirvir.access"]
    assert " for 192.168.1.20 " in line and "203.0.113.77" not in line


def test_a_named_proxy_is_believed_for_the_address_it_forwards(make_account, settings, caplog):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)
    make_account("alice")
    answers = [guess("10.1.2.3", f"203.0.113.{n}") for n in range(6)]
    assert all("Too many failed attempts" not in a.content.decode() for a in answers)  # six people, one try each
    # The hop before the proxy is the client, whatever the client wrote before it.
    answers = [guess("10.1.2.3", f"198.51.100.{n}, 203.0.113.200") for n in range(6)]
    assert "Too many failed attempts" in answers[-1].content.decode()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="chirvir.access"):
        Client(REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.77").get("/health")
    [line] = [r.getMessage() for r in caplog.records if r.name == "chirvir.access"]
    assert " for 203.0.113.77 " in line
