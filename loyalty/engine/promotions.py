"""What promotions.md adds to the engine: `discount_cheapest`, `bundle_price`, the cap
(`max_amount`), the quantity limit (`quantity_limit`) and the `birthday` filter.

They plug into the evaluation order of rules.md unchanged: the two actions are functions of
the same shape as the 11 (`(state, idx, cover, value) -> (discount, credit, coupons)` in
cents), bound to their rule's own numbers at compile time (`bind`); the cap wraps a rule's
action; the limit and the birthday are checked by `evaluate` beside `min_quantity` and the
other filters. Integer cents and thousandths inside, as in actions.py.

Decisions where promotions.md is silent (docs/promotions.md):
- `discount_cheapest`: `max_quantity` caps the discounted units (the benefit); the
  discount of the units taken from one line is `value`% of their share of the line's
  effective amount, rounded half-up per line (as goods percent actions);
- `bundle_price`: components are filled in the order listed, each from its most expensive
  unit on; weighed lines (fractional quantities) never join a bundle; a part of a line
  takes its share of the line's effective amount, the line's last part the rest (so parts
  add up to the line exactly); `max_quantity` is the most bundles per check;
- `max_amount` on a discount: the rule's line discounts are scaled down to the cap by the
  largest-remainder method, so they still add up to the rule's discount exactly.
"""

from calendar import isleap
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from math import lcm
from typing import TypeGuard

from .errors import INVALID_RULE, EngineError, Reason
from .inputs import BirthdayWindow, Customer, Rule
from .matching import GoodsFilter
from .money import distribute_cents, div_half_up, scaled_int

DISCOUNT_CHEAPEST = "discount_cheapest"
BUNDLE_PRICE = "bundle_price"
WHOLE_UNIT_ACTIONS = frozenset((DISCOUNT_CHEAPEST, BUNDLE_PRICE))
MAX_BIRTHDAY_WINDOW = 31  # days_before + days_after


def as_decimal(value) -> Decimal | None:
    """validation.as_decimal (not imported: validation imports this module)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def _price_key(eff: list[int], qty: list[int], lines):
    """A sort key of the whole-unit lines' effective unit prices, exact and integer:
    eff / units scaled by the lcm of the lines' unit counts (cheaper than Fractions)."""
    scale = lcm(*[qty[i] // 1000 for i in lines]) * 1000
    return lambda i: eff[i] * (scale // qty[i])


def whole_lines(idx: tuple[int, ...], qty: list[int]) -> tuple[int, ...]:
    """The lines of whole units: weighed goods never match these actions."""
    return tuple(i for i in idx if not qty[i] % 1000)


def discount_cheapest(state, idx, cover, value, *, group: int, free: int, max_free):
    """`floor(units / group) * free` of the matched units lose `value`%, cheapest first."""
    qty, eff = state.qty, state.eff
    n = sum([qty[i] for i in idx]) // 1000 // group * free
    if max_free is not None and n > max_free:
        n = max_free
    if not n:
        return 0, 0, 0
    num, den = value
    # cheapest effective unit price first; ties: the later position first (a stable sort
    # of the lines in reverse position order)
    order = sorted(reversed(idx), key=_price_key(eff, qty, idx))
    total = 0
    for i in order:
        units = qty[i] // 1000
        k = units if units < n else n
        n -= k
        e = eff[i]
        d = div_half_up(e * num, den) if k == units else div_half_up(e * k * num, units * den)
        if d > e:
            d = e
        if d:
            eff[i] = e - d
            total += d
        if not n:
            break
    state.total -= total
    return total, 0, 0


def bundle_price(state, idx, cover, value, *, components, max_bundles):
    """Bundles of the components' units cost `value` each; see the module's notes."""
    qty, eff = state.qty, state.eff
    matched = state.goods.matched
    allowed = set(idx)
    left: dict[int, int] = {}  # units not yet bundled
    ranked = []
    price = _price_key(eff, qty, idx)
    for goods_filter, need in components:
        lines = [i for i in matched(goods_filter) if i in allowed]
        if not lines:
            return 0, 0, 0
        # the most expensive units first; ties: the earlier position first (stable sort)
        lines.sort(key=price, reverse=True)
        ranked.append((lines, need))
        for i in lines:
            left[i] = qty[i] // 1000
    rest = {i: eff[i] for i in left}  # effective amount of the units not yet bundled
    discounts: dict[int, int] = {}
    bundles = 0
    while max_bundles is None or bundles < max_bundles:
        taken = _fill_bundle(ranked, left)
        if taken is None:
            break
        bundles += 1
        parts = []
        amount_sum = 0
        for i in sorted(taken):
            units = taken[i]
            amount = rest[i] if units == left[i] else div_half_up(rest[i] * units, left[i])
            rest[i] -= amount
            left[i] -= units
            parts.append((i, amount))
            amount_sum += amount
        off = amount_sum - value
        if off > 0:
            shares = distribute_cents(off, [amount for _i, amount in parts])
            for (i, _amount), share in zip(parts, shares, strict=True):
                discounts[i] = discounts.get(i, 0) + share
    total = 0
    for i, d in discounts.items():
        eff[i] -= d
        total += d
    state.total -= total
    return total, 0, 0


def _fill_bundle(ranked, left) -> dict[int, int] | None:
    """Units per line for one more bundle, or None when the lines left cannot fill it.

    Each unit a component needs takes the most expensive line left that it matches; when
    components overlap (any item x1 + LATTE x1), a unit taken by one component is moved
    to another line it matches if that frees the line for the unit that can use nothing
    else (augmenting paths, as in bipartite matching), so a bundle is found whenever the
    check holds one, whatever the lines' order."""
    slots = [k for k, (_lines, need) in enumerate(ranked) for _ in range(need)]
    used: dict[int, int] = {}
    holders: dict[int, list[int]] = {}  # line -> the slots it fills

    def place(slot: int, seen: set[int]) -> bool:
        for i in ranked[slots[slot]][0]:
            if i in seen:
                continue
            seen.add(i)
            if used.get(i, 0) < left[i]:
                used[i] = used.get(i, 0) + 1
                holders.setdefault(i, []).append(slot)
                return True
            for other in holders.get(i, []):
                if place(other, seen):  # `other` moved to another line: `i` is free
                    holders[i].remove(other)
                    holders[i].append(slot)
                    return True
        return False

    for slot in range(len(slots)):
        if not place(slot, set()):
            return None
    return used


def capped_check_percent(state, idx, cover, value, *, cap: int):
    """`discount_check_percent` with `max_amount`: capped before it is distributed."""
    from .actions import _distribute_check_discount  # actions imports this module

    num, den = value
    discount = div_half_up(state.total * num, den)
    return _distribute_check_discount(state, cap if discount > cap else discount), 0, 0


def capped(apply, cap: int, on_credit: bool):
    """`apply` giving at most `cap` cents of discount (or of credit) on one check."""
    if on_credit:

        def run_credit(state, idx, cover, value):
            discount, credit, coupons = apply(state, idx, cover, value)
            return discount, (cap if credit > cap else credit), coupons

        return run_credit

    def run(state, idx, cover, value):
        before = state.eff[:]
        discount, credit, coupons = apply(state, idx, cover, value)
        if discount > cap:
            eff = state.eff
            given = [b - e for b, e in zip(before, eff, strict=True)]
            shares = distribute_cents(cap, given)
            eff[:] = [b - s for b, s in zip(before, shares, strict=True)]
            state.total += discount - cap
            discount = cap
        return discount, credit, coupons

    return run


def birthday_failure(window: BirthdayWindow, customer: Customer | None, today: date):
    """`Reason.BIRTHDAY` unless the customer's birthday is within the window of `today`.

    29 February counts as 28 February in other years. An anonymous check or a customer
    without a birthday never passes.
    """
    born = None if customer is None else customer.birthday
    if born is None:
        return Reason.BIRTHDAY
    before = timedelta(days=window.days_before)
    after = timedelta(days=window.days_after)
    for year in (today.year - 1, today.year, today.year + 1):
        day = 28 if born.month == 2 and born.day == 29 and not isleap(year) else born.day
        birthday = date(year, born.month, day)
        if birthday - before <= today <= birthday + after:
            return None
    return Reason.BIRTHDAY


# -- compile --------------------------------------------------------------------------------


def shared_filter(filters: dict, lists: tuple) -> GoodsFilter:
    """The RuleSet's one GoodsFilter for these (include, include, exclude, exclude) lists."""
    goods_filter = filters.get(lists)
    if goods_filter is None:
        goods_filter = filters[lists] = GoodsFilter(len(filters), *lists)
    return goods_filter


def bundle_lists(rule: Rule) -> tuple:
    """A bundle rule's matched goods: any component's (all goods if one lists none)."""
    categories: set[str] = set()
    goods: set[str] = set()
    for component in rule.components:
        if not component.include_categories and not component.include_goods:
            categories, goods = set(), set()
            break
        categories.update(component.include_categories)
        goods.update(component.include_goods)
    return (
        frozenset(categories),
        frozenset(goods),
        frozenset(rule.exclude_categories),
        frozenset(rule.exclude_goods),
    )


def bind(cr, rule: Rule, filters: dict) -> None:
    """Set what promotions.md adds on the compiled rule `cr` (ruleset.CompiledRule)."""
    action = rule.action
    if action in WHOLE_UNIT_ACTIONS:
        cr.whole_units = True
        cap = None if cr.max_units is None else cr.max_units // 1000
        cr.max_units = None  # these actions read max_quantity themselves (no position cover)
        if action == DISCOUNT_CHEAPEST:
            group = int(rule.group_size or 0)
            least = group * 1000
            if cr.min_units is None or cr.min_units < least:
                cr.min_units = least  # fewer units than a group: reported as min_quantity
            cr.apply = partial(
                discount_cheapest, group=group, free=int(rule.free_count or 0), max_free=cap
            )
        else:
            excludes = (frozenset(rule.exclude_categories), frozenset(rule.exclude_goods))
            components = tuple(
                (
                    shared_filter(
                        filters,
                        (frozenset(c.include_categories), frozenset(c.include_goods), *excludes),
                    ),
                    int(c.quantity),
                )
                for c in rule.components
            )
            cr.apply = partial(bundle_price, components=components, max_bundles=cap)
    if rule.quantity_limit is not None:
        cr.limit_units = scaled_int(Decimal(rule.quantity_limit), 3)  # validated: exact
    if rule.max_amount is not None:
        cap_cents = scaled_int(Decimal(rule.max_amount), 2) or 0
        if action == "discount_check_percent":
            cr.apply = partial(capped_check_percent, cap=cap_cents)
        else:
            cr.apply = capped(cr.apply, cap_cents, on_credit=cr.is_credit)
    if rule.birthday is not None:
        cr.birthday = rule.birthday
        cr.has_filters = True


# -- validation -----------------------------------------------------------------------------


def _error(rule: Rule, field: str, problem: str) -> EngineError:
    return EngineError(INVALID_RULE, f"Rule {rule.key!r}: {field} {problem}.", field)


def _whole(value) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def validate(rule: Rule, *, is_goods: bool, kind: str) -> None:
    """promotions.md's bad input, each naming its field (called by validate_rule)."""
    action = rule.action
    if action == DISCOUNT_CHEAPEST:
        group, free = rule.group_size, rule.free_count
        if not _whole(group) or group < 2:
            raise _error(rule, "group_size", "must be a whole number of at least 2")
        if not _whole(free) or not 1 <= free < group:
            raise _error(rule, "free_count", "must be at least 1 and below group_size")
    elif rule.group_size is not None or rule.free_count is not None:
        field = "group_size" if rule.group_size is not None else "free_count"
        raise _error(rule, field, "belongs to discount_cheapest only")
    if action == BUNDLE_PRICE:
        if len(rule.components) < 2:
            raise _error(rule, "components", "must list at least two components")
        for n, component in enumerate(rule.components):
            if not _whole(component.quantity) or component.quantity < 1:
                raise _error(rule, f"components[{n}].quantity", "must be a whole number >= 1")
        if rule.include_categories or rule.include_goods:
            raise _error(rule, "include_categories", "is given per component in a bundle")
        max_quantity = as_decimal(rule.max_quantity)
        if max_quantity is not None and max_quantity != max_quantity.to_integral_value():
            raise _error(rule, "max_quantity", "is a number of bundles and must be whole")
    elif rule.components:
        raise _error(rule, "components", "belong to bundle_price only")
    if rule.max_amount is not None:
        if kind not in ("discount", "credit"):
            raise _error(rule, "max_amount", "applies to discount and credit actions only")
        cap = as_decimal(rule.max_amount)
        if cap is None or cap <= 0 or scaled_int(cap, 2) is None:
            raise _error(rule, "max_amount", "must be a positive amount of 2 places")
    if rule.quantity_limit is not None:
        if not is_goods:
            raise _error(rule, "quantity_limit", "applies to goods actions only")
        limit = as_decimal(rule.quantity_limit)
        if limit is None or limit < 0 or scaled_int(limit, 3) is None:
            raise _error(rule, "quantity_limit", "must be a non-negative number of 3 places")
        low = as_decimal(rule.min_quantity)
        if low is not None and limit < low:
            raise _error(rule, "quantity_limit", "must not be below min_quantity")
    window = rule.birthday
    if window is not None:
        for name in ("days_before", "days_after"):
            days = getattr(window, name)
            if not _whole(days) or days < 0:
                raise _error(rule, f"birthday.{name}", "must be a non-negative whole number")
        if window.days_before + window.days_after > MAX_BIRTHDAY_WINDOW:
            raise _error(rule, "birthday", "spans more than 31 days")
