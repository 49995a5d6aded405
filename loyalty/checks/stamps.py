"""Stamp cards in the check flow (promotions.md "Stamp cards"): what evaluate shows, what
confirm writes, what cancel takes back. The counting is the engine's (engine/stamps.py),
the entries are customers/stamps.py's."""

import threading
from decimal import Decimal

from coupons.models import Coupon
from customers import stamps as stamp_ledger
from loyalty.engine.stamps import StampCard, StampOutcome, stamp_outcome, stamps_added
from loyalty.models import StampCard as StampCardModel

_cache: dict[tuple[int, int], list[StampCard]] = {}
_lock = threading.Lock()
_MAX_ENTRIES = 256


def cards_of(program) -> list[StampCard]:
    """The program's active cards, cached per program version like its rules (a card edit
    bumps the version: loyalty.signals): a program without cards costs no query."""
    key = (program.pk, program.version)
    cards = _cache.get(key)
    if cards is None:
        cards = [
            StampCard(
                id=c.pk,
                key=c.key,
                name=c.name,
                stamps=c.stamps,
                counts=c.counts,
                reward=c.reward.key,
                include_categories=frozenset(c.include_categories or ()),
                include_goods=frozenset(c.include_goods or ()),
                exclude_categories=frozenset(c.exclude_categories or ()),
                exclude_goods=frozenset(c.exclude_goods or ()),
                min_amount=None if c.min_amount is None else Decimal(c.min_amount),
                expires_in_days=c.expires_in_days,
            )
            for c in StampCardModel.objects.filter(program_id=program.pk, is_active=True)
            .select_related("reward")
            .order_by("created_at", "id")
        ]
        with _lock:
            if len(_cache) >= _MAX_ENTRIES:
                _cache.clear()
            _cache[key] = cards
    return cards


def _outcomes(cards, balances, ctx, result) -> list[StampOutcome]:
    positions = ctx.engine_check.positions
    return [
        stamp_outcome(card, balances[card.id], stamps_added(card, positions, result.amount_to_pay))
        for card in cards
    ]


def preview(ctx, result) -> list[dict]:
    """Evaluate's `stamps`: what the check would add, for an identified customer (a phone
    the check would register starts from nothing)."""
    cards = cards_of(ctx.program)
    if not cards or (ctx.customer is None and not ctx.new_phone):
        return []
    if ctx.customer is None:
        balances = {card.id: 0 for card in cards}
    else:
        balances = stamp_ledger.balances(
            customer_id=ctx.customer.pk, card_ids=[c.id for c in cards]
        )
        stale = stamp_ledger.stale_stamps(
            customer_id=ctx.customer.pk, cards=cards, balances=balances, at=ctx.at
        )
        balances = {card_id: n - stale.get(card_id, 0) for card_id, n in balances.items()}
    return [o.as_dict() for o in _outcomes(cards, balances, ctx, result)]


def earn(ctx, result, customer, sale, at) -> tuple[list[dict], dict[str, int]]:
    """Confirm's stamps: the entries written and the reward coupons to issue with the
    sale's (series key -> quantity). The caller holds the customer's row locked."""
    cards = cards_of(ctx.program)
    if not cards or customer is None:
        return [], {}
    accounts = stamp_ledger.lock_accounts(customer=customer, card_ids=[c.id for c in cards])
    balances = {card_id: account.balance for card_id, account in accounts.items()}
    stale = stamp_ledger.stale_stamps(
        customer_id=customer.pk, cards=cards, balances=balances, at=at
    )
    for card_id, amount in stale.items():
        stamp_ledger.expire(account=accounts[card_id], amount=amount, at=at)
        balances[card_id] -= amount
    outcomes = _outcomes(cards, balances, ctx, result)
    rewards: dict[str, int] = {}
    for outcome in outcomes:
        card = outcome.card
        stamp_ledger.post(
            account=accounts[card.id],
            added=outcome.added,
            used=outcome.rewards * card.stamps,
            rewards=outcome.rewards,
            sale=sale,
            at=at,
        )
        if outcome.rewards:
            rewards[card.reward] = rewards.get(card.reward, 0) + outcome.rewards
    return [o.as_dict() for o in outcomes], rewards


def take_back(*, sale, at) -> None:
    """Cancel's stamps: run after the sale's issued coupons were cancelled, so the reward
    coupons still redeemed are the ones the customer used."""
    redeemed: dict[int, int] = {}
    cards = StampCardModel.objects.filter(program_id=sale.program_id).values_list("pk", "reward_id")
    by_series: dict[int, list[int]] = {}
    for card_id, series_id in cards:
        by_series.setdefault(series_id, []).append(card_id)
    if not by_series:
        return
    used = Coupon.objects.filter(
        issued_by_sale=sale, series_id__in=list(by_series), state=Coupon.State.REDEEMED
    ).values_list("series_id", flat=True)
    for series_id in used:
        for card_id in by_series[series_id]:
            redeemed[card_id] = redeemed.get(card_id, 0) + 1
    stamp_ledger.reverse_sale(sale=sale, used_rewards=redeemed, at=at)
