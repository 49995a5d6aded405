"""The campaign form's "tier" segment: the tiers of this business only, the count, and
another business's tier refused with nothing written."""

import pytest
from django.urls import reverse

from coupons import campaigns
from customers.models import Campaign
from tests.coupons.test_campaign_tier_segment import make_tier, member
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_job(monkeypatch):
    monkeypatch.setattr(campaigns, "_queue", lambda c: campaigns.run_campaign(c.pk))


@pytest.fixture
def tiers(program):
    return make_tier(program, "silver", "1000"), make_tier(program, "gold", "5000")


def test_the_form_counts_a_tier_and_refuses_another_business_tier(owner_client, program, tiers):
    silver, gold = tiers
    member(program, gold.category)
    member(program, silver.category)
    theirs = make_tier(ProgramFactory(), "platinum", "100")
    url = reverse("panel:campaign_create")
    form = {"name": "Gold", "segment": "tier", "text_en": "{business}: {benefit}. {link}"}
    page = owner_client.get(url).content.decode()
    assert f'<option value="{gold.pk}">Gold ({program.name})</option>' in page
    assert "Platinum" not in page
    page = owner_client.post(url, {**form, "tier": gold.pk, "count": "1"}).content.decode()
    assert "1 customer will get it" in page
    page = owner_client.post(url, {**form, "tier": theirs.pk, "send": "1"}).content.decode()
    assert not Campaign.objects.exists()
    assert "Select a valid choice" in page
    page = owner_client.post(url, {**form, "send": "1"}).content.decode()
    assert "Choose a tier." in page and not Campaign.objects.exists()
