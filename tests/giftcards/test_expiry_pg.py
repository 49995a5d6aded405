"""Concurrent runs of the gift-card expiry job write each card off exactly once
(PostgreSQL, real concurrent connections)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.selectors import check_ledger
from giftcards.expiry import expire_cards
from giftcards.models import GiftCard, GiftCardEntry
from tests.factories import GiftCardFactory, GiftCardSeriesFactory
from tests.terminal.test_concurrency import run_concurrently

pytestmark = [pytest.mark.django_db(transaction=True)]
D = Decimal


def test_four_concurrent_runs_write_thirty_cards_off_once_each():
    series = GiftCardSeriesFactory()
    now = timezone.now()
    for _ in range(30):
        GiftCardFactory(series=series, balance=D("120.00"), valid_to=now - timedelta(days=1))

    counts = run_concurrently(4, lambda i: expire_cards(now=now, batch=7))

    assert sum(counts) == 30
    assert GiftCardEntry.objects.filter(kind="expiry").count() == 30
    assert not GiftCard.objects.filter(balance__gt=0).exists()
    assert check_ledger() == []
