from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

# A check may present at most this many coupon codes (quality.md R13): more is a guess.
MAX_COUPONS = 10
MAX_POSITIONS = 500
MAX_MANUAL_RULES = 50
# payments.md: entries of `payments` and `gift_cards_sold` a check may carry.
MAX_PAYMENTS = 10
MAX_GIFT_CARDS_SOLD = 20


@dataclass(frozen=True)
class PositionInput:
    code: str
    price: Decimal
    quantity: Decimal
    title: str = ""
    category: str = ""


@dataclass(frozen=True)
class PaymentInput:
    """One entry of `payments` (payments.md): an account with `amount` or `units`, or a
    gift card's code with `amount`."""

    account: str | None = None
    gift_card: str | None = None
    amount: Decimal | None = None
    units: Decimal | None = None


@dataclass(frozen=True)
class GiftCardSaleInput:
    series: str
    amount: Decimal
    code: str = ""


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
    payments: tuple[PaymentInput, ...] = ()
    gift_cards_sold: tuple[GiftCardSaleInput, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def gift_card_codes(self) -> tuple[str, ...]:
        """Gift-card codes the check presents: look-ups, for the code throttle."""
        paying = tuple(p.gift_card for p in self.payments if p.gift_card)
        return paying + tuple(g.code for g in self.gift_cards_sold if g.code)
