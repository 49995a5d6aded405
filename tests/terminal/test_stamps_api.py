"""promotions.md's worked example 5 (stamp cards) over the terminal API: real confirmed
and cancelled sales, the result's `stamps`, the reward coupon and the ledger."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from coupons.models import Coupon
from customers.models import StampAccount, StampEntry
from customers.selectors import check_ledger
from tests.factories import CouponSeriesFactory, CustomerFactory, StampCardFactory

from .conftest import item

pytestmark = pytest.mark.django_db
D = Decimal

LATTE = ("LATTE", "60.00", "coffee")
ESPRESSO = ("ESPRESSO", "40.00", "coffee")
CROISSANT = ("CROISSANT", "35.00", "bakery")
PHONE = "+380501112233"


@pytest.fixture
def card(till):
    series = CouponSeriesFactory(program=till.program, key="free-coffee")
    return StampCardFactory(
        program=till.program,
        key="coffee6",
        name="Sixth coffee free",
        stamps=6,
        counts="units",
        include_categories=["coffee"],
        reward=series,
    )


def customer_with(till, stamps_before: int):
    customer = CustomerFactory(business=till.business, phone=PHONE)
    # The customer's earlier stamps come from real sales: 4 espressos, one check each.
    for n in range(stamps_before):
        response = till.confirm(check(ESPRESSO), key=f"before-{n}")
        assert response.status_code == 201, response.json()
    return customer


def check(*goods, quantity="1"):
    return {"customer": {"phone": PHONE}, "positions": [item(g, quantity) for g in goods]}


def balance(customer):
    return StampAccount.objects.get(customer=customer).balance


def cancel(till, sale_id):
    return till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel")


def test_example_5_units_card_fills_issues_the_reward_and_cancel_takes_it_back(till, card):
    customer = customer_with(till, 4)
    assert balance(customer) == 4

    preview = till.evaluate(check(LATTE, quantity="3")).json()
    expected = {
        "card": "coffee6",
        "name": "Sixth coffee free",
        "before": 4,
        "added": 3,
        "after": 1,
        "of": 6,
        "rewards": 1,
    }
    assert preview["stamps"] == [expected]
    assert balance(customer) == 4  # evaluate writes nothing
    assert not Coupon.objects.filter(series=card.reward).exists()

    confirmed = till.confirm(check(LATTE, quantity="3"), key="latte-3")
    assert confirmed.status_code == 201, confirmed.json()
    body = confirmed.json()
    assert body["stamps"] == [expected]
    assert [c["series"] for c in body["coupons_issued"]] == ["free-coffee"]
    reward = Coupon.objects.get(series=card.reward)
    assert (reward.customer_id, reward.state) == (customer.pk, Coupon.State.IN_WALLET)
    assert balance(customer) == 1
    assert check_ledger() == []

    # A replay returns the stored answer and stamps nothing more.
    replay = till.confirm(check(LATTE, quantity="3"), key="latte-3")
    assert replay.json()["stamps"] == [expected]
    assert balance(customer) == 1

    assert cancel(till, body["sale"]["id"]).status_code == 200
    assert balance(customer) == 4
    reward.refresh_from_db()
    assert reward.state == Coupon.State.CANCELLED
    assert check_ledger() == []
    # A second cancel changes nothing.
    assert cancel(till, body["sale"]["id"]).status_code == 200
    assert balance(customer) == 4
    call_command("check_ledger")


def test_cancel_after_the_reward_was_used_leaves_the_card_owing(till, card):
    customer = customer_with(till, 4)
    body = till.confirm(check(LATTE, quantity="3"), key="fill").json()
    code = body["coupons_issued"][0]["code"]
    used = till.confirm({**check(CROISSANT), "coupons": [code]}, key="use")
    assert used.status_code == 201, used.json()
    assert Coupon.objects.get(code=code).state == Coupon.State.REDEEMED

    assert cancel(till, body["sale"]["id"]).status_code == 200
    # 1 - 3 stamps of the sale; the used reward's 6 stamps are owed: -2.
    assert balance(customer) == -2
    assert check_ledger() == []
    # Later stamps repay the debt first: 8 lattes bring it to 6, one reward, 0 left.
    body = till.confirm(check(LATTE, quantity="8"), key="repay").json()
    assert body["stamps"][0] | {"name": None} == {
        "card": "coffee6",
        "name": None,
        "before": -2,
        "added": 8,
        "after": 0,
        "of": 6,
        "rewards": 1,
    }
    assert check_ledger() == []


def test_example_5_sales_card_with_min_amount(till):
    series = CouponSeriesFactory(program=till.program, key="free-coffee")
    StampCardFactory(
        program=till.program,
        key="visits",
        stamps=6,
        counts="sales",
        min_amount=D("50.00"),
        reward=series,
    )
    customer = CustomerFactory(business=till.business, phone=PHONE)
    espresso = till.confirm(check(ESPRESSO), key="e").json()
    assert espresso["stamps"][0]["added"] == 0
    latte = till.confirm(check(LATTE, quantity="2"), key="l").json()
    assert (latte["stamps"][0]["added"], latte["stamps"][0]["after"]) == (1, 1)
    assert balance(customer) == 1
    # Zero-stamp sales write no entry.
    assert StampEntry.objects.filter(sale_id=espresso["sale"]["id"]).count() == 0


def test_surplus_carries_over_and_several_cards_fill_at_once(till, card):
    customer = CustomerFactory(business=till.business, phone=PHONE)
    body = till.confirm(check(LATTE, quantity="13"), key="big").json()
    assert body["stamps"][0]["rewards"] == 2
    assert body["stamps"][0]["after"] == 1
    assert Coupon.objects.filter(series=card.reward, customer=customer).count() == 2
    assert check_ledger() == []


def test_anonymous_checks_stamp_nothing(till, card):
    body = till.confirm({"positions": [item(LATTE, "7")]}, key="anon").json()
    assert body["stamps"] == []
    assert till.evaluate({"positions": [item(LATTE, "7")]}).json()["stamps"] == []
    assert not StampAccount.objects.exists()


def test_another_business_cards_do_not_stamp(till, other_till, card):
    CustomerFactory(business=other_till.business, phone=PHONE)
    body = other_till.confirm(check(LATTE, quantity="7"), key="other").json()
    assert body["stamps"] == []
    assert not StampAccount.objects.exists()


def test_stamps_older_than_expires_in_days_drop_off(till):
    from datetime import timedelta

    from django.utils import timezone

    from customers.stamps import customer_cards

    series = CouponSeriesFactory(program=till.program, key="free-coffee")
    card = StampCardFactory(
        program=till.program,
        key="coffee6",
        stamps=6,
        counts="units",
        include_categories=["coffee"],
        reward=series,
        expires_in_days=30,
    )
    customer = CustomerFactory(business=till.business, phone=PHONE)
    till.confirm(check(LATTE, quantity="3"), key="old")
    # Those three stamps were earned 31 days ago (time moved on).
    StampEntry.objects.filter(kind="stamp").update(created_at=timezone.now() - timedelta(days=31))
    assert balance(customer) == 3  # written off when the card is next used
    assert customer_cards(customer=customer, program=till.program)[0]["stamps"] == 0
    preview = till.evaluate(check(LATTE, quantity="2")).json()["stamps"][0]
    assert (preview["before"], preview["after"]) == (0, 2)
    body = till.confirm(check(LATTE, quantity="2"), key="now").json()
    assert (body["stamps"][0]["before"], body["stamps"][0]["after"]) == (0, 2)
    assert balance(customer) == 2
    assert list(StampEntry.objects.filter(kind="expiry").values_list("amount", flat=True)) == [-3]
    # Recent stamps stay: a sale within the window keeps them.
    body = till.confirm(check(LATTE), key="later").json()
    assert (body["stamps"][0]["before"], body["stamps"][0]["after"]) == (2, 3)
    assert check_ledger() == []
    assert card.expires_in_days == 30
