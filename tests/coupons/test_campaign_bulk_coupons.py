"""A campaign's coupons issued a batch at a time (docs/messages.md, "Campaigns"): a
constant number of queries per batch whatever its size, the inventory kept exactly (the
customers past it get the message without a code), each coupon with its own customer and
"issued" event; stock-code series still issued one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coupons import campaigns
from coupons.imports import generate_pregenerated
from coupons.models import Coupon, CouponEvent, CouponSeries
from customers.models import Notification
from tests.coupons.test_campaigns import make, person
from tests.factories import CouponSeriesFactory

pytestmark = pytest.mark.django_db
TEXTS = {"en": "{business}: {benefit}, code {code}. {link}"}


def queries_of_run(campaign) -> int:
    with CaptureQueriesContext(connection) as captured:
        campaigns.run_campaign(campaign.pk)
    return len(captured)


def test_a_batch_costs_the_same_queries_for_5_or_40_customers(program):
    small = CouponSeriesFactory(program=program)
    for _ in range(5):
        person(program)
    few = queries_of_run(make(program, {"kind": "all"}, series=small, texts=TEXTS))
    for _ in range(35):
        person(program)
    big = CouponSeriesFactory(program=program)
    campaign = make(program, {"kind": "all"}, series=big, texts=TEXTS)
    many = queries_of_run(campaign)
    assert many == few, (few, many)
    coupons = Coupon.objects.filter(series=big)
    assert coupons.count() == 40
    assert len({c.customer_id for c in coupons}) == 40
    events = CouponEvent.objects.filter(series=big, from_state="", to_state="in_wallet")
    assert sorted(e.customer_id for e in events) == sorted(c.customer_id for c in coupons)
    assert {e.actor for e in events} == {f"campaign:{campaign.pk}"}
    assert {c.state for c in coupons} == {Coupon.State.IN_WALLET}
    for message in Notification.objects.filter(campaign=campaign):
        coupon = coupons.get(customer=message.customer)
        assert coupon.code in message.body and f"/c/{coupon.code}" in message.body


def test_the_inventory_is_kept_and_the_rest_get_the_message_without_a_code(program):
    series = CouponSeriesFactory(program=program, inventory=3)
    people = [person(program) for _ in range(5)]
    campaign = make(
        program, {"kind": "all"}, series=series, texts={"en": "{business}: {benefit}. {link}"}
    )
    assert campaigns.run_campaign(campaign.pk, batch=2) == 5
    series.refresh_from_db()
    assert series.issued_count == 3
    holders = set(Coupon.objects.filter(series=series).values_list("customer_id", flat=True))
    assert len(holders) == 3 and holders <= {p.pk for p in people}
    assert Notification.objects.filter(campaign=campaign).count() == 5
    assert campaigns.results(campaign)["coupons"] == 3


def test_a_stock_code_series_still_issues_its_codes(program):
    series = CouponSeriesFactory(program=program, code_mode=CouponSeries.CodeMode.PREGENERATED)
    generate_pregenerated(series=series, count=2)
    people = [person(program) for _ in range(3)]
    campaign = make(program, {"kind": "all"}, series=series, texts=TEXTS)
    assert campaigns.run_campaign(campaign.pk) == 3
    given = Coupon.objects.filter(series=series, is_stock=False)
    assert {c.customer_id for c in given} <= {p.pk for p in people} and given.count() == 2
    bodies = [n.body for n in Notification.objects.filter(campaign=campaign)]
    assert sum(any(c.code in b for c in given) for b in bodies) == 2
