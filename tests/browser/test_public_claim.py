"""A customer claims a coupon on the public page with a one-time code read from the console
notification backend's outbox."""

import re
import time

import pytest

from coupons.models import Coupon
from customers.models import Customer
from customers.notify.backends import ConsoleBackend
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_sent_to(phone, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(ConsoleBackend.outbox):
            if message.recipient == phone and message.kind == "one_time_code":
                return re.search(r"\d{6}", message.body).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no one-time code was sent to {phone}")


def test_customer_claims_a_coupon_with_a_one_time_code(live_server, phone, shoot):
    ConsoleBackend.outbox.clear()
    shop = make_shop(name="Coffee Lab")
    coupon = shop.free_coupon()
    page = phone

    page.goto(f"{live_server.url}/c/{coupon.code}")
    assert "Вітальна знижка 10%" in page.inner_text("h1")  # the phone's language
    shoot(page, "public-01-coupon")
    page.fill("input[name=phone]", "067 765 43 21")
    page.click("button:has-text('Надіслати')")
    page.wait_for_selector("input[name=code]")
    shoot(page, "public-02-code")
    page.fill("input[name=code]", code_sent_to("+380677654321"))
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_selector("[data-testid=success]")
    shoot(page, "public-03-claimed")

    coupon.refresh_from_db()
    customer = Customer.objects.get(business=shop.business, phone="+380677654321")
    assert (coupon.state, coupon.customer) == (Coupon.State.IN_WALLET, customer)

    page.click("a:has-text('гаманець')")
    page.wait_for_selector("[data-testid=wallet-coupons]")
    assert coupon.code in page.inner_text("[data-testid=wallet-coupons]")
    shoot(page, "public-04-wallet")
    assert page.js_errors == []
