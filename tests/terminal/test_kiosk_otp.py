"""R11 and R15 at the kiosk: where the program asks for a one-time code, nothing of the
customer is shown or spent before it is verified, whether identified by phone or by card;
one phone gets at most 3 codes per 10 minutes however often the kiosk identifies it."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from certificates.models import Activation
from coupons.models import Coupon
from customers.models import Customer, CustomerSession, Notification
from customers.selectors import spendable_points
from loyalty.models import Rule
from loyalty.services.devices import issue_device
from tests.factories import CouponSeriesFactory, CustomerFactory, RuleFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = pytest.mark.django_db

PHONE = "+380501112233"  # make_shop's customer, Olena, with 100 points


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


class Kiosk:
    def __init__(self, shop):
        self.shop = shop
        _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
        self.client = APIClient()
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        self.dessert = CouponSeriesFactory(
            program=shop.program,
            business=shop.business,
            key="free-dessert",
            name="Free dessert",
            kiosk_price=Decimal("30.00"),
        )
        self.offer = RuleFactory(
            program=shop.program,
            key="dessert-offer",
            name="Dessert for points",
            mode=Rule.Mode.KIOSK,
            action=Rule.Action.ISSUE_COUPON_CHECK,
            value=None,
            coupon_series=self.dessert,
            coupon_quantity=1,
        )

    def identify(self, **body):
        return self.client.post("/api/v1/kiosk/identify", body, format="json")

    def call(self, method, path, token, body=None):
        return getattr(self.client, method)(
            f"/api/v1/kiosk/{path}", body, format="json", HTTP_X_CUSTOMER_TOKEN=token
        )

    def verify(self, token, code):
        return self.call("post", "otp/verify", token, {"code": code})

    def buy(self, token):
        return self.call("post", f"offers/{self.offer.pk}/buy", token)


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def kiosk(shop):
    return Kiosk(shop)


def codes_sent(phone=PHONE):
    return Notification.objects.filter(recipient=phone, kind="one_time_code")


def last_code(phone=PHONE) -> str:
    return re.search(r"\d{6}", codes_sent(phone).latest("pk").body).group(0)


def points(shop):
    return spendable_points(customer=shop.customer, program=shop.program)


def assert_shows_nothing_of_the_customer(response, shop):
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"customer_token", "expires_at", "otp_required", "otp_sent_to"}
    assert body["otp_required"] is True
    assert body["otp_sent_to"] == "+380…233"
    text = response.content.decode()
    for secret in (shop.customer.card_code, "Olena", "100.00", "free-dessert", PHONE):
        assert secret not in text


@pytest.mark.parametrize("by", ["phone", "card"])
def test_identify_answers_only_where_the_code_went(kiosk, shop, by):
    value = PHONE if by == "phone" else shop.customer.card_code
    shop.wallet_coupon(shop.customer)
    response = kiosk.identify(**{by: value})
    assert_shows_nothing_of_the_customer(response, shop)
    # By card too, the code goes to the card holder's phone.
    assert codes_sent().count() == 1


def test_the_exploit_card_then_buy_spends_nothing(kiosk, shop):
    kiosk.identify(phone=PHONE)  # once answered the card code
    token = kiosk.identify(card=shop.customer.card_code).json()["customer_token"]
    response = kiosk.buy(token)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "otp_required"
    assert points(shop) == Decimal("100.00")
    assert not Coupon.objects.filter(series=kiosk.dessert).exists()


def test_an_unverified_session_reveals_and_changes_nothing(kiosk, shop):
    shop.series.self_service = True
    shop.series.save(update_fields=["self_service"])
    held = shop.wallet_coupon(shop.customer)
    free = shop.free_coupon()
    cert = shop.certificate()
    token = kiosk.identify(card=shop.customer.card_code).json()["customer_token"]
    answers = [
        kiosk.call("get", "wallet", token),
        kiosk.call("post", f"coupons/{free.code}/claim", token),
        kiosk.call("post", f"coupons/{held.code}/redeem", token),
        kiosk.call("post", "certificates/activate", token, {"code": cert.public_code}),
        kiosk.buy(token),
    ]
    for response in answers:
        assert response.status_code == 422, response.content
        assert response.json()["error"]["code"] == "otp_required"
        assert held.code not in response.content.decode()
    free.refresh_from_db()
    held.refresh_from_db()
    assert free.state == Coupon.State.FREE and free.customer_id is None
    assert held.state == Coupon.State.IN_WALLET
    assert not Activation.objects.exists()
    assert points(shop) == Decimal("100.00")


def test_a_wrong_code_verifies_nothing(kiosk, shop):
    token = kiosk.identify(card=shop.customer.card_code).json()["customer_token"]
    right = last_code()
    response = kiosk.verify(token, f"{(int(right) + 1) % 10**6:06d}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "otp_invalid"
    assert "Olena" not in response.content.decode()
    assert kiosk.buy(token).json()["error"]["code"] == "otp_required"


def test_verify_answers_the_customer_and_then_the_buy_works(kiosk, shop):
    token = kiosk.identify(card=shop.customer.card_code).json()["customer_token"]
    response = kiosk.verify(token, last_code())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["verified"] is True
    assert body["customer"]["name"] == "Olena"
    assert body["customer"]["card"] == shop.customer.card_code
    assert body["balances"]["bonus"]["active"] == "100.00"
    assert [offer["series"] for offer in body["offers"]] == ["free-dessert"]
    assert body["coupons"] == []
    bought = kiosk.buy(token)
    assert bought.status_code == 201, bought.content
    assert points(shop) == Decimal("70.00")
    assert kiosk.call("get", "wallet", token).status_code == 200
    # A retried verify (its answer lost) answers again without a second code.
    assert kiosk.verify(token, "000000").status_code == 200


def test_the_code_verifies_only_the_session_that_entered_it(kiosk, shop):
    first = kiosk.identify(phone=PHONE).json()["customer_token"]
    second = kiosk.identify(card=shop.customer.card_code).json()["customer_token"]
    assert kiosk.verify(second, last_code()).status_code == 200
    assert kiosk.buy(first).json()["error"]["code"] == "otp_required"


def test_without_kiosk_otp_nothing_changes(kiosk, shop):
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    response = kiosk.identify(card=shop.customer.card_code)
    body = response.json()
    assert body["otp_required"] is False
    assert body["customer"]["name"] == "Olena"
    assert body["balances"]["bonus"]["active"] == "100.00"
    assert [offer["series"] for offer in body["offers"]] == ["free-dessert"]
    assert kiosk.buy(body["customer_token"]).status_code == 201
    assert not codes_sent().exists()


def test_a_card_without_a_phone_cannot_get_past_the_code(kiosk, shop):
    walk_in = CustomerFactory(business=shop.business, phone="", name="Taras")
    response = kiosk.identify(card=walk_in.card_code)
    assert response.status_code == 422
    assert response.json()["error"] | {"message": ""} == {
        "code": "otp_unavailable",
        "field": "card",
        "message": "",
    }
    assert "Taras" not in response.content.decode()
    assert not CustomerSession.objects.exists()


def test_twenty_identifies_queue_three_codes(kiosk, shop):
    statuses = [kiosk.identify(phone=PHONE).status_code for _ in range(20)]
    assert statuses == [200] * 3 + [429] * 17
    assert codes_sent().count() == 3
    assert CustomerSession.objects.count() == 3  # a refused identify answers no token
    throttled = kiosk.identify(card=shop.customer.card_code)
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert "customer_token" not in throttled.json()


def test_a_new_phone_past_the_budget_is_not_registered(kiosk, shop, settings):
    settings.PERKLINE_OTP_ADDRESS_RATE = "1/hour"
    assert kiosk.identify(phone="+380631234567").status_code == 200
    assert kiosk.identify(phone="+380631234568").status_code == 429
    assert Customer.objects.filter(phone="+380631234567").exists()
    assert not Customer.objects.filter(phone="+380631234568").exists()
    assert not codes_sent("+380631234568").exists()
