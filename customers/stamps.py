"""The stamp cards' ledger (promotions.md "Stamp cards"): an account per customer and card,
append-only entries, reversals on cancel.

Invariant (checked by `check_stamps`, part of check_ledger): `account.balance` == sum of
its entries. Callers hold the customer's row locked (confirm and cancel lock it first), so
one customer's stamps change in one transaction at a time; the accounts are locked too.
"""

from datetime import timedelta

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from loyalty.models import StampCard

from .stamp_models import StampAccount, StampEntry

Kind = StampEntry.Kind


def balances(*, customer_id: int, card_ids: list[int]) -> dict[int, int]:
    """card id -> the customer's stamps (0 where the card has no account yet)."""
    if not card_ids:
        return {}
    found = dict(
        StampAccount.objects.filter(customer_id=customer_id, card_id__in=card_ids).values_list(
            "card_id", "balance"
        )
    )
    return {card_id: found.get(card_id, 0) for card_id in card_ids}


def lock_accounts(*, customer, card_ids: list[int]) -> dict[int, StampAccount]:
    """card id -> the customer's account, created where missing, locked (card order)."""
    StampAccount.objects.bulk_create(
        [
            StampAccount(business_id=customer.business_id, customer_id=customer.pk, card_id=c)
            for c in card_ids
        ],
        ignore_conflicts=True,
    )
    rows = (
        StampAccount.objects.select_for_update()
        .filter(customer_id=customer.pk, card_id__in=card_ids)
        .order_by("pk")
    )
    return {row.card_id: row for row in rows}


def post(*, account: StampAccount, added: int, used: int, rewards: int, sale, at) -> None:
    """Stamps a sale earned (`added`) and the stamps its filled cards used (`used`, for
    `rewards` reward coupons); the account's balance moves by their difference."""
    entries = []
    if added:
        entries.append(_entry(account, added, Kind.STAMP, sale, at))
    if used:
        entries.append(_entry(account, -used, Kind.REWARD, sale, at, rewards=rewards))
    if not entries:
        return
    StampEntry.objects.bulk_create(entries)
    StampAccount.objects.filter(pk=account.pk).update(balance=F("balance") + added - used)
    account.balance += added - used


def _entry(account, amount, kind, sale, at, **fields) -> StampEntry:
    return StampEntry(
        business_id=account.business_id,
        account=account,
        amount=amount,
        kind=kind,
        sale=sale,
        created_at=at,
        **fields,
    )


def stale_stamps(*, customer_id: int, cards, balances: dict[int, int], at) -> dict[int, int]:
    """card id -> stamps older than the card's `expires_in_days` still on it (promotions.md:
    they drop off). Filled cards use the oldest stamps first, so what is left of a balance
    is its newest stamps: whatever exceeds the stamps earned within the window is old.
    One query, and none when no card with a balance expires its stamps."""
    due = [c for c in cards if c.expires_in_days and balances.get(c.id, 0) > 0]
    if not due:
        return {}
    window = Q()
    for card in due:
        since = at - timedelta(days=card.expires_in_days)
        window |= Q(account__card_id=card.id) & (
            Q(kind=Kind.STAMP, created_at__gte=since)
            | Q(kind=Kind.REVERSAL, reverses__kind=Kind.STAMP, reverses__created_at__gte=since)
        )
    recent = dict(
        StampEntry.objects.filter(window, account__customer_id=customer_id)
        .values("account__card_id")
        .annotate(total=Sum("amount"))
        .values_list("account__card_id", "total")
    )
    stale = {c.id: balances[c.id] - max(recent.get(c.id) or 0, 0) for c in due}
    return {card_id: n for card_id, n in stale.items() if n > 0}


def expire(*, account: StampAccount, amount: int, at) -> None:
    """Drops `amount` stale stamps from `account` (an expiry entry)."""
    if amount <= 0:
        return
    StampEntry.objects.create(
        business_id=account.business_id,
        account=account,
        amount=-amount,
        kind=Kind.EXPIRY,
        created_at=at,
    )
    StampAccount.objects.filter(pk=account.pk).update(balance=F("balance") - amount)
    account.balance -= amount


def reverse_sale(*, sale, used_rewards: dict[int, int], at) -> None:
    """Reverses `sale`'s stamp entries not reversed yet: its stamps go; the stamps of a
    filled card come back unless its reward coupon was used (`used_rewards`: card id ->
    how many of the sale's reward coupons were redeemed): those the card owes, so the
    balance may go below zero and later stamps repay it. A second call writes nothing."""
    account_ids = list(
        StampEntry.objects.filter(sale=sale).values_list("account_id", flat=True).distinct()
    )
    if not account_ids:
        return
    accounts = {
        a.pk: a
        for a in StampAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
    }
    entries = StampEntry.objects.filter(sale=sale, reversals__isnull=True).exclude(
        kind=Kind.REVERSAL
    )
    reversals, moves = [], dict.fromkeys(accounts, 0)
    for entry in entries.order_by("id"):
        account = accounts[entry.account_id]
        amount = -entry.amount
        if entry.kind == Kind.REWARD:
            used = min(used_rewards.get(account.card_id, 0), entry.rewards)
            # Only the rewards still unused give their stamps back.
            amount = (entry.rewards - used) * (-entry.amount // entry.rewards)
        reversals.append(
            StampEntry(
                business_id=account.business_id,
                account=account,
                amount=amount,
                kind=Kind.REVERSAL,
                sale=sale,
                reverses=entry,
                created_at=at,
            )
        )
        moves[account.pk] += amount
    StampEntry.objects.bulk_create(reversals)
    for pk, move in moves.items():
        if move:
            StampAccount.objects.filter(pk=pk).update(balance=F("balance") + move)


def check_stamps() -> list[str]:
    """Every stamp account whose balance disagrees with the sum of its entries."""
    total = (
        StampEntry.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = StampAccount.objects.annotate(total=Coalesce(Subquery(total), 0)).exclude(
        balance=F("total")
    )
    return [
        f"stamp account {row.pk} (business {row.business_id}, customer {row.customer_id}, "
        f"card {row.card_id}): balance {row.balance} != sum of entries {row.total}"
        for row in rows.order_by("pk")
    ]


def customer_cards(*, customer, program) -> list[dict]:
    """The program's active cards with the customer's stamps, for the wallet and the kiosk:
    [{"card", "name", "stamps", "of"}] (stamps below zero: the card owes them)."""
    cards = list(
        StampCard.objects.filter(program_id=program.pk, is_active=True).order_by("created_at", "id")
    )
    if not cards:
        return []
    have = balances(customer_id=customer.pk, card_ids=[c.pk for c in cards])
    stale = stale_stamps(
        customer_id=customer.pk, cards=[_Due(c) for c in cards], balances=have, at=timezone.now()
    )
    have = {card_id: n - stale.get(card_id, 0) for card_id, n in have.items()}
    return [{"card": c.key, "name": c.name, "stamps": have[c.pk], "of": c.stamps} for c in cards]


class _Due:
    """A card model as `stale_stamps` reads it (the engine's StampCard has the same)."""

    def __init__(self, card):
        self.id, self.expires_in_days = card.pk, card.expires_in_days
