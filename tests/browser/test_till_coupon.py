"""Issue 21: a mistyped coupon code is refused as it is entered (no silent chip); a right
one becomes a chip at once."""

import pytest
from playwright.sync_api import expect

from tests.terminal.cashier.shop import make_shop

from .test_cashier_flow import open_till

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coupon_field_checks_the_code_at_once(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    coupon = shop.free_coupon()
    open_till(tablet, live_server)

    tablet.fill("#coupon-code", "NOPE-1234")
    tablet.press("#coupon-code", "Enter")
    expect(tablet.locator("#coupon-error")).to_have_text("No such coupon.")
    expect(tablet.locator("#coupons .chip")).to_have_count(0)
    assert tablet.input_value("#coupon-code") == "NOPE-1234"  # kept, to be corrected
    shoot(tablet, "till-coupon-typo")

    tablet.fill("#coupon-code", coupon.code)
    tablet.press("#coupon-code", "Enter")
    expect(tablet.locator("#coupons .chip")).to_have_count(1)
    expect(tablet.locator("#coupon-error")).to_be_hidden()
    assert tablet.js_errors == []
