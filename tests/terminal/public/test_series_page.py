"""/s/<token>?channel=: visits and claims counted per channel."""

import pytest
from django.urls import reverse

from coupons.models import Coupon, PromotionChannel

from .conftest import last_code

pytestmark = pytest.mark.django_db


def url(series, channel="instagram"):
    return reverse("public:series", args=[series.token]) + f"?channel={channel}"


def test_each_visit_is_counted_per_channel(client, shop):
    client.get(url(shop.series))
    client.get(url(shop.series))
    client.get(url(shop.series, "poster"))
    counts = dict(PromotionChannel.objects.values_list("name", "visits"))
    assert counts == {"instagram": 2, "poster": 1}


def test_claim_issues_a_coupon_and_counts_it(client, shop):
    page = url(shop.series)
    client.get(page)
    client.post(page, {"step": "send", "phone": shop.customer.phone, "channel": "instagram"})
    response = client.post(
        page, {"step": "verify", "code": last_code(shop.customer.phone), "channel": "instagram"}
    )
    text = response.content.decode()
    assert "The coupon is in your wallet now." in text
    coupon = Coupon.objects.get(series=shop.series, customer=shop.customer)
    assert coupon.state == Coupon.State.IN_WALLET and coupon.code in text
    channel = PromotionChannel.objects.get(series=shop.series, name="instagram")
    assert (channel.visits, channel.claims) == (1, 1)


def test_one_unused_coupon_per_customer(client, shop):
    shop.wallet_coupon(shop.customer)
    page = url(shop.series)
    client.post(page, {"step": "send", "phone": shop.customer.phone})
    response = client.post(page, {"step": "verify", "code": last_code(shop.customer.phone)})
    assert "You already have this coupon in your wallet." in response.content.decode()
    assert Coupon.objects.filter(series=shop.series).count() == 1


def test_exhausted_series_is_refused(client, shop):
    shop.series.inventory = 1
    shop.series.save()
    shop.free_coupon()
    page = url(shop.series)
    client.post(page, {"step": "send", "phone": shop.customer.phone})
    response = client.post(page, {"step": "verify", "code": last_code(shop.customer.phone)})
    assert "No more coupons of this series can be issued." in response.content.decode()


def test_archived_series_shows_the_end(client, shop):
    shop.series.is_archived = True
    shop.series.save()
    text = client.get(url(shop.series)).content.decode()
    assert "This promotion has ended." in text


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("public:series", args=["nope"])).status_code == 404
