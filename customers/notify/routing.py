"""Which channels a message to a customer tries, in order (journey.md, Hear): the
customer's preferred channel first, then the others they have an address for, in the
business's order; only channels with a backend in settings."""

from django.conf import settings

from ..models import Customer, MessagingSettings

# The customer's field that holds their address on each channel.
ADDRESS_FIELD = {
    "sms": "phone",
    "email": "email",
    "telegram": "telegram_chat_id",
    "viber": "viber_user_id",
}
DEFAULT_ORDER = ("telegram", "viber", "sms", "email")


def business_order(business_id: int) -> list[str]:
    row = MessagingSettings.objects.filter(business_id=business_id).first()
    if row is None:
        return list(DEFAULT_ORDER)
    chosen = [c.strip() for c in row.channel_order.split(",") if c.strip() in ADDRESS_FIELD]
    # a channel the owner left out still comes, last: "never lost" beats the order
    return list(dict.fromkeys(chosen + list(DEFAULT_ORDER)))


def routes(customer, order=DEFAULT_ORDER) -> list[tuple[str, str]]:
    """[(channel, address)] to try; [] for a customer who is not to be contacted."""
    if customer.channel == Customer.Channel.NONE:
        return []
    backends = getattr(settings, "PERKLINE_NOTIFICATION_BACKENDS", {})
    found = []
    for channel in [customer.channel, *order]:
        address = (getattr(customer, ADDRESS_FIELD.get(channel, ""), "") or "").strip()
        if address and channel in backends and (channel, address) not in found:
            found.append((channel, address))
    return found
