"""The engine's input: plain, frozen dataclasses built by the callers (selectors, tests).

Field names are those of rules.md. Nothing here knows about Django or the database: the
selector that loads a program's rules and a customer's history turns rows into these.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Position:
    code: str
    title: str
    category: str  # may be ""
    price: Decimal  # unit price, 2 places
    quantity: Decimal  # > 0, up to 3 places


@dataclass(frozen=True, slots=True)
class Threshold:
    from_: Decimal
    value: Decimal


@dataclass(frozen=True, slots=True)
class DependsOn:
    measure: str  # "amount" | "quantity"
    period: str  # check|day|week|month|year|last_30_days|last_365_days|all_time
    thresholds: tuple[Threshold, ...]


@dataclass(frozen=True, slots=True)
class Schedule:
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    weekdays: frozenset[int] = frozenset()  # 1=Mon..7; empty = any
    time_from: time | None = None
    time_to: time | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class CreditTarget:
    account: str = "bonus"  # "bonus" | "special" | account type key
    expires_in_days: int | None = None  # special only; counted from the check time
    activates_in_days: int | None = None  # special only; counted from the check time


@dataclass(frozen=True, slots=True)
class CouponIssueSpec:
    series: str  # series key
    per: str = "check"  # "check" | "item"
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class BundleComponent:
    """One part of a `bundle_price` bundle (promotions.md): which goods, how many units."""

    include_categories: frozenset[str] = frozenset()
    include_goods: frozenset[str] = frozenset()
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class BirthdayWindow:
    """The `birthday` filter: the check's local date is within these days of the birthday."""

    days_before: int = 0
    days_after: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    key: str
    explanation: str
    mode: str  # auto|manual|coupon|kiosk
    priority: int
    order: int  # creation order (tie-breaker)
    action: str  # one of the 11 actions
    combine: bool = True
    value: Decimal | None = None
    depends_on: DependsOn | None = None
    min_quantity: Decimal | None = None
    max_quantity: Decimal | None = None
    credit: CreditTarget | None = None
    coupon: CouponIssueSpec | None = None
    applies_to_sales: str = "all"  # all|first|repeat
    customer_identity: str = "any"  # any|identified|anonymous
    customer_categories: frozenset[str] = frozenset()  # category keys
    points_of_sale: frozenset[str] = frozenset()  # point-of-sale keys
    include_categories: frozenset[str] = frozenset()
    include_goods: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    exclude_goods: frozenset[str] = frozenset()
    schedule: Schedule | None = None
    name: str = ""
    # promotions.md: discount_cheapest, bundle_price, the cap, the quantity limit, birthdays
    group_size: int | None = None
    free_count: int | None = None
    components: tuple[BundleComponent, ...] = ()
    max_amount: Decimal | None = None
    quantity_limit: Decimal | None = None
    birthday: BirthdayWindow | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    id: int | None  # None for a new (auto-registered, not yet saved) customer
    category: str | None = None  # category key
    has_completed_sales: bool = False  # any completed, not cancelled sale in this program before
    spendable_points: Decimal = Decimal("0.00")  # active bonus balance
    birthday: date | None = None  # for the `birthday` filter (promotions.md)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    amount: Decimal = Decimal("0.00")
    quantity: Decimal = Decimal("0")


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    max_points_share: Decimal = Decimal("100")
    credit_on_points_payment: bool = True


@dataclass(frozen=True, slots=True)
class CouponApplication:
    ref: str  # the presented code (canonical), reported back in not_applied/applied_rules
    rule_id: int  # the coupon-mode rule of its series


@dataclass(frozen=True)
class Check:
    time: datetime  # aware
    timezone: str  # IANA name of the business tz
    point_of_sale: str  # point-of-sale key
    positions: tuple[Position, ...]
    customer: Customer | None = None  # None = anonymous
    manual_rule_ids: tuple[int, ...] = ()
    coupons: tuple[CouponApplication, ...] = ()
    pay_with_points: Decimal = Decimal("0.00")
    # rule id -> figures of the customer's completed past sales over that rule's period
    # (matched positions only for goods actions); missing = zeros
    history: dict[int, PeriodFigures] = field(default_factory=dict)
