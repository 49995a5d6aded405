"""/c/<code>: the coupon page and adding the coupon to a wallet with a one-time code."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from customers.models import Customer
from terminal.views.public_auth import CUSTOMER_KEY

from .conftest import last_code, send_code, verify

pytestmark = pytest.mark.django_db


def url(coupon, **query):
    path = reverse("public:coupon", args=[coupon.code])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_page_shows_title_description_qr_and_validity(client, shop):
    coupon = shop.free_coupon()
    page = client.get(url(coupon))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Welcome 10% off" in text and "Ten percent off any check." in text
    assert "<svg" in text and coupon.code in text
    assert "Send me a code" in text


def test_page_in_ukrainian(client, shop):
    coupon = shop.free_coupon()
    text = client.get(url(coupon), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Вітальна знижка 10%" in text


def test_code_in_any_spelling(client, shop):
    coupon = shop.free_coupon()
    messy = coupon.code.lower().replace("-", "")
    assert client.get(reverse("public:coupon", args=[messy])).status_code == 200


def test_unknown_and_foreign_codes_answer_the_same_404(client, shop, other_shop):
    unknown = client.get(reverse("public:coupon", args=["NOPE-NOPE-NOPE"]))
    assert unknown.status_code == 404
    foreign = other_shop.free_coupon()
    named = client.get(url(foreign, b=shop.business.slug))
    assert named.status_code == 404
    assert "We could not find this code." in named.content.decode()
    assert "We could not find this code." in unknown.content.decode()


def test_claim_with_a_one_time_code_registers_the_phone(client, shop):
    coupon = shop.free_coupon()
    sent = send_code(client, url(coupon), "067 765 43 21")
    assert sent.status_code == 200
    assert "We sent a one-time code" in sent.content.decode()
    response = verify(client, url(coupon), last_code("+380677654321"))
    assert response.status_code == 200
    assert "The coupon is in your wallet now." in response.content.decode()
    customer = Customer.objects.get(business=shop.business, phone="+380677654321")
    coupon.refresh_from_db()
    assert (coupon.state, coupon.customer) == (Coupon.State.IN_WALLET, customer)
    assert client.session[CUSTOMER_KEY] == {"business": shop.business.pk, "customer": customer.pk}


def test_wrong_code_claims_nothing(client, shop):
    coupon = shop.free_coupon()
    send_code(client, url(coupon), shop.customer.phone)
    right = last_code(shop.customer.phone)
    response = verify(client, url(coupon), f"{(int(right) + 1) % 10**6:06d}")
    assert "The code is wrong or has expired." in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.FREE
    assert CUSTOMER_KEY not in client.session


def test_a_signed_in_customer_claims_without_a_new_code(client, shop):
    first, second = shop.free_coupon(), shop.free_coupon()
    send_code(client, url(first), shop.customer.phone)
    verify(client, url(first), last_code(shop.customer.phone))
    page = client.get(url(second)).content.decode()
    assert "You are signed in" in page
    client.post(url(second), {"step": "act"})
    second.refresh_from_db()
    assert second.customer == shop.customer


def test_expired_coupon_cannot_be_claimed(client, shop):
    coupon = shop.free_coupon()
    Coupon.objects.filter(pk=coupon.pk).update(valid_to=timezone.now() - timedelta(days=1))
    page = client.get(url(coupon)).content.decode()
    assert "Expired" in page and "Send me a code" not in page
    response = send_code(client, url(coupon), shop.customer.phone)
    assert "This coupon cannot be added to a wallet." in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.FREE


def test_coupon_in_someone_elses_wallet_shows_no_form(client, shop):
    coupon = shop.wallet_coupon(shop.customer)
    page = client.get(url(coupon)).content.decode()
    assert "In a wallet" in page and "Send me a code" not in page


def test_claim_race_lost_shows_the_refusal(client, shop):
    coupon = shop.free_coupon()
    send_code(client, url(coupon), "+380677654321")
    code = last_code("+380677654321")
    Coupon.objects.filter(pk=coupon.pk).update(state=Coupon.State.IN_WALLET, customer=shop.customer)
    response = verify(client, url(coupon), code)
    assert "This coupon cannot be added to a wallet." in response.content.decode()


def test_send_code_with_a_bad_phone(client, shop):
    coupon = shop.free_coupon()
    response = send_code(client, url(coupon), "12")
    assert response.status_code == 200
    assert "field__error" in response.content.decode()


def test_restart_goes_back_to_the_phone_form(client, shop):
    coupon = shop.free_coupon()
    send_code(client, url(coupon), shop.customer.phone)
    response = client.post(url(coupon), {"step": "restart"})
    assert "Send me a code" in response.content.decode()
