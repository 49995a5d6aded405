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


def test_the_identified_customer_shows_the_tier_and_what_is_missing(till, shop):
    silver, _gold = tiers(shop)
    Enrolment.objects.filter(customer=shop.customer).update(category=silver)
    SaleFactory(
        program=shop.program,
        pos=shop.pos,
        customer=shop.customer,
        amount=D("4880.00"),
        time=timezone.now() - timedelta(days=3),
    )
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
    assert "Ще 5000.00 до рівня Gold" in answer["html"]


def test_a_program_without_tiers_shows_nothing(till, shop):
    answer = till.get(reverse("cashier:api_customer"), {"phone": "050 111 22 33"}).json()
    assert answer["tier"] is None
    assert 'data-testid="tier"' not in answer["html"]
