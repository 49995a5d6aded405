"""R11 on the public pages: until the phone is proven with its one-time code, no page shows
the customer's name, card, balances or coupons; only that a code was sent and where."""

import pytest
from django.urls import reverse

from .conftest import last_code

pytestmark = pytest.mark.django_db

PAGES = {
    "coupon": lambda shop: reverse("public:coupon", args=[shop.free_coupon().code]),
    "certificate": lambda shop: reverse(
        "public:certificate", args=[shop.certificate().public_code]
    ),
    "series": lambda shop: reverse("public:series", args=[shop.series.token]),
    "wallet": lambda shop: reverse("public:wallet", args=[shop.business.slug]),
}


def secrets_of(shop) -> list[str]:
    held = shop.wallet_coupon(shop.customer)
    return ["Olena", shop.customer.card_code, "100.00", held.code, shop.customer.phone]


def assert_shows_none_of(response, secrets):
    assert response.status_code == 200
    text = response.content.decode()
    for secret in secrets:
        assert secret not in text, secret


@pytest.mark.parametrize("page", PAGES)
def test_sending_the_code_shows_only_where_it_went(client, shop, page):
    url, secrets = PAGES[page](shop), secrets_of(shop)
    response = client.post(url, {"step": "send", "phone": shop.customer.phone})
    assert_shows_none_of(response, secrets)
    assert "We sent a one-time code to +380…233." in response.content.decode()
    assert_shows_none_of(client.get(url), secrets)  # the pending code shows nothing either


@pytest.mark.parametrize("page", PAGES)
def test_a_wrong_code_or_a_skipped_one_shows_nothing(client, shop, page):
    url, secrets = PAGES[page](shop), secrets_of(shop)
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    wrong = f"{(int(last_code(shop.customer.phone)) + 1) % 10**6:06d}"
    assert_shows_none_of(client.post(url, {"step": "verify", "code": wrong}), secrets)
    # "act as the signed-in customer" without a proven phone is no way round the code
    assert_shows_none_of(client.post(url, {"step": "act"}), secrets)
    assert_shows_none_of(client.get(url), secrets)


def test_the_wallet_shows_the_customer_once_the_code_is_right(client, shop):
    url, secrets = PAGES["wallet"](shop), secrets_of(shop)
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    text = client.get(url).content.decode()
    assert all(secret in text for secret in secrets[:4])
