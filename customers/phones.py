"""Phone numbers: customers are stored and looked up by E.164 (platform.md "Customers")."""

import functools

import phonenumbers
from django.utils.translation import gettext as _

from core.errors import ValidationFailed


def normalize_phone(raw: str, region: str) -> str:
    """`raw` in any common local or international format, as E.164 ("+380501234567").

    `region` (ISO 3166 alpha-2, the business's default) reads numbers without a country code.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(_("Enter a phone number."), field="phone")
    return _e164(text, (region or "").upper())


# Every identified check parses its phone; the same customers come back all day.
@functools.lru_cache(maxsize=4096)
def _e164(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(_("This is not a phone number."), field="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed(_("This is not a valid phone number."), field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# How much of a phone a screen shows. The terminal API names the customer to a cashier who
# confirms the number with them; public pages and the kiosk, where a neighbour may look,
# show less.
MASK_API = "api"  # "+380501234567" -> "+38050*****67"
MASK_PUBLIC = "public"  # "+380501234567" -> "+380…567"


def mask_phone(phone: str, *, style: str = MASK_API) -> str:
    """A stored phone with its middle hidden, in one of the two styles above."""
    if not phone or len(phone) < 8:
        return phone
    if style == MASK_PUBLIC:
        return phone[:4] + "…" + phone[-3:]
    return phone[:6] + "*" * (len(phone) - 8) + phone[-2:]
