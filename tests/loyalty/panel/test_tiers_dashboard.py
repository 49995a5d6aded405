"""promotions.md: the owner sees how many customers are in each tier."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.models import Tier, TierPolicy
from tests.factories import CustomerCategoryFactory, CustomerFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_customers_per_tier(owner_client, program, business):
    silver = CustomerCategoryFactory(program=program, key="silver", name="Silver")
    gold = CustomerCategoryFactory(program=program, key="gold", name="Gold")
    other = CustomerCategoryFactory(program=program, key="staff", name="Staff")
    policy = TierPolicy.objects.create(
        business=business, program=program, measure="spend", period="all_time"
    )
    Tier.objects.create(business=business, policy=policy, category=silver, threshold=Decimal(1000))
    Tier.objects.create(business=business, policy=policy, category=gold, threshold=Decimal(5000))
    for category in (silver, silver, gold, other):
        EnrolmentFactory(
            customer=CustomerFactory(business=business),
            business=business,
            program=program,
            category=category,
        )
    page = owner_client.get(reverse("panel:home")).content.decode()
    assert "Customers per tier" in page
    section = page[page.index('data-testid="tiers"') :]
    section = section[: section.index("</section>")]
    assert 'Silver</td><td class="num">1000</td><td class="num">2<' in section
    assert 'Gold</td><td class="num">5000</td><td class="num">1<' in section
    assert "Staff" not in section
