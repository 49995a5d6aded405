"""Binding a customer to a Telegram or Viber bot (journey.md, Hear).

The signed-in wallet page asks for a deep link; it carries a one-time token that names
the customer (stored hashed). The bot's webhook hands the token back with the chat's id:
`bind` records that chat as the customer's address on the channel and makes it their
preferred one. A token works once, for a day.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import BotLink, Customer

TOKEN_TTL = timedelta(days=1)
CHANNEL_FIELD = {"telegram": "telegram_chat_id", "viber": "viber_user_id"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def available_bots() -> list[str]:
    """The bots the wallet page offers: those whose settings are complete."""
    bots = []
    if settings.PERKLINE_TELEGRAM_BOT_TOKEN and settings.PERKLINE_TELEGRAM_BOT_NAME:
        bots.append("telegram")
    if settings.PERKLINE_VIBER_AUTH_TOKEN and settings.PERKLINE_VIBER_BOT_URI:
        bots.append("viber")
    return bots


def new_token(customer) -> str:
    """A one-time token for `customer` (Telegram's start parameter allows 64 of
    [A-Za-z0-9_-]: 32 such characters here)."""
    token = secrets.token_urlsafe(24)
    BotLink.objects.create(
        business_id=customer.business_id,
        customer=customer,
        token_hash=_hash(token),
        expires_at=timezone.now() + TOKEN_TTL,
    )
    return token


def deep_link(channel: str, token: str) -> str:
    if channel == "telegram":
        return f"https://t.me/{settings.PERKLINE_TELEGRAM_BOT_NAME}?start={token}"
    if channel == "viber":
        uri = quote(settings.PERKLINE_VIBER_BOT_URI)
        return f"viber://pa?chatURI={uri}&context={token}"
    raise ValueError(channel)


def bind(*, channel: str, token: str, address: str) -> Customer | None:
    """Binds the chat `address` to the token's customer; None for an unknown, used or
    expired token (nothing changes then)."""
    address = str(address or "").strip()[:64]
    token = str(token or "").strip()
    if channel not in CHANNEL_FIELD or not token or not address or len(token) > 64:
        return None
    now = timezone.now()
    with transaction.atomic():
        link = (
            BotLink.objects.select_for_update()
            .filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        customer = Customer.objects.select_for_update().get(pk=link.customer_id)
        # one chat reaches one customer of a business: an earlier binding moves here
        Customer.objects.filter(
            business_id=customer.business_id, **{CHANNEL_FIELD[channel]: address}
        ).exclude(pk=customer.pk).update(**{CHANNEL_FIELD[channel]: ""})
        setattr(customer, CHANNEL_FIELD[channel], address)
        customer.channel = channel
        customer.save(update_fields=[CHANNEL_FIELD[channel], "channel"])
    return customer


def mark_delivered(*, channel: str, external_id: str, at=None) -> int:
    """A channel's delivery report for the message it gave `external_id`."""
    from ..models import Notification

    if not external_id:
        return 0
    return Notification.objects.filter(
        channel=channel, external_id=str(external_id)[:64], delivered_at__isnull=True
    ).update(delivered_at=at or timezone.now())
