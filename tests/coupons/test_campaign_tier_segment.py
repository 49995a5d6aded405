"""The campaign segment "tier" (journey.md, Hear; promotions.md "Tiers"): the customers
whose category in the tier's program is the tier's, who accept messages; counted in the
form, sent to by the job; another business's tier refused."""

from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from coupons import campaigns
from customers.models import Campaign, Enrolment, Notification
from loyalty.models import Tier, TierPolicy
from tests.factories import (
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_job(monkeypatch):
    monkeypatch.setattr(campaigns, "_queue", lambda c: campaigns.run_campaign(c.pk))


def make_tier(program, key, threshold):
    category = CustomerCategoryFactory(program=program, key=key, name=key.title())
    policy, _ = TierPolicy.objects.get_or_create(
        program=program,
        defaults={"business": program.business, "measure": "spend", "period": "all_time"},
    )
    return Tier.objects.create(
        business=program.business, policy=policy, category=category, threshold=Decimal(threshold)
    )


def member(program, category, **fields):
    fields.setdefault("consent", True)
    customer = CustomerFactory(business=program.business, **fields)
    EnrolmentFactory(customer=customer, business=program.business, program=program)
    Enrolment.objects.filter(customer=customer).update(category=category)
    return customer


@pytest.fixture
def tiers(program):
    return make_tier(program, "silver", "1000"), make_tier(program, "gold", "5000")


def test_the_tier_segment_holds_its_consenting_members_only(
    program, tiers, django_capture_on_commit_callbacks
):
    silver, gold = tiers
    golden = [member(program, gold.category) for _ in range(2)]
    member(program, gold.category, consent=False)
    member(program, gold.category, channel="none")
    member(program, silver.category)
    # the same category in another program of the business is not that tier
    other = ProgramFactory(business=program.business)
    stranger = CustomerFactory(business=program.business, consent=True)
    EnrolmentFactory(customer=stranger, business=program.business, program=other)
    Enrolment.objects.filter(customer=stranger).update(category=gold.category)
    segment = {"kind": "tier", "tier": gold.pk}
    assert set(campaigns.segment_customers(program.business, segment)) == set(golden)
    assert campaigns.count(program.business, {"kind": "tier", "tier": str(gold.pk)}) == 2
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaigns.create_campaign(
            business=program.business,
            name="Gold evening",
            segment=segment,
            texts_by_language={"en": "{business}: {benefit} for Gold. {link}"},
        )
    sent = Notification.objects.filter(campaign=campaign)
    assert {n.customer for n in sent} == set(golden)
    assert Campaign.objects.get().segment == {"kind": "tier", "tier": gold.pk}


def test_another_business_tier_or_none_is_refused(program, tiers):
    theirs = make_tier(ProgramFactory(), "gold", "100")
    for segment in ({"kind": "tier", "tier": theirs.pk}, {"kind": "tier"}):
        with pytest.raises(ValidationFailed) as refused:
            campaigns.count(program.business, segment)
        assert refused.value.field == "tier"
