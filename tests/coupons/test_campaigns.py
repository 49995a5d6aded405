"""Campaigns (journey.md, Hear): segments, consent, a coupon with each message, progress,
stop, results; an empty segment refused before sending."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from coupons import campaigns
from coupons.models import Coupon
from coupons.services import issue_coupons, redeem_coupon
from customers.models import Campaign, Customer, Notification
from tests.factories import (
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    SaleFactory,
)

pytestmark = pytest.mark.django_db
TEXTS = {
    "en": "{business}: we miss you, {customer}! {benefit}, code {code}. {link}",
    "uk": "{business}: ми сумуємо, {customer}! {benefit}, код {code}. {link}",
}


@pytest.fixture(autouse=True)
def no_queue(monkeypatch):
    """The job runs where the test calls it."""
    monkeypatch.setattr(campaigns, "_queue", lambda campaign: None)


def person(program, *, days_ago=100, consent=True, **fields):
    customer = CustomerFactory(business=program.business, consent=consent, **fields)
    Customer.objects.filter(pk=customer.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    EnrolmentFactory(customer=customer, business=program.business, program=program)
    return customer


def visit(program, customer, days_ago, amount="100.00"):
    return SaleFactory(
        program=program,
        customer=customer,
        time=timezone.now() - timedelta(days=days_ago),
        amount=Decimal(amount),
    )


def make(program, segment, **kwargs):
    return campaigns.create_campaign(
        business=program.business,
        name="Come back",
        segment=segment,
        texts_by_language=kwargs.pop("texts", TEXTS),
        **kwargs,
    )


def test_not_seen_for_30_days(program):
    lapsed = person(program)
    visit(program, lapsed, 45)
    recent = person(program)
    visit(program, recent, 3)
    never = person(program)  # joined 100 days ago, never bought
    newcomer = person(program, days_ago=5)
    silent = person(program, consent=False)
    no_contact = person(program, channel=Customer.Channel.NONE)
    found = set(campaigns.segment_customers(program.business, {"kind": "not_seen", "days": 30}))
    assert found == {lapsed, never}
    assert not {recent, newcomer, silent, no_contact} & found


def test_birthday_category_series_and_spent(program):
    today = date.today()
    soon = person(program, birthday=today.replace(year=1990) + timedelta(days=3))
    later = person(program, birthday=today.replace(year=1990) + timedelta(days=20))
    vip = CustomerCategoryFactory(program=program)
    in_vip = person(program)
    in_vip.enrolments.update(category=vip)
    series = CouponSeriesFactory(program=program)
    holder = person(program)
    issue_coupons(series=series, quantity=1, at=timezone.now(), customer=holder)
    big = person(program)
    visit(program, big, 10, "300.00")
    visit(program, big, 20, "300.00")
    small = person(program)
    visit(program, small, 10, "500.00")
    old_big = person(program)
    visit(program, old_big, 200, "5000.00")

    def who(segment):
        return set(campaigns.segment_customers(program.business, segment))

    assert who({"kind": "birthday", "days": 7}) >= {soon} and later not in who(
        {"kind": "birthday", "days": 7}
    )
    assert who({"kind": "category", "category": vip.pk}) == {in_vip}
    assert who({"kind": "holds_series", "series": series.pk}) == {holder}
    assert who({"kind": "spent", "amount": "550", "days": 90}) == {big}


def test_campaign_sends_to_the_segment_with_a_coupon_each(program, settings):
    settings.PERKLINE_PUBLIC_URL = "https://perk.example"
    series = CouponSeriesFactory(program=program, name="Free cake")
    olena = person(program, name="Olena", language="uk")
    visit(program, olena, 40)
    taras = person(program, name="Taras", language="en")
    visit(program, taras, 40)
    person(program, consent=False)
    campaign = make(program, {"kind": "not_seen", "days": 30}, series=series)
    assert campaign.total == 2 and campaign.state == Campaign.State.SCHEDULED
    assert campaigns.run_campaign(campaign.pk, batch=1) == 2
    campaign.refresh_from_db()
    assert (campaign.state, campaign.done) == (Campaign.State.DONE, 2)
    for customer, text in (
        (olena, "ми сумуємо, Olena! Free cake (uk), код"),
        (taras, "we miss you"),
    ):
        message = Notification.objects.get(customer=customer, campaign=campaign)
        coupon = Coupon.objects.get(customer=customer, series=series)
        assert text in message.body and coupon.code in message.body
        assert f"https://perk.example/c/{coupon.code}" in message.body
    # a second run (a restarted worker) sends nothing twice
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.RUNNING)
    assert campaigns.run_campaign(campaign.pk) == 0
    assert Notification.objects.filter(campaign=campaign).count() == 2
    assert Coupon.objects.filter(series=series).count() == 2


def test_results_count_sent_failed_delivered_and_redeemed_coupons(program, pos):
    series = CouponSeriesFactory(program=program)
    people = [person(program) for _ in range(3)]
    campaign = make(program, {"kind": "all"}, series=series)
    campaigns.run_campaign(campaign.pk)
    rows = list(Notification.objects.filter(campaign=campaign).order_by("pk"))
    Notification.objects.filter(pk=rows[0].pk).update(state="sent", delivered_at=timezone.now())
    Notification.objects.filter(pk=rows[1].pk).update(state="failed")
    coupon = Coupon.objects.get(customer=people[0], series=series)
    sale = visit(program, people[0], 0, "80.00")
    redeem_coupon(
        coupon=coupon, at=timezone.now(), sale=sale, point_of_sale=pos, customer=people[0]
    )
    result = campaigns.results(campaign)
    assert result["queued"] == 3 and result["sent"] == 1 and result["failed"] == 1
    assert result["delivered"] == 1 and result["pending"] == 1
    assert (result["coupons"], result["redeemed"], result["sales"]) == (3, 1, 1)
    assert result["sales_amount"] == Decimal("80.00")


def test_stop_keeps_what_was_sent(program, monkeypatch):
    for _ in range(5):
        person(program)
    campaign = make(program, {"kind": "all"}, texts={"en": "{business}: hi {customer}. {link}"})
    real = campaigns._send_batch
    calls = []

    def send_then_stop(campaign_row, ids):
        calls.append(ids)
        sent = real(campaign_row, ids)
        campaigns.stop_campaign(campaign=campaign_row)  # the owner presses Stop meanwhile
        return sent

    monkeypatch.setattr(campaigns, "_send_batch", send_then_stop)
    campaigns.run_campaign(campaign.pk, batch=2)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.STOPPED and len(calls) == 1
    assert Notification.objects.filter(campaign=campaign).count() == 2


@pytest.mark.parametrize(
    ("segment", "texts", "field"),
    [
        ({"kind": "not_seen", "days": 30}, TEXTS, "segment"),  # nobody matches
        ({"kind": "not_seen", "days": 0}, TEXTS, "days"),
        ({"kind": "nope"}, TEXTS, "segment"),
        ({"kind": "all"}, {"en": "Hi {name}"}, "text_en"),
        ({"kind": "all"}, {"en": "  "}, "text"),
        ({"kind": "spent", "amount": "x", "days": 5}, TEXTS, "amount"),
        ({"kind": "all"}, {"uk": "Код {code}"}, "text_uk"),  # no coupon to fill it
    ],
)
def test_refusals_write_nothing(program, segment, texts, field):
    recent = person(program)
    visit(program, recent, 1)
    series = CouponSeriesFactory(program=program) if texts is TEXTS else None
    with pytest.raises(ValidationFailed) as err:
        make(program, segment, texts=texts, series=series)
    assert err.value.field == field
    assert not Campaign.objects.exists() and not Notification.objects.exists()


def test_segments_never_reach_another_business(program):
    person(program)
    other = CustomerFactory(consent=True)
    assert list(campaigns.segment_customers(program.business, {"kind": "all"})) != []
    assert other not in campaigns.segment_customers(program.business, {"kind": "all"})
