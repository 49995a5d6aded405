"""R1, R3, R4 of quality.md: real concurrent connections on PostgreSQL."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from coupons import services as coupon_services
from customers import ledger, selectors
from loyalty.models import Rule, Sale
from tests.factories import CustomerFactory, EnrolmentFactory

from .conftest import LATTE, item, make_till

pytestmark = [pytest.mark.django_db(transaction=True)]
D = Decimal


def run_concurrently(count, call):
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait(timeout=30)
            return call(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def client_for(till):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {till.key}")
    return client


def test_r1_one_coupon_fifty_confirms():
    from coupons.models import CouponSeries

    till = make_till()
    reward = Rule.objects.create(
        business=till.business,
        program=till.program,
        key="half",
        name="Half",
        mode="coupon",
        action="discount_check_percent",
        value=D("50"),
    )
    series = CouponSeries.objects.create(
        business=till.business,
        program=till.program,
        key="half-off",
        name="Half off",
        reward_rule=reward,
        validity_type="relative",
        valid_days=30,
    )
    from django.utils import timezone

    [coupon] = coupon_services.issue_coupons(series=series, quantity=1, at=timezone.now())
    body = {"positions": [item(LATTE)], "coupons": [coupon.code]}

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=f"r1-{i}"
        )
        return response.status_code, response.json()

    results = run_concurrently(50, confirm)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1, results[:3]
    refused = [b["error"]["code"] for s, b in results if s != 201]
    assert refused == ["coupon_already_redeemed"] * 49
    assert Sale.objects.filter(business=till.business).count() == 1


def test_r4_one_idempotency_key_twenty_confirms():
    till = make_till()
    till.rule(action="credit_check_percent", value=D("10"))
    customer = CustomerFactory(business=till.business, phone="+380501112233")
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    body = {"customer": {"phone": "+380501112233"}, "positions": [item(LATTE)]}

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY="same-key"
        )
        return response.status_code, response.json()

    results = run_concurrently(20, confirm)
    assert {status for status, _ in results} == {201}
    assert all(b == results[0][1] for _, b in results)
    assert Sale.objects.filter(business=till.business).count() == 1
    account = ledger.get_account(customer=customer, program=till.program)
    assert account.balance == D("6.00")


def test_concurrent_points_payments_never_overdraw():
    till = make_till()
    customer = CustomerFactory(business=till.business, phone="+380501112244")
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    account = ledger.get_account(customer=customer, program=till.program)
    ledger.credit(account=account, amount=D("100.00"))
    body = {
        "customer": {"phone": "+380501112244"},
        "positions": [item(LATTE)],
        "pay_with_points": "30.00",
    }

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=f"pts-{i}"
        )
        return response.status_code, response.json()

    results = run_concurrently(12, confirm)
    ok = [b for s, b in results if s == 201]
    refused = [b["error"]["code"] for s, b in results if s != 201]
    assert len(ok) == 3
    assert set(refused) == {"insufficient_points"}
    spendable = selectors.spendable_points(customer=customer, program=till.program)
    assert spendable == D("10.00")
    assert ledger_problems() == []


def ledger_problems():
    return selectors.check_ledger()
