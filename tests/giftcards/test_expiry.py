"""The daily job writes off gift cards past their validity (append-only; check_ledger clean)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_q.models import Schedule

from customers.selectors import check_ledger
from giftcards import tasks
from giftcards.expiry import expire_cards
from giftcards.models import GiftCard, GiftCardEntry
from giftcards.selectors import figures
from tests.factories import GiftCardFactory, GiftCardSeriesFactory

pytestmark = pytest.mark.django_db
D = Decimal
DAY = timedelta(days=1)


@pytest.fixture
def series(db):
    return GiftCardSeriesFactory()


def card(series, balance="300.00", **fields):
    return GiftCardFactory(series=series, balance=D(balance), **fields)


def entries(card, kind="expiry"):
    return list(GiftCardEntry.objects.filter(card=card, kind=kind).values_list("amount", flat=True))


def test_a_card_past_its_validity_is_written_off_once(series):
    now = timezone.now()
    lapsed = card(series, "300.00", valid_to=now - DAY)
    blocked = card(series, "50.00", valid_to=now - DAY, state=GiftCard.State.BLOCKED)
    valid = card(series, "200.00", valid_to=now + DAY)
    forever = card(series, "100.00", valid_to=None)
    spent = card(series, "0", valid_to=now - DAY)
    stock = GiftCard.objects.create(
        business=series.business,
        series=series,
        program=series.program,
        code="GC-STOCK-1",
        code_norm="GCSTOCK1",
        state=GiftCard.State.STOCK,
        valid_to=now - DAY,
    )
    before = figures(program_id=series.program_id, at=now)

    assert expire_cards(now=now) == 2

    for c in (lapsed, blocked, valid, forever, spent, stock):
        c.refresh_from_db()
    assert (lapsed.balance, blocked.balance) == (D("0.00"), D("0.00"))
    assert entries(lapsed) == [D("-300.00")] and entries(blocked) == [D("-50.00")]
    assert (valid.balance, forever.balance) == (D("200.00"), D("100.00"))
    assert entries(valid) == entries(forever) == entries(spent) == entries(stock) == []
    assert blocked.state == GiftCard.State.BLOCKED  # the write-off changes no state
    assert check_ledger() == []
    # the panel's figures read the same: what lapsed is still "expired unspent"
    assert figures(program_id=series.program_id, at=now) == before
    assert before["expired_unspent"] == D("350.00")

    assert expire_cards(now=now) == 0  # a second run finds nothing left
    assert GiftCardEntry.objects.filter(kind="expiry").count() == 2


def test_the_entry_is_dated_when_the_card_lapsed(series):
    now = timezone.now()
    lapsed = card(series, valid_to=now - 3 * DAY)
    GiftCardEntry.objects.filter(card=lapsed).update(created_at=now - 40 * DAY)  # sold long ago
    expire_cards(now=now)
    entry = GiftCardEntry.objects.get(card=lapsed, kind="expiry")
    assert entry.created_at == lapsed.valid_to


def test_the_daily_job_is_scheduled_and_runs(series):
    lapsed = card(series, valid_to=timezone.now() - DAY)
    schedule = Schedule.objects.get(func="giftcards.tasks.expire_cards_task")
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.DAILY, -1)
    assert tasks.expire_cards_task() == 1
    lapsed.refresh_from_db()
    assert lapsed.balance == D("0.00")
    assert check_ledger() == []
