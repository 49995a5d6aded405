"""The message kinds: one table from which the templates page, the validation of owners'
texts, the sample preview and the senders all read (design.md: one registry per concept).

A default text is an English msgid: gettext in the customer's language gives its
translation, so defaults live in locale/ like every other text. Placeholders are
`{name}`; `{{` and `}}` write literal braces.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What each placeholder holds, shown beside the editor.
PLACEHOLDERS = {
    "business": _("the business's name"),
    "customer": _("the customer's name"),
    "code": _("the code (coupon, certificate or one-time code)"),
    "link": _("the link to the coupon, certificate or wallet page"),
    "benefit": _("what the coupon or certificate gives"),
    "valid_to": _("the last day of validity, in the business's time zone"),
    "balance": _("the points balance"),
    "points": _("the points that expire"),
    "friend": _("the friend's name"),
    "tier": _("the new tier"),
    "count": _("how many coupons"),
}

COMMON = ("business", "customer", "link")


@dataclass(frozen=True)
class MessageKind:
    key: str
    label: object  # lazy text
    placeholders: tuple[str, ...]
    default: object  # lazy text, the English msgid
    # False: only the channel it was queued on (a one-time code proves the phone).
    fallback: bool = True


KINDS: dict[str, MessageKind] = {
    kind.key: kind
    for kind in (
        MessageKind(
            "one_time_code",
            _("One-time code"),
            ("business", "code"),
            pgettext_lazy("message", "{business}: your code is {code}. It is valid for 5 minutes."),
            fallback=False,
        ),
        MessageKind(
            "coupon_issued",
            _("Coupon issued"),
            (*COMMON, "code", "benefit", "valid_to", "count"),
            pgettext_lazy(
                "message",
                "{business}: a new coupon for you: {benefit}. Code {code}, valid until "
                "{valid_to}. {link}",
            ),
        ),
        MessageKind(
            "coupon_expiring",
            _("Coupon expiring"),
            (*COMMON, "code", "benefit", "valid_to"),
            pgettext_lazy(
                "message",
                "{business}: your coupon {benefit} (code {code}) is valid until {valid_to}. {link}",
            ),
        ),
        MessageKind(
            "coupon_received",
            _("Gift received"),
            (*COMMON, "code", "benefit", "valid_to", "friend"),
            pgettext_lazy(
                "message",
                "{business}: {friend} has given you a coupon: {benefit}. Code {code}. {link}",
            ),
        ),
        MessageKind(
            "gift_claimed",
            _("Gift claimed"),
            (*COMMON, "benefit", "friend"),
            pgettext_lazy(
                "message", "{business}: {friend} has received the coupon you gave: {benefit}."
            ),
        ),
        MessageKind(
            "gift_returned",
            _("Gift returned"),
            (*COMMON, "code", "benefit", "valid_to"),
            pgettext_lazy(
                "message",
                "{business}: the coupon you gave ({benefit}) was not claimed and is back in "
                "your wallet. {link}",
            ),
        ),
        MessageKind(
            "certificate_sent",
            _("Certificate sent"),
            ("business", "link", "code", "benefit", "valid_to"),
            pgettext_lazy(
                "message", "{business}: a gift certificate for you: {benefit}. Open it: {link}"
            ),
        ),
        MessageKind(
            "points_expiring",
            _("Points expiring"),
            (*COMMON, "points", "balance", "valid_to"),
            pgettext_lazy(
                "message",
                "{business}: {points} points on your card expire on {valid_to}. "
                "Balance: {balance}. {link}",
            ),
        ),
        MessageKind(
            "tier_changed",
            _("Tier changed"),
            (*COMMON, "tier"),
            pgettext_lazy("message", "{business}: your tier is now {tier}. {link}"),
        ),
        MessageKind(
            "stamp_card_reward",
            _("Stamp card reward"),
            (*COMMON, "benefit", "code", "valid_to"),
            pgettext_lazy(
                "message",
                "{business}: your stamp card is full, {benefit} is yours. Code {code}, valid "
                "until {valid_to}. {link}",
            ),
        ),
        MessageKind(
            "welcome",
            _("Welcome"),
            (*COMMON, "balance"),
            # No {customer} in the default: a phone registered at the till has no name yet.
            pgettext_lazy("message", "{business}: welcome! Your card and coupons: {link}"),
        ),
        MessageKind(
            "campaign",
            _("Campaign"),
            (*COMMON, "code", "benefit", "valid_to"),
            pgettext_lazy("message", "{business}: {benefit}. Details: {link}"),
        ),
    )
}


def get_kind(key: str) -> MessageKind:
    return KINDS[key]
