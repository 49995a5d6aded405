"""Phone numbers: customers are stored and looked up by E.164 (platform.md "Customers")."""

import functools

import phonenumbers
from django.utils.translation import gettext as _

from loyalty.errors import ValidationFailed


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


def mask_phone(phone: str) -> str:
    """A stored phone with its middle hidden, for screens a customer's neighbour can see:
    "+380501234567" -> "+38050***4567"."""
    if len(phone) <= 7:
        return phone
    return phone[:-7] + "***" + phone[-4:]
