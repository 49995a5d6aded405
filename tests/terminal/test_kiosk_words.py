"""Issue 21: the kiosk page shows the kiosk API's messages to customers, so they come in the
customer's language; the terminal API keeps its English messages (and both keep codes)."""

import pytest
from rest_framework.test import APIClient

from loyalty.services.devices import issue_device
from tests.terminal.cashier.shop import make_shop

from .test_kiosk_otp import PHONE, Kiosk

pytestmark = pytest.mark.django_db


def test_a_kiosk_refusal_reads_in_the_customers_language():
    shop = make_shop()
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    kiosk = Kiosk(shop)
    token = kiosk.identify(phone=PHONE).json()["customer_token"]
    response = kiosk.client.post(
        "/api/v1/kiosk/coupons/NOPE-1234/claim", {}, format="json",
        HTTP_X_CUSTOMER_TOKEN=token, HTTP_ACCEPT_LANGUAGE="uk",
    )  # fmt: skip
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("coupon_not_found", "Такого купона немає.")


def test_the_terminal_api_keeps_its_english_message():
    shop = make_shop()
    _device, key = issue_device(point_of_sale=shop.pos, kind="terminal", name="Till")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/terminal/coupons/NOPE-1234", HTTP_ACCEPT_LANGUAGE="uk")
    assert response.json()["error"]["message"] == "No such coupon."
