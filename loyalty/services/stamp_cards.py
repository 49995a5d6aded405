"""A stamp card's meaning (promotions.md "Stamp cards"), checked alike by the panel's form
and the program import: (field, message) pairs naming the model field."""

from decimal import Decimal

from django.utils.translation import gettext as _

from loyalty.models import StampCard
from loyalty.models.stamps import MAX_STAMPS, MIN_STAMPS

# Model field -> its place in a stamp card's JSON (program-format.md): the same names.
JSON_PATHS = {"reward": "reward"}


def stamp_card_problems(*, program, data: dict) -> list[tuple[str, str]]:
    """`data` holds the model's fields, `reward` a CouponSeries (or None)."""
    problems = []
    stamps = data.get("stamps")
    if isinstance(stamps, bool) or not isinstance(stamps, int):
        problems.append(("stamps", _("Enter how many stamps fill a card.")))
    elif not MIN_STAMPS <= stamps <= MAX_STAMPS:
        problems.append(
            (
                "stamps",
                _("A card holds %(min)d to %(max)d stamps.")
                % {"min": MIN_STAMPS, "max": MAX_STAMPS},
            )
        )
    if data.get("counts") not in StampCard.Counts.values:
        problems.append(("counts", _("Choose “sales” or “units”.")))
    reward = data.get("reward")
    if reward is None:
        problems.append(("reward", _("Choose the coupon series a full card gives.")))
    elif reward.program_id != program.pk:
        problems.append(("reward", _("The reward must be a coupon series of this program.")))
    min_amount = data.get("min_amount")
    if min_amount is not None:
        if min_amount <= 0 or min_amount != min_amount.quantize(Decimal("0.01")):
            problems.append(
                ("min_amount", _("The minimum amount is above 0, with at most 2 decimals."))
            )
        elif min_amount >= Decimal("1e12"):
            problems.append(("min_amount", _("The minimum amount is too large.")))
    expires = data.get("expires_in_days")
    if expires is not None and (isinstance(expires, bool) or expires < 1):
        problems.append(("expires_in_days", _("Stamps expire after 1 day or more.")))
    return problems
