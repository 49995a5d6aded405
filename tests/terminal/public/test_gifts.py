"""Giving a coupon by link or to a phone from the wallet, claiming it at /t/<token>
(journey.md "Give a coupon")."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon, CouponEvent, Gift
from customers.models import Customer, Notification

from .conftest import last_code

pytestmark = pytest.mark.django_db

FRIEND = "+380509990011"


@pytest.fixture
def giving(shop):
    shop.series.transferable = True
    shop.series.notify_giver = True
    shop.series.save()
    return shop


def sign_in(client, shop, phone):
    wallet = reverse("public:wallet", args=[shop.business.slug])
    client.post(wallet, {"step": "send", "phone": phone})
    client.post(wallet, {"step": "verify", "code": last_code(phone)})
    return wallet


def make_link(client, shop, coupon):
    response = client.post(
        reverse("public:give", args=[shop.business.slug]),
        {"coupon": coupon.pk, "how": "link", "phone": ""},
    )
    assert response.status_code == 302
    return Gift.objects.get(coupon=coupon, claimed_at__isnull=True, cancelled_at__isnull=True)


def claim(client, token, phone):
    url = reverse("public:gift", args=[token])
    client.post(url, {"step": "send", "phone": phone})
    return client.post(url, {"step": "verify", "code": last_code(phone)})


def test_a_gift_link_moves_the_coupon_to_the_friend_and_tells_the_giver(client, giving):
    shop = giving
    coupon = shop.wallet_coupon(shop.customer)
    wallet = sign_in(client, shop, shop.customer.phone)
    gift = make_link(client, shop, coupon)
    page = client.get(wallet).content.decode()
    assert f"http://testserver/t/{gift.token}" in page and 'data-testid="gift-offered"' in page

    friend = client.__class__()
    landing = friend.get(reverse("public:gift", args=[gift.token])).content.decode()
    assert coupon.code not in landing  # the code is the friend's only once claimed
    response = claim(friend, gift.token, FRIEND)
    assert response.status_code == 302

    receiver = Customer.objects.get(business=shop.business, phone=FRIEND)
    coupon.refresh_from_db()
    assert (coupon.customer, coupon.giver, coupon.state) == (
        receiver,
        shop.customer,
        Coupon.State.IN_WALLET,
    )
    assert coupon.code in friend.get(response["Location"]).content.decode()
    assert coupon.code not in client.get(wallet).content.decode()  # gone from the giver's
    assert Notification.objects.filter(customer=shop.customer, kind="gift_claimed").exists()
    assert CouponEvent.objects.filter(coupon=coupon, customer=receiver).exists()


def test_a_used_link_and_an_expired_link_say_so_and_move_nothing(client, giving):
    shop = giving
    coupon = shop.wallet_coupon(shop.customer)
    sign_in(client, shop, shop.customer.phone)
    gift = make_link(client, shop, coupon)
    claim(client.__class__(), gift.token, FRIEND)

    second = client.__class__()
    page = second.get(reverse("public:gift", args=[gift.token]))
    assert page.status_code == 410
    assert "already been claimed" in page.content.decode()

    other = shop.wallet_coupon(shop.customer)
    lapsed = make_link(client, shop, other)
    Gift.objects.filter(pk=lapsed.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = second.post(
        reverse("public:gift", args=[lapsed.token]), {"step": "send", "phone": "+380509990022"}
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    other.refresh_from_db()
    assert other.customer == shop.customer  # back with the giver (it never left)


def test_a_gift_to_oneself_is_refused(client, giving):
    shop = giving
    coupon = shop.wallet_coupon(shop.customer)
    sign_in(client, shop, shop.customer.phone)
    gift = make_link(client, shop, coupon)
    response = client.post(reverse("public:gift", args=[gift.token]), {"step": "act"})
    assert "cannot be given to its own holder" in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.customer == shop.customer
    gift.refresh_from_db()
    assert gift.claimed_at is None


def test_sending_to_a_phone_texts_the_link_and_only_that_phone_claims(client, giving):
    shop = giving
    coupon = shop.wallet_coupon(shop.customer)
    sign_in(client, shop, shop.customer.phone)
    client.post(
        reverse("public:give", args=[shop.business.slug]),
        {"coupon": coupon.pk, "how": "phone", "phone": FRIEND},
    )
    gift = Gift.objects.get(coupon=coupon)
    sms = Notification.objects.get(kind="gift_sent", recipient=FRIEND)
    assert f"/t/{gift.token}" in sms.body
    stranger = claim(client.__class__(), gift.token, "+380509990033")
    assert "sent to another phone" in stranger.content.decode()
    assert claim(client.__class__(), gift.token, FRIEND).status_code == 302


def test_a_series_that_is_not_transferable_offers_no_gift(client, shop):
    coupon = shop.wallet_coupon(shop.customer)
    wallet = sign_in(client, shop, shop.customer.phone)
    assert 'data-testid="give-form"' not in client.get(wallet).content.decode()
    client.post(reverse("public:give", args=[shop.business.slug]), {"coupon": coupon.pk})
    assert not Gift.objects.exists()
    assert "cannot be" in client.get(wallet).content.decode()


def test_another_customers_coupon_cannot_be_given(client, giving):
    shop = giving
    other = shop.customer_with_points(phone="+380509990044")
    coupon = shop.wallet_coupon(other)
    sign_in(client, shop, shop.customer.phone)
    response = client.post(reverse("public:give", args=[shop.business.slug]), {"coupon": coupon.pk})
    assert response.status_code == 404 and not Gift.objects.exists()


def test_gift_pages_are_under_100_kb(client, giving):
    from .page_weight import page_weight

    shop = giving
    coupon = shop.wallet_coupon(shop.customer)
    sign_in(client, shop, shop.customer.phone)
    gift = make_link(client, shop, coupon)
    assert page_weight(client.__class__(), reverse("public:gift", args=[gift.token])) < 100 * 1024
    assert page_weight(client, reverse("public:wallet", args=[shop.business.slug])) < 100 * 1024
