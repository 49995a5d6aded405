"""The engine's and the checks' messages as cashiers and customers read them.

The engine is plain Python and writes English (loyalty/engine/errors.py); API bodies keep
that text and its code. Pages translate here: by the English text when it is a known
message (a refused coupon carries the reason's text under the code
`coupon_not_applicable`), else by code.
"""

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from loyalty.engine.errors import (
    CUSTOMER_REQUIRED,
    INSUFFICIENT_POINTS,
    POINTS_SHARE_EXCEEDED,
    Reason,
)

# One line per engine reason (tests/loyalty/checks/test_messages.py holds them in step).
REASONS = {
    Reason.RULE_NOT_FOUND: _("No such manual rule in this program."),
    Reason.COUPON_NOT_APPLICABLE: _("This coupon cannot be applied to this check."),
    Reason.POINT_OF_SALE: _("Not available at this point of sale."),
    Reason.OUTSIDE_SCHEDULE: _("Not available at this date or time."),
    Reason.CUSTOMER_IDENTITY: _("Not available for this kind of customer (identified or not)."),
    Reason.CUSTOMER_CATEGORY: _("Not available for the customer's category."),
    Reason.APPLIES_TO_SALES: _("Only for a customer's first sale, or only for repeat sales."),
    Reason.NO_MATCHING_GOODS: _("No goods on the check qualify."),
    Reason.MIN_QUANTITY: _("Not enough qualifying units on the check."),
    Reason.NO_THRESHOLD: _("The amount or quantity does not reach any threshold."),
    Reason.NOT_COMBINABLE: _("Cannot be combined with the other rules applied to this check."),
    Reason.CUSTOMER_REQUIRED: _("Identify the customer to receive this credit."),
    Reason.NO_EFFECT: _("It would change nothing on this check."),
    Reason.QUANTITY_LIMIT: _("More qualifying units on the check than the rule allows."),
    Reason.BIRTHDAY: _("Only around the customer's birthday."),
}

# Codes of refusals and coupon look-ups (loyalty/checks/results.py, the engine's errors).
CODES = {
    "coupon_not_found": _("No such coupon."),
    "coupon_expired": _("The coupon has expired."),
    "coupon_not_yet_valid": _("The coupon is not valid yet."),
    "coupon_already_redeemed": _("The coupon has already been redeemed."),
    "min_spend_not_reached": _("The check does not reach the coupon's minimum spend."),
    "rule_not_applicable": _("This rule does not apply to this check."),
    CUSTOMER_REQUIRED: _("An identified customer is required."),
    INSUFFICIENT_POINTS: _("The customer's spendable points are fewer than asked."),
    POINTS_SHARE_EXCEEDED: _("Too large a part of this check is paid with points."),
}

# Engine texts that are not reasons but reach the cashier as they are.
_TEXTS = (
    _("Identify the customer to pay with points."),
    _("The customer's spendable points are fewer than asked."),
)


def shown_message(code: str | None, message: str | None) -> str:
    """The message in the active language: its own translation, else the code's."""
    text = str(message or "")
    if text:
        translated = gettext(text)
        if translated != text or (get_language() or "en").startswith("en"):
            return translated
    known = (REASONS.get(code) or CODES.get(code)) if code else None
    if known is not None:
        return str(known)
    return text
