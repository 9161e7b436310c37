"""Fixtures of the sign-in tests: a real SMTP server on loopback (aiosmtpd) that keeps what it gets."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from tests.servers import free_port


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    port = free_port()
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port
    ):
        yield box
    controller.stop()
