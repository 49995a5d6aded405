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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .money import distribute_cents, div_half_up
from .promotions import bundle_price, discount_cheapest


class State:
    """The check being evaluated: line quantities and effective amounts, in integer units."""

    __slots__ = ("qty", "eff", "total", "goods")

    def __init__(self, qty: list[int], eff: list[int]):
        self.qty = qty  # thousandths of a unit
        self.eff = eff  # cents, never below 0
        self.total = sum(eff)
        self.goods: Any = None  # the check's GoodsIndex (bundle components match through it)


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


# -- the registry --------------------------------------------------------------------------
#
# Each action once, with what it is: the model's choices, the action sets of the engine, the
# checks of a rule and of a program document, and the panel's rule form are derived from it.
# Adding an action: a line here, its function above, its panel fields, the program format.

DISCOUNT, CREDIT, ISSUE = "discount", "credit", "issue"


def gettext_noop(message: str) -> str:
    """Marks a label for makemessages; the panel translates it (Rule.Action's labels)."""
    return message


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    kind: str  # DISCOUNT, CREDIT or ISSUE: what the rule gives
    on_goods: bool  # it works on the matched goods (goods filters apply), else on the check
    percent: bool  # its value is a percentage, at most 100
    apply: Callable
    apply_per_item: Callable | None = None  # issue actions with coupons per unit

    @property
    def needs_value(self) -> bool:
        """A value or thresholds; an issue action without one issues one coupon."""
        return self.kind != ISSUE


REGISTRY = (
    Action(
        "discount_goods_percent",
        gettext_noop("Discount on goods, %"),
        DISCOUNT,
        on_goods=True,
        percent=True,
        apply=discount_goods_percent,
    ),
    Action(
        "discount_goods_amount",
        gettext_noop("Discount on goods, amount per unit"),
        DISCOUNT,
        on_goods=True,
        percent=False,
        apply=discount_goods_amount,
    ),
    Action(
        "special_price",
        gettext_noop("Special price"),
        DISCOUNT,
        on_goods=True,
        percent=False,
        apply=special_price,
    ),
    Action(
        "discount_check_percent",
        gettext_noop("Discount on the check, %"),
        DISCOUNT,
        on_goods=False,
        percent=True,
        apply=discount_check_percent,
    ),
    Action(
        "discount_check_amount",
        gettext_noop("Discount on the check, amount"),
        DISCOUNT,
        on_goods=False,
        percent=False,
        apply=discount_check_amount,
    ),
    Action(
        "credit_goods_percent",
        gettext_noop("Points for goods, %"),
        CREDIT,
        on_goods=True,
        percent=True,
        apply=credit_goods_percent,
    ),
    Action(
        "credit_goods_amount",
        gettext_noop("Points for goods, per unit"),
        CREDIT,
        on_goods=True,
        percent=False,
        apply=credit_goods_amount,
    ),
    Action(
        "credit_check_percent",
        gettext_noop("Points for the check, %"),
        CREDIT,
        on_goods=False,
        percent=True,
        apply=credit_check_percent,
    ),
    Action(
        "credit_check_amount",
        gettext_noop("Points for the check, fixed"),
        CREDIT,
        on_goods=False,
        percent=False,
        apply=credit_check_amount,
    ),
    Action(
        "issue_coupon_goods",
        gettext_noop("Issue coupons for goods"),
        ISSUE,
        on_goods=True,
        percent=False,
        apply=issue_coupon_goods_per_check,
        apply_per_item=issue_coupon_goods_per_item,
    ),
    Action(
        "issue_coupon_check",
        gettext_noop("Issue coupons for the check"),
        ISSUE,
        on_goods=False,
        percent=False,
        apply=issue_coupon_check,
    ),
    # promotions.md; bound to their rule's group or components by promotions.bind
    Action(
        "discount_cheapest",
        gettext_noop("Cheapest units free or discounted (buy N, M off)"),
        DISCOUNT,
        on_goods=True,
        percent=True,
        apply=discount_cheapest,
    ),
    Action(
        "bundle_price",
        gettext_noop("Bundle price (meal deal)"),
        DISCOUNT,
        on_goods=True,
        percent=False,
        apply=bundle_price,
    ),
)
BY_NAME = {action.name: action for action in REGISTRY}

ACTIONS = tuple(BY_NAME)
GOODS_ACTIONS = frozenset(a.name for a in REGISTRY if a.on_goods)
PERCENT_ACTIONS = frozenset(a.name for a in REGISTRY if a.percent)
DISCOUNT_ACTIONS = frozenset(a.name for a in REGISTRY if a.kind == DISCOUNT)
CREDIT_ACTIONS = frozenset(a.name for a in REGISTRY if a.kind == CREDIT)
ISSUE_ACTIONS = frozenset(a.name for a in REGISTRY if a.kind == ISSUE)


def apply_function(action: str, per_item: bool = False):
    spec = BY_NAME[action]
    if per_item and spec.apply_per_item is not None:
        return spec.apply_per_item
    return spec.apply
