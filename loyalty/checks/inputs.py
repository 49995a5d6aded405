from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# A check may present at most this many coupon codes (quality.md R13): more is a guess.
MAX_COUPONS = 10
MAX_POSITIONS = 500
MAX_MANUAL_RULES = 50


@dataclass(frozen=True)
class PositionInput:
    code: str
    price: Decimal
    quantity: Decimal
    title: str = ""
    category: str = ""


@dataclass(frozen=True)
class CheckInput:
    """A check as a terminal sends it (terminal-api.md "Check request"), already validated."""

    positions: tuple[PositionInput, ...]
    customer: dict | None = None  # {"phone"} | {"card"} | {"id"} | None
    manual_rules: tuple[int, ...] = ()
    coupons: tuple[str, ...] = ()
    pay_with_points: Decimal = Decimal("0.00")
    external_id: str = ""
    time: datetime | None = None
    extra: dict = field(default_factory=dict)
