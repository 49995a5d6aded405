"""The kiosk API of issue 18's last parts: `kiosk/about` names the kiosk's business (its
name and logo for the page's bar) and `kiosk/coupons/{code}/gift` gives a transferable coupon
to a friend by a link or to a phone (coupons.gifts, as the wallet page does)."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from coupons.models import Gift
from customers.models import Notification
from loyalty.services.devices import issue_device
from tests.factories import CouponSeriesFactory, CustomerFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def kiosk_client(shop, kind="kiosk"):
    _device, key = issue_device(point_of_sale=shop.pos, kind=kind, name=f"{kind} 1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def shop(db):
    shop = make_shop(name="Coffee Lab")
    shop.program.kiosk_requires_otp = False
    shop.program.save()
    shop.series.transferable = True
    shop.series.save()
    return shop


def identified(client, shop):
    answer = client.post("/api/v1/kiosk/identify", {"card": shop.customer.card_code}, format="json")
    assert answer.status_code == 200, answer.content
    return answer


def gift(client, token, code, body=None):
    return client.post(
        f"/api/v1/kiosk/coupons/{code}/gift", body or {}, format="json",
        HTTP_X_CUSTOMER_TOKEN=token,
    )  # fmt: skip


def test_about_names_the_kiosks_business_without_and_with_a_logo(shop):
    client = kiosk_client(shop)
    answer = client.get("/api/v1/kiosk/about")
    assert answer.status_code == 200
    assert answer.json() == {
        "business": {"name": "Coffee Lab", "logo": None},
        "point_of_sale": shop.pos.name,
    }
    shop.business.logo.save("logo.png", ContentFile(b"\x89PNG fake"))
    logo = client.get("/api/v1/kiosk/about").json()["business"]["logo"]
    assert logo.startswith("http://testserver/media/logos/") and logo.endswith(".png")


def test_about_needs_a_kiosk_key(shop):
    assert APIClient().get("/api/v1/kiosk/about").status_code == 401
    answer = kiosk_client(shop, kind="terminal").get("/api/v1/kiosk/about")
    assert answer.status_code == 403


def test_the_kiosk_page_shows_the_scan_and_loads_the_business(client):
    html = client.get("/kiosk/").content.decode()
    assert 'id="scan-start"' in html and "/api/v1/kiosk/about" in html
    assert "vendor/html5-qrcode/html5-qrcode.min.js" in html  # in the config, not a <script>
    assert '<script src="/static/vendor' not in html


def test_a_gift_link_from_the_kiosk(shop):
    coupon = shop.wallet_coupon(shop.customer)
    client = kiosk_client(shop)
    answer = identified(client, shop).json()
    (listed,) = answer["coupons"]
    assert listed["transferable"] is True
    made = gift(client, answer["customer_token"], coupon.code)
    assert made.status_code == 201, made.content
    body = made.json()
    stored = Gift.objects.get(coupon=coupon)
    assert stored.giver_id == shop.customer.pk and stored.phone == ""
    assert body["link"] == f"http://testserver/t/{stored.token}"
    assert body["qr"].startswith("data:image/png;base64,")
    assert body["sent_to"] is None
    coupon.refresh_from_db()
    assert coupon.customer_id == shop.customer.pk  # stays the giver's until claimed


def test_a_gift_sent_to_a_phone_from_the_kiosk(shop):
    coupon = shop.wallet_coupon(shop.customer)
    client = kiosk_client(shop)
    token = identified(client, shop).json()["customer_token"]
    made = gift(client, token, coupon.code, {"phone": "+380671234567"})
    assert made.status_code == 201, made.content
    assert made.json()["sent_to"].endswith("567") and "1234" not in made.json()["sent_to"]
    stored = Gift.objects.get(coupon=coupon)
    assert stored.phone == "+380671234567"
    sms = Notification.objects.get(kind="gift_sent", recipient="+380671234567")
    assert f"/t/{stored.token}" in sms.body


def test_refusals_write_nothing(shop):
    client = kiosk_client(shop)
    token = identified(client, shop).json()["customer_token"]
    plain = CouponSeriesFactory(
        program=shop.program, business=shop.business, key="plain", transferable=False
    )
    not_transferable = shop.wallet_coupon(shop.customer, series=plain)
    answer = gift(client, token, not_transferable.code)
    assert answer.status_code == 422
    # the stable public code set (terminal-api.md): the message says why
    assert answer.json()["error"]["code"] == "coupon_not_applicable"
    assert "given to someone else" in answer.json()["error"]["message"]

    own = shop.wallet_coupon(shop.customer)
    answer = gift(client, token, own.code, {"phone": shop.customer.phone})
    assert answer.status_code in (400, 422)
    assert answer.json()["error"]["field"] == "phone"

    someone = CustomerFactory(business=shop.business, phone="+380509998877")
    theirs = shop.wallet_coupon(someone)
    answer = gift(client, token, theirs.code)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "coupon_not_found"

    other = make_shop(name="Other", slug="other")
    foreign = other.wallet_coupon(other.customer)
    assert gift(client, token, foreign.code).status_code == 404
    assert not Gift.objects.exists()
    assert not Notification.objects.filter(kind="gift_sent").exists()


def test_a_gift_needs_the_verified_code_where_the_program_asks_for_it(shop):
    shop.program.kiosk_requires_otp = True
    shop.program.save()
    coupon = shop.wallet_coupon(shop.customer)
    client = kiosk_client(shop)
    token = identified(client, shop).json()["customer_token"]
    answer = gift(client, token, coupon.code)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "otp_required"
    assert not Gift.objects.exists()
