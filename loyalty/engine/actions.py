"""The 11 actions of rules.md and what each does to the check at its step.

Each `apply_*` function works on the evaluation's state in integer units (cents for money,
thousandths for quantities), mutates the effective line amounts for discounts, and returns
`(discount, credit, coupons)` in cents / cents / count. Rounding follows rules.md
"Rounding and distribution":

- goods percent (discount or credit): half-up per line, on the covered part of the line;
- per-unit amounts and special prices: per unit times the covered units, each covered unit
  at most down to 0 (so at most the covered part's effective amount);
- check percent: once on the effective total; a check discount is capped at the total and
  distributed over the lines by largest remainder.

`idx` are the indices of the matched lines in position order; `cover` is None when every
matched unit is covered, else the covered thousandths of each matched line (max_quantity).
"""

from .money import distribute_cents, div_half_up

DISCOUNT_GOODS_PERCENT = "discount_goods_percent"
DISCOUNT_GOODS_AMOUNT = "discount_goods_amount"
SPECIAL_PRICE = "special_price"
DISCOUNT_CHECK_PERCENT = "discount_check_percent"
DISCOUNT_CHECK_AMOUNT = "discount_check_amount"
CREDIT_GOODS_PERCENT = "credit_goods_percent"
CREDIT_GOODS_AMOUNT = "credit_goods_amount"
CREDIT_CHECK_PERCENT = "credit_check_percent"
CREDIT_CHECK_AMOUNT = "credit_check_amount"
ISSUE_COUPON_GOODS = "issue_coupon_goods"
ISSUE_COUPON_CHECK = "issue_coupon_check"

ACTIONS = (
    DISCOUNT_GOODS_PERCENT,
    DISCOUNT_GOODS_AMOUNT,
    SPECIAL_PRICE,
    DISCOUNT_CHECK_PERCENT,
    DISCOUNT_CHECK_AMOUNT,
    CREDIT_GOODS_PERCENT,
    CREDIT_GOODS_AMOUNT,
    CREDIT_CHECK_PERCENT,
    CREDIT_CHECK_AMOUNT,
    ISSUE_COUPON_GOODS,
    ISSUE_COUPON_CHECK,
)
GOODS_ACTIONS = frozenset(
    (
        DISCOUNT_GOODS_PERCENT,
        DISCOUNT_GOODS_AMOUNT,
        SPECIAL_PRICE,
        CREDIT_GOODS_PERCENT,
        CREDIT_GOODS_AMOUNT,
        ISSUE_COUPON_GOODS,
    )
)
PERCENT_ACTIONS = frozenset(
    (DISCOUNT_GOODS_PERCENT, DISCOUNT_CHECK_PERCENT, CREDIT_GOODS_PERCENT, CREDIT_CHECK_PERCENT)
)
CREDIT_ACTIONS = frozenset(
    (CREDIT_GOODS_PERCENT, CREDIT_GOODS_AMOUNT, CREDIT_CHECK_PERCENT, CREDIT_CHECK_AMOUNT)
)
ISSUE_ACTIONS = frozenset((ISSUE_COUPON_GOODS, ISSUE_COUPON_CHECK))
DISCOUNT_ACTIONS = frozenset(
    (
        DISCOUNT_GOODS_PERCENT,
        DISCOUNT_GOODS_AMOUNT,
        SPECIAL_PRICE,
        DISCOUNT_CHECK_PERCENT,
        DISCOUNT_CHECK_AMOUNT,
    )
)


class State:
    """The check being evaluated: line quantities and effective amounts, in integer units."""

    __slots__ = ("qty", "eff", "total")

    def __init__(self, qty: list[int], eff: list[int]):
        self.qty = qty  # thousandths of a unit
        self.eff = eff  # cents, never below 0
        self.total = sum(eff)


# value: percent actions get (numerator, denominator * 100) of the percent, money actions
# cents per unit (or once), issue actions the coupon count.


def _goods_percent(state, idx, cover, value, mutate):
    num, den = value
    eff, qty = state.eff, state.qty
    total = 0
    for k, i in enumerate(idx):
        e = eff[i]
        if not e:
            continue
        if cover is None or cover[k] == qty[i]:
            d = div_half_up(e * num, den)
        else:
            d = div_half_up(e * cover[k] * num, qty[i] * den)
        if d > e:
            d = e
        if d:
            total += d
            if mutate:
                eff[i] = e - d
    if mutate:
        state.total -= total
    return total


def discount_goods_percent(state, idx, cover, value):
    return _goods_percent(state, idx, cover, value, True), 0, 0


def credit_goods_percent(state, idx, cover, value):
    return 0, _goods_percent(state, idx, cover, value, False), 0


def discount_goods_amount(state, idx, cover, value):
    eff, qty = state.eff, state.qty
    total = 0
    for k, i in enumerate(idx):
        e = eff[i]
        if not e:
            continue
        q = qty[i]
        c = q if cover is None else cover[k]
        d = div_half_up(value * c, 1000)
        cap = e if c == q else div_half_up(e * c, q)
        if d > cap:
            d = cap
        if d:
            total += d
            eff[i] = e - d
    state.total -= total
    return total, 0, 0


def special_price(state, idx, cover, value):
    eff, qty = state.eff, state.qty
    total = 0
    for k, i in enumerate(idx):
        e = eff[i]
        q = qty[i]
        # per unit: effective unit price (e / q) minus the special price, when positive
        excess = e * 1000 - value * q
        if excess <= 0:
            continue
        c = q if cover is None else cover[k]
        d = div_half_up(excess * c, q * 1000)
        if d > e:
            d = e
        if d:
            total += d
            eff[i] = e - d
    state.total -= total
    return total, 0, 0


def _distribute_check_discount(state, discount):
    if discount > state.total:
        discount = state.total
    if discount <= 0:
        return 0
    eff = state.eff
    if discount == state.total:
        eff[:] = [0] * len(eff)
    else:
        eff[:] = [e - s for e, s in zip(eff, distribute_cents(discount, eff), strict=True)]
    state.total -= discount
    return discount


def discount_check_percent(state, idx, cover, value):
    num, den = value
    return _distribute_check_discount(state, div_half_up(state.total * num, den)), 0, 0


def discount_check_amount(state, idx, cover, value):
    return _distribute_check_discount(state, value), 0, 0


def _covered_units(state, idx, cover):
    if cover is None:
        qty = state.qty
        return sum(qty[i] for i in idx)
    return sum(cover)


def credit_goods_amount(state, idx, cover, value):
    return 0, div_half_up(value * _covered_units(state, idx, cover), 1000), 0


def credit_check_percent(state, idx, cover, value):
    num, den = value
    return 0, div_half_up(state.total * num, den), 0


def credit_check_amount(state, idx, cover, value):
    return 0, value, 0


def issue_coupon_goods_per_check(state, idx, cover, value):
    return 0, 0, value


def issue_coupon_goods_per_item(state, idx, cover, value):
    return 0, 0, value * (_covered_units(state, idx, cover) // 1000)


def issue_coupon_check(state, idx, cover, value):
    return 0, 0, value


APPLY = {
    DISCOUNT_GOODS_PERCENT: discount_goods_percent,
    DISCOUNT_GOODS_AMOUNT: discount_goods_amount,
    SPECIAL_PRICE: special_price,
    DISCOUNT_CHECK_PERCENT: discount_check_percent,
    DISCOUNT_CHECK_AMOUNT: discount_check_amount,
    CREDIT_GOODS_PERCENT: credit_goods_percent,
    CREDIT_GOODS_AMOUNT: credit_goods_amount,
    CREDIT_CHECK_PERCENT: credit_check_percent,
    CREDIT_CHECK_AMOUNT: credit_check_amount,
    ISSUE_COUPON_GOODS: issue_coupon_goods_per_check,  # per item: see apply_function()
    ISSUE_COUPON_CHECK: issue_coupon_check,
}


def apply_function(action: str, per_item: bool = False):
    if action == ISSUE_COUPON_GOODS and per_item:
        return issue_coupon_goods_per_item
    return APPLY[action]
