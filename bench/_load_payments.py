"""Balances for LOAD_MIX=payments (run inside Django by load_bench.py through
`manage.py shell`, after the customers are registered): the returning customers' wallets and
the pre-made gift cards, each funded once with FUNDS, written as the ledger writes them so
that check_ledger stays clean after the run."""

from decimal import Decimal

from _load_program import (
    FUNDS,
    GIFT_CARD_SERIES,
    RETURNING,
    WALLET,
    gift_card_codes,
    phones,
)
from django.db import transaction
from django.utils import timezone

from coupons.codes import normalize_code
from customers.ledger import credit, get_account
from customers.services import find_customer
from giftcards.models import GiftCard, GiftCardEntry, GiftCardSeries
from loyalty.models import Business, Program


@transaction.atomic
def fund(slug: str, phone_count: int) -> str:
    business = Business.objects.get(slug=slug)
    program = Program.objects.get(business=business, key="load")
    amount, now = Decimal(FUNDS), timezone.now()
    wallets = 0
    for phone in phones(phone_count)[:RETURNING]:
        customer = find_customer(business=business, phone=phone)
        account = get_account(customer=customer, program=program, key=WALLET)
        if account.balance < amount / 2:
            credit(account=account, amount=amount, kind="top_up", reason="load bench", at=now)
            wallets += 1
    series = GiftCardSeries.objects.get(program=program, key=GIFT_CARD_SERIES)
    have = set(GiftCard.objects.filter(business=business).values_list("code", flat=True))
    cards = 0
    for code in gift_card_codes():
        if code in have:
            continue
        card = GiftCard.objects.create(
            business=business,
            series=series,
            program=program,
            code=code,
            code_norm=normalize_code(code),
            state=GiftCard.State.ACTIVE,
            balance=amount,
            sold_at=now,
        )
        GiftCardEntry.objects.create(
            business=business, card=card, amount=amount, kind="issue", created_at=now
        )
        cards += 1
    return f"funded {wallets} wallets and {cards} gift cards"


def paid(slug: str) -> str:
    """How many payments the run's checks made, from wallets and from gift cards."""
    from customers.models import LedgerEntry

    business = Business.objects.get(slug=slug)
    wallet = LedgerEntry.objects.filter(business=business, account__key=WALLET, kind="debit")
    cards = GiftCardEntry.objects.filter(business=business, kind="payment")
    return f"payments made: {wallet.count()} from wallets, {cards.count()} from gift cards"
