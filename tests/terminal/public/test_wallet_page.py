"""/w/<business-slug>/: the customer's wallet behind a one-time code."""

import pytest
from django.urls import reverse

from customers import ledger

from .conftest import last_code

pytestmark = pytest.mark.django_db


def url(business):
    return reverse("public:wallet", args=[business.slug])


def sign_in(client, business, phone):
    client.post(url(business), {"step": "send", "phone": phone})
    return client.post(url(business), {"step": "verify", "code": last_code(phone)})


def test_sign_in_shows_coupons_balances_and_history(client, shop):
    coupon = shop.wallet_coupon(shop.customer)
    response = sign_in(client, shop.business, shop.customer.phone)
    assert response.status_code == 302
    text = client.get(url(shop.business)).content.decode()
    assert "Olena" in text
    assert coupon.code in text and "Welcome 10% off" in text
    assert "100.00" in text  # points
    assert "Credit" in text  # the history's entry
    assert shop.customer.card_code in text


def test_wrong_code_shows_nothing(client, shop):
    client.post(url(shop.business), {"step": "send", "phone": shop.customer.phone})
    right = last_code(shop.customer.phone)
    response = client.post(
        url(shop.business), {"step": "verify", "code": f"{(int(right) + 1) % 10**6:06d}"}
    )
    text = response.content.decode()
    assert "The code is wrong or has expired." in text
    assert "Olena" not in text


def test_unknown_phone_is_told_to_register(client, shop):
    response = sign_in(client, shop.business, "+380631234567")
    assert "We do not know this phone yet" in response.content.decode()


def test_signed_in_at_one_business_sees_nothing_of_another(client, shop, other_shop):
    sign_in(client, shop.business, shop.customer.phone)
    text = client.get(url(other_shop.business)).content.decode()
    assert "Send me a code" in text
    assert shop.customer.card_code not in text


def test_sign_out(client, shop):
    sign_in(client, shop.business, shop.customer.phone)
    client.post(reverse("public:sign_out", args=[shop.business.slug]))
    assert "Send me a code" in client.get(url(shop.business)).content.decode()


def test_negative_and_pending_balances_render(client, shop):
    account = ledger.get_account(customer=shop.customer, program=shop.program, key="bonus")
    assert account.balance
    sign_in(client, shop.business, shop.customer.phone)
    assert client.get(url(shop.business)).status_code == 200


def test_unknown_business_is_404(client, db):
    assert client.get(reverse("public:wallet", args=["nope"])).status_code == 404
