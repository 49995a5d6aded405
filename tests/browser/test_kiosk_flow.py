"""A kiosk customer identifies by card, confirms the one-time code sent to their phone,
activates a certificate and buys an offer with points, on the kiosk page that talks only to
the kiosk API."""

import re
from decimal import Decimal

import pytest

from coupons.models import Coupon
from customers.models import Notification
from customers.selectors import spendable_points
from loyalty.models import Rule
from loyalty.services.devices import issue_device
from tests.factories import CouponSeriesFactory, RuleFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kiosk_card_certificate_and_offer(live_server, tablet, shoot):
    from playwright.sync_api import expect  # here: without Playwright the fixtures skip

    shop = make_shop(name="Coffee Lab")
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    cert = shop.certificate(title={"en": "Spring gift"})
    dessert = CouponSeriesFactory(
        program=shop.program,
        business=shop.business,
        key="free-dessert",
        name="Free dessert",
        title={"en": "Free dessert", "uk": "Безкоштовний десерт"},
        kiosk_price=Decimal("30.00"),
    )
    RuleFactory(
        program=shop.program,
        key="dessert-offer",
        name="Dessert for points",
        explanation="A dessert for 30 points",
        mode=Rule.Mode.KIOSK,
        action=Rule.Action.ISSUE_COUPON_CHECK,
        value=None,
        coupon_series=dessert,
        coupon_quantity=1,
    )
    page = tablet

    page.goto(f"{live_server.url}/kiosk/")
    page.wait_for_selector("#screen-setup:not([hidden])")
    page.fill("#device-key", key)
    shoot(page, "kiosk-01-setup")
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#screen-start:not([hidden])")
    page.fill("#identify-value", shop.customer.card_code)
    shoot(page, "kiosk-02-start")
    page.click("#by-card")
    # The program asks for a one-time code (the default): a card asks for it too, and the
    # page shows nothing of the customer but where the code went (R11).
    page.wait_for_selector("#screen-otp:not([hidden])")
    assert "+380…233" in page.inner_text("#otp-sent-to")
    html = page.content()
    assert "Olena" not in html and "100.00" not in html and shop.customer.card_code not in html
    shoot(page, "kiosk-03-code")
    sms = Notification.objects.filter(recipient=shop.customer.phone, kind="one_time_code")
    code = re.search(r"\d{6}", sms.latest("pk").body).group(0)
    page.fill("#otp-code", f"{(int(code) + 1) % 10**6:06d}")
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#kiosk-error:not([hidden])")
    assert "wrong" in page.inner_text("#kiosk-error")
    assert page.is_visible("#screen-otp")
    page.fill("#otp-code", code)
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#screen-home:not([hidden])")
    assert "Olena" in page.inner_text("#hello")
    assert "100.00" in page.inner_text("#balances")
    assert "Free dessert" in page.inner_text("#offers")
    shoot(page, "kiosk-04-home")

    page.fill("#certificate-code", cert.public_code)
    page.click("#certificate-form button[type=submit]")
    page.wait_for_selector("#kiosk-notice:not([hidden])")
    assert "2 coupons have been added to your wallet" in page.inner_text("#kiosk-notice")
    # Locator waits, not wait_for_function: a string predicate is an eval the CSP forbids.
    expect(page.locator("#wallet .wallet__item")).to_have_count(2)
    shoot(page, "kiosk-05-certificate")

    page.click("#offers button:has-text('Buy')")
    expect(page.locator("#balances")).to_contain_text("70.00")
    expect(page.locator("#wallet .wallet__item")).to_have_count(3)
    shoot(page, "kiosk-06-bought")
    assert spendable_points(customer=shop.customer, program=shop.program) == Decimal("70.00")
    assert Coupon.objects.filter(series=dessert, customer=shop.customer).count() == 1

    page.click("#done-bottom")
    page.wait_for_selector("#screen-start:not([hidden])")
    assert page.input_value("#identify-value") == ""
    assert "Olena" not in page.content()  # the last customer left nothing in the page
    assert page.js_errors == []
