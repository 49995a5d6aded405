"""What an evaluation produced, explained: totals, lines, applied rules, credits, coupons,
and the reason for every candidate the cashier may ask about that did not apply.

All money is `Decimal` with 2 places.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass
class PositionResult:
    index: int
    code: str
    quantity: Decimal
    amount: Decimal
    discount: Decimal
    amount_to_pay: Decimal
    # Units of prepaid accounts that cover this line (payments.md "Order", step 1):
    # [{"account", "units", "amount"}]; empty when none.
    paid_by_units: list = field(default_factory=list)


@dataclass
class AppliedRule:
    rule_id: int
    key: str
    explanation: str
    discount: Decimal
    credit: Decimal
    coupons: int
    coupon_ref: str | None = None


@dataclass
class Credit:
    account: str
    amount: Decimal
    activates_at: datetime | None
    expires_at: datetime | None
    rule_id: int
    rule_key: str


@dataclass
class CouponIssue:
    series: str
    quantity: int
    rule_id: int
    rule_key: str


@dataclass
class NotApplied:
    kind: str  # "rule" | "coupon"
    ref: str  # rule key (or the requested id for rule_not_found), or the coupon code
    code: str  # errors.Reason
    message: str
    rule_id: int | None = None


@dataclass
class EvaluationResult:
    amount: Decimal
    discount: Decimal
    amount_to_pay: Decimal
    points_paid: Decimal
    money_to_pay: Decimal
    positions: list[PositionResult] = field(default_factory=list)
    applied_rules: list[AppliedRule] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    coupons_issued: list[CouponIssue] = field(default_factory=list)
    not_applied: list[NotApplied] = field(default_factory=list)
    # payments.md: what paid the check, by source (engine.payments.Payment), and the
    # amounts of the gift cards sold on it.
    payments: list = field(default_factory=list)
    gift_cards_sold: list[Decimal] = field(default_factory=list)
