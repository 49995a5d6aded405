"""Issue 21: the customer list shows each customer's tier and filters by category, tier, last
visit, spend in a period, a series' coupon and a coming birthday; the filters' current set
opens the campaign form as its segment, with one button."""

import json
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from customers.models import Campaign, Customer
from loyalty.models import Tier, TierPolicy
from tests.factories import (
    BusinessFactory,
    CouponFactory,
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
)

from .data import sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(business):
    program = ProgramFactory(business=business)
    silver = CustomerCategoryFactory(program=program, name="Silver")
    plain = CustomerCategoryFactory(program=program, name="Plain")
    policy = TierPolicy.objects.create(
        business=business, program=program, measure="spend", period="all_time"
    )
    Tier.objects.create(business=business, policy=policy, category=silver, threshold=Decimal(100))
    now = timezone.now()
    today = timezone.localdate()
    ann = CustomerFactory(business=business, name="Ann Silver", consent=True,
                          birthday=date(1990, today.month, today.day))  # fmt: skip
    bob = CustomerFactory(business=business, name="Bob Plain", consent=True)
    cid = CustomerFactory(business=business, name="Cid Quiet", consent=True)
    EnrolmentFactory(customer=ann, program=program, category=silver)
    EnrolmentFactory(customer=bob, program=program, category=plain)
    EnrolmentFactory(customer=cid, program=program, category=plain)
    sale(program, customer=ann, amount="500.00", when=now - timedelta(days=2))
    sale(program, customer=bob, amount="50.00", when=now - timedelta(days=3))
    sale(program, customer=cid, amount="80.00", when=now - timedelta(days=200))
    # they joined a year ago (a customer who joined lately counts as seen lately)
    Customer.objects.filter(business=business).update(created_at=now - timedelta(days=400))
    series = CouponSeriesFactory(program=program, business=business, name="Welcome")
    CouponFactory(series=series, customer=bob, state=Coupon.State.IN_WALLET, issued_at=now)
    return {"silver": silver, "plain": plain, "series": series}


def names(client, **query):
    body = client.get(reverse("panel:customer_list"), query).content.decode()
    return [n for n in ("Ann Silver", "Bob Plain", "Cid Quiet") if n in body], body


def test_the_tier_column(owner_client, shop):
    _, body = names(owner_client)
    rows = {r.split("</a>")[0].split(">")[-1]: r for r in body.split("<tr>")[1:]}
    assert 'data-testid="tier">Silver<' in rows["Ann Silver"]
    assert 'data-testid="tier">—<' in rows["Bob Plain"]  # a category, not a tier


def test_each_filter(owner_client, shop):
    assert names(owner_client, category=shop["plain"].pk)[0] == ["Bob Plain", "Cid Quiet"]
    assert names(owner_client, tier=shop["silver"].pk)[0] == ["Ann Silver"]
    assert names(owner_client, not_seen=30)[0] == ["Cid Quiet"]
    assert names(owner_client, spent="60", spent_days=30)[0] == ["Ann Silver"]
    assert names(owner_client, spent="60", spent_days=365)[0] == ["Ann Silver", "Cid Quiet"]
    assert names(owner_client, series=shop["series"].pk)[0] == ["Bob Plain"]
    assert names(owner_client, birthday=3)[0] == ["Ann Silver"]
    # several at once: all of them
    assert names(owner_client, category=shop["plain"].pk, not_seen=30)[0] == ["Cid Quiet"]


def test_bad_or_foreign_values_name_the_field_and_filter_nothing(owner_client, shop):
    foreign = CustomerCategoryFactory(program=ProgramFactory(business=BusinessFactory()))
    found, body = names(owner_client, category=foreign.pk)
    assert "Category:" in body and "alert--error" in body
    assert found == ["Ann Silver", "Bob Plain", "Cid Quiet"]
    found, body = names(owner_client, birthday=99)
    assert "Birthday in the next N days:" in body


def test_the_filters_become_a_campaign_segment(owner_client, shop, business):
    _, body = names(owner_client, category=shop["plain"].pk, not_seen=30)
    link = body.split('data-testid="campaign-from-filters"')[0].rsplit('href="', 1)[1]
    link = link.split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)
    assert query["segment"] == ["match"]
    parts = json.loads(query["parts"][0])
    assert parts == [
        {"kind": "category", "category": shop["plain"].pk},
        {"kind": "not_seen", "days": 30},
    ]
    form = owner_client.get(link).content.decode()
    assert 'data-testid="audience"' in form and "1 customer" in form  # Cid only
    response = owner_client.post(
        reverse("panel:campaign_create"),
        {"name": "Come back", "segment": "match", "parts": query["parts"][0],
         "text_en": "We miss you, {customer}", "text_uk": "Сумуємо, {customer}", "send": "1"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(business=business)
    assert campaign.segment == {"kind": "match", "parts": parts}
    assert campaign.total == 1


def test_the_filters_in_ukrainian(owner_client, shop):
    owner_client.cookies["django_language"] = "uk"
    _, body = names(owner_client, tier=shop["silver"].pk)
    for text in ("Фільтри", "Будь-яка категорія", "Надіслати кампанію цим клієнтам"):
        assert text in body
