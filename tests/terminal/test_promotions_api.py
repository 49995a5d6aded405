"""promotions.md's worked examples 1-4 and 7 over the terminal API (evaluate and confirm)."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from loyalty.models import Sale
from tests.factories import CustomerFactory, EnrolmentFactory

from .conftest import item

pytestmark = pytest.mark.django_db
D = Decimal

LATTE = ("LATTE", "60.00", "coffee")
ESPRESSO = ("ESPRESSO", "40.00", "coffee")
CROISSANT = ("CROISSANT", "35.00", "bakery")
MUFFIN = ("MUFFIN", "45.00", "bakery")


def lines(body):
    return [p["discount"] for p in body["positions"]]


def reasons(body):
    return [(n["ref"], n["code"]) for n in body["not_applied"]]


def test_example_1_third_coffee_free(till):
    till.rule(
        key="third-coffee",
        action="discount_cheapest",
        value=D("100"),
        include_categories=["coffee"],
        group_size=3,
        free_count=1,
    )
    body = till.evaluate({"positions": [item(LATTE, "2"), item(ESPRESSO)]}).json()
    assert (lines(body), body["amount_to_pay"]) == (["0.00", "40.00"], "120.00")
    body = till.evaluate({"positions": [item(LATTE, "5"), item(ESPRESSO)]}).json()
    assert body["amount"] == "340.00"
    assert (lines(body), body["amount_to_pay"]) == (["60.00", "40.00"], "240.00")
    body = till.evaluate({"positions": [item(LATTE, "2")]}).json()
    assert body["discount"] == "0.00"
    assert reasons(body) == [("third-coffee", "min_quantity")]

    confirmed = till.confirm({"positions": [item(LATTE, "2"), item(ESPRESSO)]})
    assert confirmed.status_code == 201, confirmed.json()
    sale = Sale.objects.get()
    assert (sale.discount, sale.amount_to_pay) == (D("40.00"), D("120.00"))


def test_example_2_meal_deal(till):
    till.rule(
        key="meal-deal",
        action="bundle_price",
        value=D("70.00"),
        components=[
            {"include_categories": ["coffee"], "include_goods": [], "quantity": 1},
            {"include_categories": ["bakery"], "include_goods": [], "quantity": 1},
        ],
    )
    positions = [item(LATTE), item(MUFFIN), item(ESPRESSO), item(CROISSANT)]
    body = till.evaluate({"positions": positions}).json()
    assert lines(body) == ["20.00", "15.00", "2.67", "2.33"]
    assert body["amount_to_pay"] == "140.00"
    assert [(r["key"], r["discount"]) for r in body["applied_rules"]] == [("meal-deal", "40.00")]


def test_example_3_cap(till):
    till.rule(action="discount_check_percent", value=D("20"), max_amount=D("50.00"))
    body = till.evaluate({"positions": [item(LATTE, "5")]}).json()
    assert (body["amount"], body["discount"], body["amount_to_pay"]) == (
        "300.00",
        "50.00",
        "250.00",
    )


def test_example_4_quantity_limit(till):
    till.rule(
        key="two-max",
        action="discount_goods_percent",
        value=D("10"),
        include_categories=["coffee"],
        quantity_limit=D("2"),
    )
    assert till.evaluate({"positions": [item(LATTE, "2")]}).json()["discount"] == "12.00"
    body = till.evaluate({"positions": [item(LATTE, "3")]}).json()
    assert body["discount"] == "0.00"
    assert reasons(body) == [("two-max", "quantity_limit")]


def customer_born(till, phone, birthday):
    customer = CustomerFactory(business=till.business, phone=phone, birthday=birthday)
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    return customer


def test_example_7_birthday(till):
    till.rule(
        key="birthday",
        action="credit_check_amount",
        value=D("100"),
        birthday_days_before=3,
        birthday_days_after=3,
    )
    today = timezone.now().astimezone(ZoneInfo("Europe/Kyiv")).date()

    def born(days_ago):
        return (today - timedelta(days=days_ago)).replace(year=1992)

    cases = [
        ("+380501111111", born(3), ["100.00"]),  # 3 days after the birthday
        ("+380501111112", born(-3), ["100.00"]),  # 3 days before
        ("+380501111113", born(4), []),
        ("+380501111114", born(-4), []),
        ("+380501111115", None, []),
    ]
    for phone, birthday, credits in cases:
        customer_born(till, phone, birthday)
        body = till.evaluate({"positions": [item(LATTE)], "customer": {"phone": phone}}).json()
        assert [c["amount"] for c in body["credits"]] == credits, (phone, birthday, body)
    anonymous = till.evaluate({"positions": [item(LATTE)]}).json()
    assert anonymous["credits"] == []
