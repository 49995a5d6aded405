"""Every QR of a coupon or certificate holds its public link; the wallet's code field opens a
typed code's or link's page (journey.md "Links in every QR", "Enter a code")."""

import pytest
from django.urls import reverse

from terminal.views.cashier import inline_qr

from .conftest import last_code

pytestmark = pytest.mark.django_db


def qr_of(data):
    return str(inline_qr(data))


def test_the_coupon_page_qr_holds_the_coupon_link(client, shop):
    coupon = shop.free_coupon()
    page = client.get(reverse("public:coupon", args=[coupon.code])).content.decode()
    assert qr_of(f"http://testserver/c/{coupon.code}") in page
    assert qr_of(coupon.code) not in page


def signed_in(client, shop):
    wallet = reverse("public:wallet", args=[shop.business.slug])
    client.post(wallet, {"step": "send", "phone": shop.customer.phone})
    client.post(wallet, {"step": "verify", "code": last_code(shop.customer.phone)})
    return wallet


def test_wallet_coupons_show_their_link_and_the_card_its_code(client, shop):
    coupon = shop.wallet_coupon(shop.customer)
    page = client.get(signed_in(client, shop)).content.decode()
    assert qr_of(f"http://testserver/c/{coupon.code}") in page
    assert qr_of(shop.customer.card_code) in page  # the card is read by the till as today


@pytest.mark.parametrize("spelling", ["plain", "link", "lower"])
def test_the_code_field_opens_the_coupon_page(client, shop, spelling):
    coupon = shop.free_coupon()
    typed = {
        "plain": coupon.code,
        "link": f"https://elsewhere.example/c/{coupon.code}",
        "lower": coupon.code.lower(),
    }[spelling]
    response = client.post(reverse("public:enter_code", args=[shop.business.slug]), {"code": typed})
    assert response.status_code == 302
    target = client.get(response["Location"])
    assert target.status_code == 200 and coupon.code in target.content.decode()


def test_the_code_field_opens_a_certificate(client, shop):
    cert = shop.certificate(public_code="GIFT-2026", public_code_norm="GIFT2026")
    response = client.post(
        reverse("public:enter_code", args=[shop.business.slug]), {"code": "gift 2026"}
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert cert.pk


def test_another_business_code_and_an_unknown_code_are_not_found(client, shop, other_shop):
    foreign = other_shop.free_coupon()
    for code in (foreign.code, "NOPE-0000-0000"):
        response = client.post(
            reverse("public:enter_code", args=[shop.business.slug]), {"code": code}
        )
        assert response.status_code == 404
        assert "No coupon, certificate or gift card has this code" in response.content.decode()


def test_the_wallet_shows_the_code_field(client, shop):
    page = client.get(reverse("public:wallet", args=[shop.business.slug])).content.decode()
    assert 'data-testid="code-field"' in page
