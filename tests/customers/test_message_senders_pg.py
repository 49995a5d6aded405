"""The senders' races on PostgreSQL with real concurrent connections: the points-expiring
job run twice at once, a new phone identified by many tills at once, and concurrent confirms
that each fill a stamp card: each message queued exactly once per event."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from customers import ledger
from customers.models import Notification
from customers.points_expiring import tell_points_expiring
from loyalty.services.join import join_program
from tests.coupons.threads import run_concurrently
from tests.factories import (
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
    StampCardFactory,
)
from tests.terminal.conftest import LATTE, item, make_till
from tests.terminal.test_concurrency import client_for

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
RUNS = 6


def test_points_expiring_runs_at_once_tell_each_lot_once():
    program = ProgramFactory()
    now = timezone.now()
    customers = []
    for _ in range(5):
        customer = CustomerFactory(business=program.business, consent=True)
        EnrolmentFactory(customer=customer, business=program.business, program=program)
        account = ledger.get_account(customer=customer, program=program)
        ledger.credit(account=account, amount=D("10.00"), expires_at=now + timedelta(days=2))
        customers.append(customer)

    answers = run_concurrently(lambda i: tell_points_expiring(now=now), RUNS)
    assert answers == ["ok"] * RUNS
    for customer in customers:
        assert Notification.objects.filter(customer=customer, kind="points_expiring").count() == 1


def test_one_new_phone_joining_from_many_pages_at_once_is_welcomed_once():
    program = ProgramFactory()
    CustomerCategoryFactory(program=program, key="regular", is_default=True)

    def join(i):
        join_program(program=program, phone="0501234000", consent=True)

    answers = run_concurrently(join, RUNS)
    assert answers == ["ok"] * RUNS
    assert Notification.objects.filter(business=program.business, kind="welcome").count() == 1


def test_one_new_phone_at_many_tills_at_once_is_welcomed_once():
    till = make_till()
    body = {"customer": {"phone": "+380501234111"}, "positions": [item(LATTE)]}

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=f"w-{i}"
        )
        assert response.status_code == 201, response.json()

    assert run_concurrently(confirm, RUNS) == ["ok"] * RUNS
    assert Notification.objects.filter(business=till.business, kind="welcome").count() == 1


def test_concurrent_confirms_each_filling_a_card_tell_each_reward_once():
    till = make_till()
    StampCardFactory(program=till.program, stamps=2, include_categories=["coffee"])
    customer = CustomerFactory(business=till.business, phone="+380501234222")
    body = {"customer": {"phone": customer.phone}, "positions": [item(LATTE, "2")]}

    def confirm(i):
        response = client_for(till).post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=f"s-{i}"
        )
        assert response.status_code == 201, response.json()

    assert run_concurrently(confirm, RUNS) == ["ok"] * RUNS
    rewards = Notification.objects.filter(customer=customer, kind="stamp_card_reward")
    assert rewards.count() == RUNS
    # each names its own coupon
    assert len({m.body for m in rewards}) == RUNS
    assert not Notification.objects.filter(customer=customer, kind="coupon_issued").exists()
