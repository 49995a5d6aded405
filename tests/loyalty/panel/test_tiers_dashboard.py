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


def tier_post(silver, gold, **changes):
    data = {"measure": "spend", "period": "last_365_days",
            "category_0": silver.pk, "from_0": "1000", "category_1": gold.pk, "from_1": "5000",
            "keep_days_1": "30"}  # fmt: skip
    data.update(changes)
    return data


def test_the_owner_defines_tiers_in_the_panel(owner_client, program):
    silver = CustomerCategoryFactory(program=program, key="silver", name="Silver")
    gold = CustomerCategoryFactory(program=program, key="gold", name="Gold")
    url = reverse("panel:tier_edit", args=[program.pk])
    assert owner_client.get(url).status_code == 200
    version = program.version
    assert owner_client.post(url, tier_post(silver, gold)).status_code == 302
    policy = TierPolicy.objects.get(program=program)
    levels = [(t.category.key, t.threshold, t.keep_days) for t in policy.tiers.all()]
    assert levels == [("silver", 1000, None), ("gold", 5000, 30)]
    program.refresh_from_db()
    assert program.version > version
    assert (
        reverse("panel:tier_edit", args=[program.pk])
        in owner_client.get(reverse("panel:program_list")).content.decode()
    )
    # Thresholds that do not rise: named on the field, nothing changes.
    response = owner_client.post(url, tier_post(silver, gold, from_1="900"))
    assert response.status_code == 200
    assert "from_1" in response.context["form"].errors
    assert [t.threshold for t in policy.tiers.all()] == [1000, 5000]


def test_tiers_of_another_business_are_not_found(owner_client):
    from tests.factories import ProgramFactory

    other = ProgramFactory()
    assert owner_client.get(reverse("panel:tier_edit", args=[other.pk])).status_code == 404
