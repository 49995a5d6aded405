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


def test_a_category_set_by_hand_with_keep_is_left_alone_by_tiers(owner_client, program, business):
    from django.utils import timezone

    from customers.models import Enrolment
    from customers.tiers import update_tiers

    silver = CustomerCategoryFactory(program=program, key="silver", name="Silver")
    CustomerCategoryFactory(program=program, key="regular", name="Regular", is_default=True)
    policy = TierPolicy.objects.create(
        business=business, program=program, measure="spend", period="all_time"
    )
    Tier.objects.create(business=business, policy=policy, category=silver, threshold=Decimal(1000))
    olena = CustomerFactory(business=business, phone="+380501234567")
    EnrolmentFactory(customer=olena, business=business, program=program)
    url = reverse("panel:customer_edit", args=[olena.pk])
    assert f"keep_{program.pk}" in owner_client.get(url).content.decode()
    data = {"phone": "+380501234567", "name": "Olena", "channel": "sms",
            f"category_{program.pk}": silver.pk, f"keep_{program.pk}": "on"}  # fmt: skip
    assert owner_client.post(url, data).status_code == 302
    # She has spent nothing: the daily job would move her down, but "keep" holds.
    assert update_tiers(now=timezone.now()) == 0
    assert Enrolment.objects.get(customer=olena, program=program).category == silver
    data.pop(f"keep_{program.pk}")
    assert owner_client.post(url, data).status_code == 302
    assert update_tiers(now=timezone.now()) == 1
    assert Enrolment.objects.get(customer=olena, program=program).category.key == "regular"
