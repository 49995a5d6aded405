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


class BackendError(Exception):
    """The channel answered but refused the message; the text says why."""


def _post_json(url: str, payload: dict, *, headers=None, timeout: float = 10) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    # urlopen raises HTTPError for 4xx/5xx answers: a failed attempt.
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read()
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:
        raise BackendError(f"not JSON: {body[:200]!r}") from exc


class TelegramBackend(BaseBackend):
    """Telegram Bot API `sendMessage` to the chat bound from the wallet page.

    Settings: PERKLINE_TELEGRAM_BOT_TOKEN, PERKLINE_TELEGRAM_API_URL."""

    timeout = 10

    def send(self, notification) -> str:
        token = getattr(settings, "PERKLINE_TELEGRAM_BOT_TOKEN", "")
        if not token:
            raise ImproperlyConfigured("PERKLINE_TELEGRAM_BOT_TOKEN is not set")
        base = settings.PERKLINE_TELEGRAM_API_URL.rstrip("/")
        answer = _post_json(
            f"{base}/bot{token}/sendMessage",
            {"chat_id": notification.recipient, "text": notification.body},
            timeout=self.timeout,
        )
        if not answer.get("ok"):
            raise BackendError(str(answer.get("description") or answer)[:500])
        return str((answer.get("result") or {}).get("message_id", ""))


class ViberBackend(BaseBackend):
    """Viber REST bot API `send_message` to the user bound from the wallet page; Viber
    reports delivery to /hooks/viber/ by the returned message_token.

    Settings: PERKLINE_VIBER_AUTH_TOKEN, PERKLINE_VIBER_API_URL, PERKLINE_VIBER_SENDER_NAME."""

    timeout = 10

    def send(self, notification) -> str:
        token = getattr(settings, "PERKLINE_VIBER_AUTH_TOKEN", "")
        if not token:
            raise ImproperlyConfigured("PERKLINE_VIBER_AUTH_TOKEN is not set")
        answer = _post_json(
            settings.PERKLINE_VIBER_API_URL.rstrip("/") + "/send_message",
            {
                "receiver": notification.recipient,
                "type": "text",
                "text": notification.body,
                "sender": {"name": settings.PERKLINE_VIBER_SENDER_NAME[:28]},
            },
            headers={"X-Viber-Auth-Token": token},
            timeout=self.timeout,
        )
        if answer.get("status") != 0:
            raise BackendError(
                f"status {answer.get('status')}: {answer.get('status_message', '')}"[:500]
            )
        return str(answer.get("message_token", ""))
