"""Issue 21: the kiosk's wallet coupons carry the series' title in the customer's language,
so the kiosk page never shows a series key."""

import pytest

from tests.terminal.cashier.shop import make_shop

from .test_kiosk_otp import PHONE, Kiosk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title"), [("uk", "Вітальна знижка 10%"), ("en", "Welcome 10% off")]
)
def test_wallet_coupons_carry_the_title_in_the_language(language, title):
    shop = make_shop()
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    coupon = shop.wallet_coupon(shop.customer)
    kiosk = Kiosk(shop)
    answer = kiosk.client.post(
        "/api/v1/kiosk/identify", {"phone": PHONE}, format="json", HTTP_ACCEPT_LANGUAGE=language
    ).json()
    (item,) = [c for c in answer["coupons"] if c["code"] == coupon.code]
    assert (item["series"], item["title"]) == ("welcome", title)
    wallet = kiosk.client.get(
        "/api/v1/kiosk/wallet",
        HTTP_X_CUSTOMER_TOKEN=answer["customer_token"],
        HTTP_ACCEPT_LANGUAGE=language,
    ).json()
    assert [c["title"] for c in wallet if c["code"] == coupon.code] == [title]
