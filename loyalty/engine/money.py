"""Money: the one rounding helper (half-up to the cent) and largest-remainder distribution.

Inside the engine, money is held as integer cents and quantities as integer thousandths of a
unit, so that the hot loops do exact integer arithmetic and round only where rules.md says;
`Decimal` appears at the edges (inputs and results).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO_MONEY = Decimal("0.00")


def round_half_up(value: Decimal, exp: Decimal = CENT) -> Decimal:
    """Round to `exp` (0.01 by default), halves away from zero."""
    return value.quantize(exp, rounding=ROUND_HALF_UP)


def div_half_up(num: int, den: int) -> int:
    """`num / den` rounded half-up to an integer; `num >= 0`, `den > 0`."""
    return (2 * num + den) // (2 * den)


def scaled_int(value: Decimal, places: int) -> int | None:
    """`value * 10**places` as an int when exact, else None (also for NaN and infinities)."""
    try:
        num, den = value.as_integer_ratio()
    except (ValueError, OverflowError):
        return None
    scaled, remainder = divmod(num * 10**places, den)
    return None if remainder else scaled


def to_cents(value: Decimal) -> int | None:
    return scaled_int(value, 2)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents) * CENT if cents else ZERO_MONEY


def distribute_cents(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` cents over `weights` in proportion, by the largest-remainder method.

    Each share is first floored; the cents left over go one each to the largest remainders,
    ties to the earlier weight. The shares add up to `total` exactly. `total` must not exceed
    `sum(weights)` when a share must not exceed its weight (true for discounts, which are
    capped at the effective total).
    """
    weight_sum = sum(weights)
    if total == 0 or weight_sum == 0:
        return [0] * len(weights)
    scaled = [total * weight for weight in weights]
    shares = [x // weight_sum for x in scaled]
    left = total - sum(shares)
    if left:
        remainders = [x % weight_sum for x in scaled]
        # a stable sort, so equal remainders keep position order (reverse=True keeps it too)
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:left]:
            shares[i] += 1
    return shares


def distribute(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Decimal front of `distribute_cents`: amounts of 2 places in, 2 places out."""
    cents = to_cents(total)
    weight_cents = [c for c in map(to_cents, weights) if c is not None]
    if cents is None or len(weight_cents) != len(weights):
        raise ValueError("distribute() takes amounts of at most 2 decimal places")
    return [from_cents(c) for c in distribute_cents(cents, weight_cents)]
