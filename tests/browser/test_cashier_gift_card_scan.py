"""The cashier page's "Scan" beside the gift-card field: the till's camera scan
(BarcodeDetector) puts a gift card's code, or the code of its /gc/ link, in the gift-card
field; the check is then paid with it. The camera and the detector are stand-ins that
"see" the given text."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.selectors import check_ledger
from tests.factories import GiftCardFactory
from tests.terminal.cashier.shop import make_shop

from .test_cashier_flow import open_till

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal

# A camera: a canvas stream; a detector: finds `window.__scanned` in any frame.
FAKE_CAMERA = """
window.__scanned = "";
window.BarcodeDetector = class {
  constructor(options) { this.options = options; }
  detect() { return Promise.resolve(window.__scanned ? [{ rawValue: window.__scanned }] : []); }
};
navigator.mediaDevices.getUserMedia = function () {
  var canvas = document.createElement("canvas");
  canvas.width = 8; canvas.height = 8;
  canvas.getContext("2d").fillRect(0, 0, 8, 8);
  return Promise.resolve(canvas.captureStream(5));
};
"""


def latte(page):
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(1)")


@pytest.mark.parametrize("scanned", ["code", "link"])
def test_a_scanned_gift_card_pays_the_check(live_server, tablet, scanned):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    card = GiftCardFactory(series__program=shop.program, balance=D("100.00"))
    page = tablet
    page.add_init_script(FAKE_CAMERA)
    open_till(page, live_server)
    latte(page)

    expect(page.locator("#gift-card-scan")).to_be_visible()
    page.click("#gift-card-scan")
    expect(page.locator("#scanner")).to_be_visible()
    seen = card.code if scanned == "code" else f"{live_server.url}/gc/{card.code}"
    page.evaluate("text => { window.__scanned = text; }", seen)
    expect(page.locator("#scanner")).to_be_hidden()
    expect(page.locator("#gift-card-code")).to_have_value(seen)
    expect(page.locator("#gift-card-amount")).to_be_focused()

    page.fill("#gift-card-amount", "25")
    page.click("#gift-card-form button[type=submit]")
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("35.00")
    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    card.refresh_from_db()
    assert card.balance == D("75.00")
    assert check_ledger() == []
    assert page.js_errors == []


def test_the_customer_scan_routes_a_gift_card_link_to_the_gift_card_field(live_server, tablet):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    card = GiftCardFactory(series__program=shop.program, balance=D("100.00"))
    page = tablet
    page.add_init_script(FAKE_CAMERA)
    open_till(page, live_server)

    page.click("#scan")
    link = f"{live_server.url}/gc/{card.code}"
    page.evaluate("text => { window.__scanned = text; }", link)
    expect(page.locator("#gift-card-code")).to_have_value(link)
    expect(page.locator("#identify-value")).to_have_value("")  # not taken for a customer card
    assert page.js_errors == []
