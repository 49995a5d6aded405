"""P3 with payments: a confirm paying from accounts and gift cards costs a constant number
of queries, whatever the number of payments."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers import ledger
from customers.models import AccountType
from tests.factories import (
    AccountTypeFactory,
    CustomerFactory,
    EnrolmentFactory,
    GiftCardFactory,
)

from .conftest import item, make_till

pytestmark = pytest.mark.django_db
D = Decimal
PHONE = "+380501230000"


def measure(n_sources):
    till = make_till()
    till.rule(key="c", action="credit_check_percent", value=D("5"))
    customer = CustomerFactory(business=till.business, phone=PHONE)
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    ledger.credit(
        account=ledger.get_account(customer=customer, program=till.program), amount=D("100")
    )
    payments, positions = [], []
    for n in range(n_sources):
        AccountTypeFactory(program=till.program, key=f"wallet-{n}", kind=AccountType.Kind.MONEY)
        AccountTypeFactory(
            program=till.program,
            key=f"units-{n}",
            kind=AccountType.Kind.GOODS,
            pays_for={"goods": [f"W{n}"]},
        )
        for key, amount in ((f"wallet-{n}", "50"), (f"units-{n}", "5")):
            account = ledger.get_account(customer=customer, program=till.program, key=key)
            ledger.credit(account=account, amount=D(amount))
        card = GiftCardFactory(series__program=till.program, balance=D("50.00"))
        positions.append(item((f"W{n}", "20.00", "wash")))
        payments += [
            {"account": f"wallet-{n}", "amount": "1.00"},
            {"account": f"units-{n}", "units": "1"},
            {"gift_card": card.code, "amount": "1.00"},
        ]
    request = {
        "customer": {"phone": PHONE},
        "positions": positions + [item(("LATTE", "60.00", "coffee"))],
        "pay_with_points": "1.00",
        "payments": payments,
    }
    till.evaluate(request)  # the compiled rule cache, as a running server has it
    with CaptureQueriesContext(connection) as evaluate_queries:
        assert till.evaluate(request).status_code == 200
    with CaptureQueriesContext(connection) as confirm_queries:
        response = till.confirm(request, key=f"q-{n_sources}")
    assert response.status_code == 201, response.json()
    assert len(response.json()["payments"]) == 1 + 3 * n_sources
    return len(evaluate_queries), len(confirm_queries)


def test_a_confirm_with_payments_costs_the_same_queries_whatever_their_number():
    one, five = measure(1), measure(3)
    print(f"query counts with payments (evaluate, confirm): one={one} three={five}")
    assert one == five
    # 2026-12-07: the types with the balances in one query, the credited account locked with
    # the debited ones, the lots with the entries' ids (were 6 and 13).
    assert five[0] <= 5
    assert five[1] <= 11
