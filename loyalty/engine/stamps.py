"""Stamp cards (promotions.md "Stamp cards"): how many stamps a check adds, and how many
cards it fills. Pure: the caller reads the card's balance and writes the entries."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .inputs import Position
from .matching import position_matches


@dataclass(frozen=True, slots=True)
class StampCard:
    id: int
    key: str
    name: str
    stamps: int  # how many fill a card, 2..50
    counts: str  # "sales" | "units"
    reward: str  # the reward coupon series' key
    include_categories: frozenset[str] = frozenset()
    include_goods: frozenset[str] = frozenset()
    exclude_categories: frozenset[str] = frozenset()
    exclude_goods: frozenset[str] = frozenset()
    min_amount: Decimal | None = None
    expires_in_days: int | None = None


@dataclass(frozen=True, slots=True)
class StampOutcome:
    card: StampCard
    before: int
    added: int
    after: int
    rewards: int

    def as_dict(self) -> dict:
        """The result's `stamps` item (promotions.md, terminal-api.md)."""
        return {
            "card": self.card.key,
            "name": self.card.name,
            "before": self.before,
            "added": self.added,
            "after": self.after,
            "of": self.card.stamps,
            "rewards": self.rewards,
        }


def stamps_added(card: StampCard, positions: Iterable[Position], amount_to_pay: Decimal) -> int:
    """Stamps the check earns on `card`: none below `min_amount` (the amount to pay after
    discounts); `sales`: one if any line matches; `units`: the matching lines' whole units
    (a weighed 0.5 kg line counts none)."""
    if card.min_amount is not None and amount_to_pay < card.min_amount:
        return 0
    matching = [
        p
        for p in positions
        if position_matches(
            p,
            card.include_categories,
            card.include_goods,
            card.exclude_categories,
            card.exclude_goods,
        )
    ]
    if card.counts == "sales":
        return 1 if matching else 0
    return sum(int(p.quantity.to_integral_value(rounding=ROUND_FLOOR)) for p in matching)


def stamp_outcome(card: StampCard, before: int, added: int) -> StampOutcome:
    """Fills as many cards as the stamps pay for; the surplus carries over (7 stamps on a
    6-stamp card: 1 reward, 1 left). A card that owes stamps (below zero) repays first."""
    total = before + added
    rewards = total // card.stamps if total >= card.stamps and added > 0 else 0
    return StampOutcome(card, before, added, total - rewards * card.stamps, rewards)
