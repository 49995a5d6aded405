"""promotions.md "Tiers": the cashier sees the identified customer's tier and what is missing
to the next on the check page, before the confirm (the receipt has it after)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Enrolment
from loyalty.models import Tier, TierPolicy
from tests.factories import CustomerCategoryFactory, SaleFactory

pytestmark = pytest.mark.django_db
D = Decimal


def tiers(shop):
    policy = TierPolicy.objects.create(
        business=shop.business, program=shop.program, measure="spend", period="last_365_days"
    )
    silver = CustomerCategoryFactory(program=shop.program, key="silver", name="Silver")
    gold = CustomerCategoryFactory(program=shop.program, key="gold", name="Gold")
    for category, threshold in ((silver, "1000.00"), (gold, "5000.00")):
        Tier.objects.create(
            business=shop.business, policy=policy, category=category, threshold=D(threshold)
        )
    return silver, gold


def silver_having_spent(shop, amount):
    """The shop's customer in Silver, with a sale of `amount` three days ago."""
    silver, _gold = tiers(shop)
    Enrolment.objects.filter(customer=shop.customer).update(category=silver)
    SaleFactory(
        program=shop.program,
        pos=shop.pos,
        customer=shop.customer,
        amount=D(amount),
        time=timezone.now() - timedelta(days=3),
    )


def test_the_identified_customer_shows_the_tier_and_what_is_missing(till, shop):
    silver_having_spent(shop, "4880.00")
    answer = till.get(reverse("cashier:api_customer"), {"phone": "050 111 22 33"}).json()
    assert answer["tier"] == {
        "tier": "Silver",
        "measure": "spend",
        "value": "4880.00",
        "next": "Gold",
        "missing": "120.00",
    }
    assert "120.00 more to Gold" in answer["html"]
    assert 'data-testid="tier"' in answer["html"]


def test_in_ukrainian(till, shop):
    silver, _gold = tiers(shop)
    Enrolment.objects.filter(customer=shop.customer).update(category=silver)
    answer = till.get(
        reverse("cashier:api_customer"), {"phone": "050 111 22 33"}, HTTP_ACCEPT_LANGUAGE="uk"
    ).json()
    assert "Ще 5000,00 до рівня Gold" in answer["html"]  # the uk decimal comma


def test_a_program_without_tiers_shows_nothing(till, shop):
    answer = till.get(reverse("cashier:api_customer"), {"phone": "050 111 22 33"}).json()
    assert answer["tier"] is None
    assert 'data-testid="tier"' not in answer["html"]


def evaluate(till, shop, quantity, **headers):
    body = {"lines": [{"code": "LATTE", "quantity": quantity}], "customer_id": shop.customer.pk}
    return till.post(
        reverse("cashier:api_evaluate"), body, content_type="application/json", **headers
    ).json()


def test_the_check_says_when_it_moves_the_customer_up(till, shop):
    silver_having_spent(shop, "4880.00")
    one = evaluate(till, shop, "1")  # 60.00: 4,940.00, still Silver
    assert (one["tier"]["missing"], one["tier"]["after"]) == ("120.00", None)
    assert 'data-testid="tier-after"' not in one["html"]
    two = evaluate(till, shop, "2")  # 120.00: 5,000.00 reaches Gold
    assert two["tier"]["after"] == "Gold"
    assert "This check moves the customer up to Gold." in two["html"]
    uk = evaluate(till, shop, "2", HTTP_ACCEPT_LANGUAGE="uk")
    assert "Цей чек переведе клієнта на рівень Gold." in uk["html"]


def test_a_kept_customer_is_never_shown_moving(till, shop):
    from customers.tier_models import TierState

    silver, _gold = tiers(shop)
    Enrolment.objects.filter(customer=shop.customer).update(category=silver)
    enrolment = Enrolment.objects.get(customer=shop.customer)
    TierState.objects.create(business=shop.business, enrolment=enrolment, kept=True)
    SaleFactory(program=shop.program, pos=shop.pos, customer=shop.customer,
                amount=D("4990.00"), time=timezone.now() - timedelta(days=3))  # fmt: skip
    assert evaluate(till, shop, "2")["tier"]["after"] is None


def test_no_tiers_or_no_customer_no_preview(till, shop):
    assert evaluate(till, shop, "2")["tier"] is None
    tiers(shop)
    body = {"lines": [{"code": "LATTE", "quantity": "2"}]}
    anonymous = till.post(reverse("cashier:api_evaluate"), body, content_type="application/json")
    assert anonymous.json()["tier"] is None
