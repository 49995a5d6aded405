"""What a coupon series' settings must satisfy (coupons.md "Series settings"), said once.

Plain functions over field values that answer the problems as ``(model field, message)``
pairs. `CouponSeries.clean`, the panel's `SeriesForm` and the program importer all ask
them, so a series is refused for the same reason in the same words wherever it comes from
(the importer only moves the field to its place in the document).
"""

from collections.abc import Collection

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import ValidationFailed

from .codes import check_format

Problem = tuple[str, str]

RANGE, RELATIVE, HOURS = "range", "relative", "hours"
PREGENERATED = "pregenerated"
# A top-up credits bonus points or an account type of the program. Not special points:
# those expire by the rule that credits them, and a top-up has no expiry to give.
TOP_UP_DEFAULT = "bonus"

# A series has issued once any coupon of it has been issued: every issue counts in
# `issued_count` (with the inventory's conditional UPDATE), stock codes do not. Its reward
# is locked from then on; HAS_ISSUED is the same test for querysets of series.
HAS_ISSUED = Q(issued_count__gt=0)


def has_issued(series) -> bool:
    return series.pk is not None and series.issued_count > 0


def code_format_problems(*, prefix, length, group) -> list[Problem]:
    try:
        check_format(prefix=prefix, length=length, group=group)
    except ValidationFailed as exc:
        field = {"code_format.prefix": "code_prefix", "code_format.group": "code_group"}
        return [(field.get(exc.field, "code_length"), str(exc.message))]
    return []


def validity_problems(*, validity_type, valid_from, valid_to, valid_days, valid_hours):
    if validity_type == RANGE:
        if not valid_from or not valid_to:
            return [("valid_to", _("A date range needs both dates."))]
        if valid_to < valid_from:
            return [("valid_to", _("The end date is before the start date."))]
    elif validity_type == RELATIVE and not valid_days:
        return [("valid_days", _("Say for how many days the coupon is valid."))]
    elif validity_type == HOURS and not 1 <= (valid_hours or 0) <= 23:
        return [("valid_hours", _("Between 1 and 23 hours."))]
    return []


def reward_problems(*, has_rule: bool, top_up_amount) -> list[Problem]:
    if not has_rule and top_up_amount is None:
        return [("reward_rule", _("Choose a coupon rule or a top-up amount."))]
    if has_rule and top_up_amount is not None:
        return [("top_up_amount", _("A coupon rewards either a rule or a top-up, not both."))]
    if top_up_amount is not None and top_up_amount <= 0:
        return [("top_up_amount", _("The top-up must be greater than zero."))]
    return []


def top_up_account_problems(*, account, account_types: Collection[str]) -> list[Problem]:
    """`account_types`: the keys of the program's account types."""
    if account == TOP_UP_DEFAULT or account in account_types:
        return []
    return [
        (
            "top_up_account",
            _("Top up “bonus” or an account type of this program, not “%(key)s”.")
            % {"key": account},
        )
    ]


def inventory_problems(*, inventory, code_mode, issued_count) -> list[Problem]:
    if inventory is None and code_mode == PREGENERATED:
        return [
            (
                "inventory",
                _("A pregenerated series needs an inventory: its codes are made in advance."),
            )
        ]
    if inventory is not None and inventory < issued_count:
        return [("inventory", inventory_floor_message(issued_count))]
    return []


def inventory_floor_message(issued: int) -> str:
    return ngettext(
        "The inventory cannot be below the %(n)d coupon issued.",
        "The inventory cannot be below the %(n)d coupons issued.",
        issued,
    ) % {"n": issued}


def amount_problems(*, min_spend, referral_reward, kiosk_price) -> list[Problem]:
    amounts = {
        "min_spend": min_spend,
        "referral_reward": referral_reward,
        "kiosk_price": kiosk_price,
    }
    return [
        (name, _("Enter zero or more."))
        for name, value in amounts.items()
        if value is not None and value < 0
    ]


def giver_problems(*, transferable, notify_giver, referral_reward) -> list[Problem]:
    problems = []
    if notify_giver and not transferable:
        problems.append(("notify_giver", _("Only a transferable coupon has a giver to notify.")))
    if referral_reward and not transferable:
        problems.append(("referral_reward", _("Only a transferable coupon can reward the giver.")))
    return problems


# The model fields that settings_problems reads.
SETTINGS = (
    "code_prefix", "code_length", "code_group",
    "validity_type", "valid_from", "valid_to", "valid_days", "valid_hours",
    "top_up_amount", "inventory", "code_mode",
    "min_spend", "kiosk_price",
    "transferable", "notify_giver", "referral_reward",
)  # fmt: skip


def settings_problems(values, *, has_rule: bool, issued_count: int = 0) -> list[Problem]:
    """Every problem of the series' own values (`values`: model field -> value, those of
    SETTINGS); whether the top-up account exists is the caller's to ask (it needs the
    program's account types)."""
    get = values.get
    return [
        *code_format_problems(
            prefix=get("code_prefix"), length=get("code_length"), group=get("code_group")
        ),
        *validity_problems(
            validity_type=get("validity_type"),
            valid_from=get("valid_from"),
            valid_to=get("valid_to"),
            valid_days=get("valid_days"),
            valid_hours=get("valid_hours"),
        ),
        *reward_problems(has_rule=has_rule, top_up_amount=get("top_up_amount")),
        *inventory_problems(
            inventory=get("inventory"), code_mode=get("code_mode"), issued_count=issued_count
        ),
        *amount_problems(
            min_spend=get("min_spend"),
            referral_reward=get("referral_reward"),
            kiosk_price=get("kiosk_price"),
        ),
        *giver_problems(
            transferable=get("transferable"),
            notify_giver=get("notify_giver"),
            referral_reward=get("referral_reward"),
        ),
    ]
