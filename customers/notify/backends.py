"""Notification channel backends: `send(notification)` delivers or raises.

Chosen per channel by dotted path in settings.PERKLINE_NOTIFICATION_BACKENDS. An exception
counts as a failed attempt; the outbox retries and finally marks the message failed.
"""

import json
import logging
import re
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class BaseBackend:
    def send(self, notification) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Logs the message; the demo and the tests use it. `outbox` keeps what was sent."""

    outbox: list = []

    def send(self, notification) -> None:
        logger.info(
            "%s to %s (%s): %s %s",
            notification.channel,
            notification.recipient,
            notification.kind,
            notification.subject,
            notification.body,
        )
        ConsoleBackend.outbox.append(notification)


class EmailBackend(BaseBackend):
    """Django's mail (the `default` mailer of settings.MAILERS)."""

    def send(self, notification) -> None:
        subject = notification.subject or notification.body.splitlines()[0][:78]
        send_mail(
            subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
            fail_silently=False,
        )


_PLACEHOLDER = re.compile(r"\{(recipient|body)\}")


class HttpSmsBackend(BaseBackend):
    """POSTs JSON to an SMS gateway: settings.PERKLINE_SMS_GATEWAY_URL with the body
    settings.PERKLINE_SMS_GATEWAY_TEMPLATE, whose {recipient} and {body} are filled in
    JSON-escaped (the template sits inside JSON strings)."""

    timeout = 10

    def render(self, notification) -> bytes:
        template = getattr(
            settings, "PERKLINE_SMS_GATEWAY_TEMPLATE", '{"to": "{recipient}", "text": "{body}"}'
        )
        values = {"recipient": notification.recipient, "body": notification.body}
        # One pass, so that a "{body}" typed inside a message is not replaced again.
        text = _PLACEHOLDER.sub(lambda m: json.dumps(values[m.group(1)])[1:-1], template)
        return text.encode()

    def send(self, notification) -> None:
        url = getattr(settings, "PERKLINE_SMS_GATEWAY_URL", "")
        if not url:
            raise ImproperlyConfigured("PERKLINE_SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(
            url,
            data=self.render(notification),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        # urlopen raises HTTPError for 4xx/5xx answers: a failed attempt.
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            response.read()


def get_backend(channel: str) -> BaseBackend:
    backends = getattr(settings, "PERKLINE_NOTIFICATION_BACKENDS", {})
    if channel not in backends:
        raise ImproperlyConfigured(f"no notification backend for channel {channel!r}")
    return import_string(backends[channel])()
