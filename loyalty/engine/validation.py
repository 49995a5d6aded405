"""Rule validation: what rules.md calls a validation error, plus what the engine needs to
compute (known enums, money of 2 places, whole coupon counts).

The panel and the program import validate with the same function, so a stored rule always
compiles. Each error names the field (a path inside the rule, as in the program document).
"""

from decimal import Decimal

from .actions import (
    ACTIONS,
    BY_NAME,
    CREDIT_ACTIONS,
    GOODS_ACTIONS,
    ISSUE_ACTIONS,
    PERCENT_ACTIONS,
)
from .errors import INVALID_RULE, EngineError
from .filters import IDENTITIES, SALES
from .inputs import Rule
from .money import scaled_int
from .periods import PERIODS
from .promotions import validate as validate_promotions
from .thresholds import MEASURES

MODES = frozenset(("auto", "manual", "coupon", "kiosk"))
HUNDRED = Decimal(100)


def _error(rule: Rule, field: str, problem: str) -> EngineError:
    return EngineError(INVALID_RULE, f"Rule {rule.key!r}: {field} {problem}.", field)


def as_decimal(value) -> Decimal | None:
    """`value` as a finite Decimal (ints are accepted, floats never), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    return None


def _check_value(rule: Rule, value, field: str) -> None:
    value = as_decimal(value)
    if value is None:
        raise _error(rule, field, "must be a decimal number")
    if value < 0:
        raise _error(rule, field, "must not be negative")
    if rule.action in PERCENT_ACTIONS:
        if value > HUNDRED:
            raise _error(rule, field, "is a percent and must not exceed 100")
    elif rule.action in ISSUE_ACTIONS:
        if scaled_int(value, 0) is None:
            raise _error(rule, field, "is a coupon count and must be a whole number")
    elif scaled_int(value, 2) is None:
        raise _error(rule, field, "is money and must have at most 2 decimal places")


def _check_units(rule: Rule, value, field: str) -> None:
    value = as_decimal(value)
    if value is None or value < 0:
        raise _error(rule, field, "must be a non-negative decimal number")
    if scaled_int(value, 3) is None:
        raise _error(rule, field, "must have at most 3 decimal places")


def validate_rule(rule: Rule) -> None:
    """Raise EngineError("invalid_rule", message, field) for the first problem found."""
    if rule.mode not in MODES:
        raise _error(rule, "mode", f"must be one of {', '.join(sorted(MODES))}")
    if rule.action not in ACTIONS:
        raise _error(rule, "action", "is not a known action")
    if rule.value is not None:
        _check_value(rule, rule.value, "value")
    depends_on = rule.depends_on
    if depends_on is not None:
        if depends_on.measure not in MEASURES:
            raise _error(rule, "depends_on.measure", "must be amount or quantity")
        if depends_on.period not in PERIODS:
            raise _error(rule, "depends_on.period", "is not a known period")
        if not depends_on.thresholds:
            raise _error(rule, "depends_on.thresholds", "must have at least one row")
        seen = set()
        for n, row in enumerate(depends_on.thresholds):
            field = f"depends_on.thresholds[{n}]"
            from_ = as_decimal(row.from_)
            if from_ is None or from_ < 0:
                raise _error(rule, f"{field}.from", "must be a non-negative decimal number")
            if from_ in seen:
                raise _error(rule, f"{field}.from", "repeats another row's from")
            seen.add(from_)
            _check_value(rule, row.value, f"{field}.value")
    elif rule.value is None and rule.action not in ISSUE_ACTIONS:
        raise _error(rule, "value", "is required when the rule has no thresholds")

    is_goods = rule.action in GOODS_ACTIONS
    for name in ("include_categories", "include_goods", "exclude_categories", "exclude_goods"):
        if getattr(rule, name) and not is_goods:
            raise _error(rule, name, "is a goods list and a check action takes none")
    for name in ("min_quantity", "max_quantity"):
        amount = getattr(rule, name)
        if amount is not None:
            if not is_goods:
                raise _error(rule, name, "applies to goods actions only")
            _check_units(rule, amount, name)
    low, high = as_decimal(rule.min_quantity), as_decimal(rule.max_quantity)
    if low is not None and high is not None and high < low:
        raise _error(rule, "max_quantity", "must not be below min_quantity")

    if rule.action in CREDIT_ACTIONS and rule.credit is not None:
        credit = rule.credit
        if not credit.account:
            raise _error(rule, "credit.account", "is required")
        for name in ("expires_in_days", "activates_in_days"):
            days = getattr(credit, name)
            if days is not None and (not isinstance(days, int) or days < 0):
                raise _error(rule, f"credit.{name}", "must be a non-negative whole number")
    if rule.action in ISSUE_ACTIONS:
        coupon = rule.coupon
        if coupon is None or not coupon.series:
            raise _error(rule, "coupon.series", "is required for an issue action")
        if coupon.per not in ("check", "item"):
            raise _error(rule, "coupon.per", "must be check or item")
        if not isinstance(coupon.quantity, int) or coupon.quantity < 0:
            raise _error(rule, "coupon.quantity", "must be a non-negative whole number")

    if rule.applies_to_sales not in SALES:
        raise _error(rule, "applies_to_sales", "must be all, first or repeat")
    if rule.customer_identity not in IDENTITIES:
        raise _error(rule, "customer_identity", "must be any, identified or anonymous")
    if rule.schedule is not None and not rule.schedule.weekdays <= frozenset(range(1, 8)):
        raise _error(rule, "schedule.weekdays", "must be days 1 (Monday) to 7")
    validate_promotions(rule, is_goods=is_goods, kind=BY_NAME[rule.action].kind)
