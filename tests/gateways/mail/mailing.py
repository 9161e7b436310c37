"""Mail as the gateway's tests send it: a message, and one SMTP conversation (smtplib) to deliver it."""

import email.policy
import smtplib
from email.message import EmailMessage

DOMAIN = "mail.chirvir.test"  # CHIRVIR_MAIL_DOMAIN in these tests


def send(port, to, message: EmailMessage | bytes, sender="alice@example.org"):
    """Send one mail; returns the server's (code, words) for it, or raises what smtplib raises."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo("client.example.org")
        client.mail(sender)
        code, words = client.rcpt(to)
        if code != 250:
            return code, words.decode()
        raw = message if isinstance(message, bytes) else message.as_bytes(policy=email.policy.SMTP)
        code, words = client.data(raw)
        return code, words.decode()


def mail(text="", subject="A post", **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Alice <alice@example.org>", "x@" + DOMAIN, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if text:
        message.set_content(text)
    return message
