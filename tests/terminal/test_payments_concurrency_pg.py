"""payments.md: concurrent payments from one gift card or one account never overdraw it
(R3 for every source), on PostgreSQL with real concurrent connections."""

from decimal import Decimal

import pytest
from django.db.models import Min

from customers import ledger
from customers.models import AccountType, LedgerEntry
from customers.selectors import balances, check_ledger
from giftcards.models import GiftCard
from tests.factories import (
    AccountTypeFactory,
    CustomerFactory,
    EnrolmentFactory,
    GiftCardFactory,
)

from .conftest import item, make_till
from .test_concurrency import client_for, run_concurrently

pytestmark = [pytest.mark.django_db(transaction=True)]
D = Decimal
LATTE = ("LATTE", "60.00", "coffee")
WASH = ("WASH", "200.00", "wash")


def confirm_each(till, bodies):
    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", bodies(i), format="json", HTTP_IDEMPOTENCY_KEY=f"p-{i}"
        )
        return response.status_code, response.json()

    return confirm


def test_twenty_confirms_of_30_from_a_card_of_100_exactly_three_succeed():
    till = make_till()
    card = GiftCardFactory(series__program=till.program, series__key="gift", balance=D("100.00"))
    body = {"positions": [item(LATTE)], "payments": [{"gift_card": card.code, "amount": "30.00"}]}

    results = run_concurrently(20, confirm_each(till, lambda i: body))

    statuses = [status for status, _ in results]
    assert statuses.count(201) == 3, results[:3]
    refused = {b["error"]["code"] for s, b in results if s != 201}
    assert refused == {"insufficient_balance"}
    card.refresh_from_db()
    assert card.balance == D("10.00")
    assert check_ledger() == []


def test_fifty_confirms_spending_units_never_go_below_zero():
    till = make_till()
    AccountTypeFactory(
        program=till.program,
        key="car-wash",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH"]},
    )
    customer = CustomerFactory(business=till.business, phone="+380501234567")
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    account = ledger.get_account(customer=customer, program=till.program, key="car-wash")
    ledger.credit(account=account, amount=D("10"))
    body = {
        "customer": {"phone": "+380501234567"},
        "positions": [item(WASH)],
        "payments": [{"account": "car-wash", "units": "1"}],
    }

    results = run_concurrently(50, confirm_each(till, lambda i: body))

    statuses = [status for status, _ in results]
    assert statuses.count(201) == 10
    assert {b["error"]["code"] for s, b in results if s != 201} == {"insufficient_balance"}
    left = balances(customer=customer, program=till.program)["car-wash"]["active"]
    assert left == D("0")
    account.refresh_from_db()
    assert account.balance == D("0.00")
    # Never below zero at any point: the running sum of the entries stays >= 0.
    running, lowest = D("0"), D("0")
    for entry in LedgerEntry.objects.filter(account=account).order_by("id"):
        running += entry.amount
        lowest = min(lowest, running)
    assert lowest == D("0")
    assert GiftCard.objects.aggregate(Min("balance"))["balance__min"] is None
    assert check_ledger() == []
