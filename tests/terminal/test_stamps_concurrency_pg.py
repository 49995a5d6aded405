"""promotions.md "Must show": concurrent confirms that complete stamp cards for one customer
issue exactly the rewards the stamps pay for, on PostgreSQL with real connections."""

from decimal import Decimal

import pytest

from coupons.models import Coupon
from customers.models import StampAccount, StampEntry
from customers.selectors import check_ledger
from loyalty.models import Sale
from tests.factories import CouponSeriesFactory, CustomerFactory, StampCardFactory

from .conftest import LATTE, item, make_till
from .test_concurrency import client_for, run_concurrently

pytestmark = [pytest.mark.django_db(transaction=True)]
D = Decimal
PHONE = "+380501119900"


def setup(start_stamps: int):
    till = make_till()
    series = CouponSeriesFactory(program=till.program, key="free-coffee")
    card = StampCardFactory(
        program=till.program, key="coffee6", stamps=6, include_categories=["coffee"], reward=series
    )
    customer = CustomerFactory(business=till.business, phone=PHONE)
    if start_stamps:
        response = client_for(till).post(
            "/api/v1/terminal/checks",
            {"customer": {"phone": PHONE}, "positions": [item(LATTE, str(start_stamps))]},
            format="json",
            HTTP_IDEMPOTENCY_KEY="start",
        )
        assert response.status_code == 201, response.json()
    return till, card, customer


def confirm_all(till, count, units):
    body = {"customer": {"phone": PHONE}, "positions": [item(LATTE, str(units))]}

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=f"c-{i}"
        )
        return response.status_code, response.json()

    return run_concurrently(count, confirm)


def test_twenty_concurrent_confirms_each_completing_a_card():
    till, card, customer = setup(start_stamps=5)
    results = confirm_all(till, 20, units=6)
    assert {status for status, _ in results} == {201}, results[:2]
    # Every confirm saw the stamps the one before it left: 5 + 6 = 11 -> 1 reward, 5 left.
    assert (
        sorted((b["stamps"][0]["before"], b["stamps"][0]["rewards"]) for _, b in results)
        == [(5, 1)] * 20
    )
    assert all(len(b["coupons_issued"]) == 1 for _, b in results)
    assert Coupon.objects.filter(series=card.reward, customer=customer).count() == 20
    assert StampAccount.objects.get(customer=customer).balance == 5
    assert check_ledger() == []


def test_twenty_concurrent_confirms_paying_for_cards_together():
    till, card, customer = setup(start_stamps=0)
    results = confirm_all(till, 20, units=4)
    assert {status for status, _ in results} == {201}, results[:2]
    # 80 stamps pay for 13 cards, 2 stamps left, however the confirms interleave.
    rewards = sum(b["stamps"][0]["rewards"] for _, b in results)
    assert rewards == 13
    assert Coupon.objects.filter(series=card.reward, customer=customer).count() == 13
    assert StampAccount.objects.get(customer=customer).balance == 2
    befores = sorted(b["stamps"][0]["before"] for _, b in results)
    assert befores == sorted(4 * n % 6 for n in range(20))
    assert Sale.objects.filter(business=till.business).count() == 20
    assert StampEntry.objects.filter(kind="reward").count() == 13
    assert check_ledger() == []
