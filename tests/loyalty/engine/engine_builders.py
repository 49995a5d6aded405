"""Builders for engine tests: short names for the dataclasses of loyalty.engine.

Strings become Decimals, lists become frozensets, so a table row reads like rules.md.
"""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from loyalty.engine import (
    Check,
    CouponApplication,
    CouponIssueSpec,
    CreditTarget,
    Customer,
    DependsOn,
    PeriodFigures,
    Position,
    ProgramSettings,
    Rule,
    Threshold,
    compile_rules,
    evaluate,
)

TZ = "Europe/Kyiv"
KYIV = ZoneInfo(TZ)
# a Tuesday, 12:00 in Kyiv
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=KYIV)
POS = "center"

PRICES = {
    "LATTE": ("coffee", "60.00"),
    "CROISSANT": ("bakery", "45.00"),
    "BEANS": ("coffee-beans", "350.00"),
    "TEA": ("tea", "40.00"),
    "CAKE": ("bakery", "80.00"),
}


def D(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def item(code: str, quantity="1", price=None, category=None) -> Position:
    default_category, default_price = PRICES.get(code, ("", "10.00"))
    return Position(
        code=code,
        title=code.title(),
        category=default_category if category is None else category,
        price=D(price if price is not None else default_price),
        quantity=D(quantity),
    )


def _set(values):
    return frozenset(values or ())


def rule(
    id: int,
    action: str,
    value=None,
    *,
    key: str | None = None,
    mode: str = "auto",
    priority: int = 0,
    order: int | None = None,
    combine: bool = True,
    thresholds=None,
    measure: str = "amount",
    period: str = "check",
    min_quantity=None,
    max_quantity=None,
    credit: CreditTarget | None = None,
    series: str | None = None,
    per: str = "check",
    coupon_quantity: int = 1,
    include_categories=(),
    include_goods=(),
    exclude_categories=(),
    exclude_goods=(),
    points_of_sale=(),
    customer_categories=(),
    **kw,
) -> Rule:
    depends_on = None
    if thresholds is not None:
        depends_on = DependsOn(measure, period, tuple(Threshold(D(f), D(v)) for f, v in thresholds))
    coupon = None
    if action.startswith("issue_coupon"):
        coupon = CouponIssueSpec(series or "series", per, coupon_quantity)
    return Rule(
        id=id,
        key=key or f"r{id}",
        explanation=f"explanation of r{id}",
        mode=mode,
        priority=priority,
        order=id if order is None else order,
        action=action,
        combine=combine,
        value=None if value is None else D(value),
        depends_on=depends_on,
        min_quantity=None if min_quantity is None else D(min_quantity),
        max_quantity=None if max_quantity is None else D(max_quantity),
        credit=credit,
        coupon=coupon,
        include_categories=_set(include_categories),
        include_goods=_set(include_goods),
        exclude_categories=_set(exclude_categories),
        exclude_goods=_set(exclude_goods),
        points_of_sale=_set(points_of_sale),
        customer_categories=_set(customer_categories),
        **kw,
    )


CUSTOMER = Customer(id=1, category="regular", has_completed_sales=True)


def check(
    *positions: Position,
    customer: Customer | None = CUSTOMER,
    time: datetime = NOW,
    point_of_sale: str = POS,
    manual=(),
    coupons=(),
    pay_with_points="0.00",
    history=None,
) -> Check:
    return Check(
        time=time,
        timezone=TZ,
        point_of_sale=point_of_sale,
        positions=tuple(positions),
        customer=customer,
        manual_rule_ids=tuple(manual),
        coupons=tuple(CouponApplication(ref, rule_id) for ref, rule_id in coupons),
        pay_with_points=D(pay_with_points),
        history={
            rule_id: PeriodFigures(D(amount), D(quantity))
            for rule_id, (amount, quantity) in (history or {}).items()
        },
    )


def run(rules, chk: Check, settings: ProgramSettings | None = None):
    return evaluate(compile_rules(rules), chk, settings or ProgramSettings())


def reasons(result) -> list[tuple[str, str, str]]:
    return [(n.kind, n.ref, n.code) for n in result.not_applied]


def line_discounts(result) -> list[str]:
    return [str(p.discount) for p in result.positions]


def items(spec: str) -> list[Position]:
    """`"LATTE*2 CROISSANT X*1@0.25"`: code, optional `*quantity`, optional `@price`."""
    found = []
    for word in spec.split():
        word, _, price = word.partition("@")
        code, _, quantity = word.partition("*")
        found.append(item(code, quantity or "1", price or None))
    return found
