"""The "gift returned" message: a gift link that lapses unclaimed, or that the giver
withdraws, tells the giver once that the coupon is theirs again, naming it and linking the
wallet, in their language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupons.gifts import GIFT_DAYS, cancel_gift, claim_gift, create_gift, return_lapsed_gifts
from coupons.services import issue_coupons
from coupons.tasks import return_lapsed_gifts_task
from customers.models import Notification
from tests.factories import CouponSeriesFactory

pytestmark = pytest.mark.django_db

LAPSED = timedelta(days=GIFT_DAYS, minutes=1)


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PERKLINE_PUBLIC_URL = "https://perk.example"


@pytest.fixture
def gift_of(program, make_customer):
    program.business.name = "Kava Bar"
    program.business.save()
    series = CouponSeriesFactory(
        program=program, name="Free latte", transferable=True, title={"uk": "Безкоштовне лате"}
    )

    def make(language="en", at=None):
        giver = make_customer(name="Olena", language=language)
        (coupon,) = issue_coupons(series=series, quantity=1, at=timezone.now(), customer=giver)
        return create_gift(coupon=coupon, giver=giver, at=at or timezone.now())

    return make


def returned(giver):
    return list(Notification.objects.filter(customer=giver, kind="gift_returned"))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Kava Bar", "Free latte", "back in your wallet", "https://perk.example/w/"]),
        (
            "uk",
            ["Kava Bar", "Безкоштовне лате", "знову у вашому гаманці", "https://perk.example/w/"],
        ),
    ],
)
def test_a_lapsed_gift_tells_the_giver_once_what_came_back(gift_of, language, words):
    gift = gift_of(language)
    assert return_lapsed_gifts(now=timezone.now()) == 0  # still open
    assert return_lapsed_gifts(now=timezone.now() + LAPSED) == 1
    assert return_lapsed_gifts(now=timezone.now() + LAPSED) == 0
    [message] = returned(gift.giver)
    for word in words:
        assert word in message.body, (word, message.body)
    assert f"/w/{gift.business.slug}/" in message.body


def test_the_scheduled_task_sends_it(gift_of):
    gift = gift_of(at=timezone.now() - LAPSED)
    assert return_lapsed_gifts_task() == 1
    assert len(returned(gift.giver)) == 1


def test_withdrawing_tells_the_giver_and_the_job_does_not_repeat_it(gift_of):
    gift = gift_of()
    cancel_gift(gift=gift, giver=gift.giver, at=timezone.now())
    cancel_gift(gift=gift, giver=gift.giver, at=timezone.now())
    assert return_lapsed_gifts(now=timezone.now() + LAPSED) == 0
    [message] = returned(gift.giver)
    assert "Free latte" in message.body


def test_a_claimed_gift_is_no_return(gift_of, make_customer):
    gift = gift_of()
    claim_gift(gift=gift, receiver=make_customer(name="Ira"), at=timezone.now())
    assert return_lapsed_gifts(now=timezone.now() + LAPSED) == 0
    assert not returned(gift.giver)


def test_a_new_link_replacing_the_old_one_says_nothing(gift_of):
    gift = gift_of()
    create_gift(coupon=gift.coupon, giver=gift.giver, at=timezone.now())
    assert not returned(gift.giver)
