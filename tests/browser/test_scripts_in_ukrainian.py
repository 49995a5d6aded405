"""Issue 21: what the page scripts (static/terminal/till.js, grid.js, kiosk.js) write on screen
is Ukrainian on uk pages. The till and the kiosk are walked through their main flows in uk
and, at each step, the page as the script left it (hidden parts too) holds no English word
outside the business's own data and the names and formats tests/deploy/test_every_page.py
allows."""

import re

import pytest
from playwright.sync_api import expect

from customers.models import Notification
from loyalty.services.devices import issue_device
from tests.browser.test_cashier_flow import open_till
from tests.deploy.test_every_page import ALLOWED, english_on, typed_words
from tests.factories import PosFavouriteFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Reader:
    def __init__(self, page, business):
        self.page = page
        self.allowed = ALLOWED | typed_words(business)
        self.problems = []

    def check(self, step):
        for text in english_on(self.page.content(), self.allowed):
            self.problems.append(f"{step}: {text[:120]}")


def in_ukrainian(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])


def test_the_till_speaks_ukrainian(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    PosFavouriteFactory(point_of_sale=shop.pos, goods=shop.goods["CROISSANT"])
    page = tablet
    in_ukrainian(page, live_server)
    open_till(page, live_server)
    reader = Reader(page, shop.business)
    reader.check("the check page")

    page.fill("#identify-value", "050 999 00 00")  # nobody: refused
    page.click("#identify button[type=submit]")
    expect(page.locator("#customer-error")).to_be_visible()
    reader.check("an unknown phone")

    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector(".customer__name")
    reader.check("the customer")

    page.fill("#goods-search", "lat")
    # Prices the script writes read as uk figures do ("60,00"), not "60.00".
    expect(page.locator(".search__item:has-text('Latte') .num")).to_have_text("60,00")
    page.click(".search__item:has-text('Latte')")
    expect(page.locator("#lines tr:first-child td:nth-child(2)")).to_have_text("60,00")
    page.locator("#item-grid .item-grid__item", has_text="Croissant").first.click()
    expect(page.locator("#lines tr")).to_have_count(2)
    page.fill("#goods-search", "zzz")
    expect(page.locator("#goods-results")).to_be_visible()
    reader.check("the search finding nothing")
    page.fill("#goods-search", "")
    expect(page.locator("[data-testid=money-to-pay]")).to_be_visible()
    reader.check("the evaluated check")

    page.fill("#coupon-code", "NOPE-0000")
    page.click("#coupon-form button[type=submit]")
    expect(page.locator("#coupon-error")).to_be_visible()
    expect(page.locator("#coupon-error")).not_to_contain_text("…")
    reader.check("an unknown coupon")
    page.fill("#certificate-code", "NOPE-0000")
    page.click("#certificate-form button[type=submit]")
    expect(page.locator("#certificate-message")).to_be_visible()
    reader.check("an unknown certificate")
    page.fill("#points", "10")
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("95")
    reader.check("points")
    shoot(page, "uk-till-01-check")

    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    reader.check("the receipt")
    shoot(page, "uk-till-02-receipt")
    assert not reader.problems, "English on the uk till:\n" + "\n".join(reader.problems)
    assert page.js_errors == []


def test_the_kiosk_speaks_ukrainian(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab")
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    shop.wallet_coupon(shop.customer)
    page = tablet
    in_ukrainian(page, live_server)
    page.goto(f"{live_server.url}/kiosk/")
    page.wait_for_selector("#screen-setup:not([hidden])")
    reader = Reader(page, shop.business)
    reader.check("set-up")
    page.fill("#device-key", key)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#screen-start:not([hidden])")
    reader.check("start")

    page.click("#by-card")  # nothing typed
    expect(page.locator("#kiosk-error")).to_be_visible()
    reader.check("nothing typed")
    page.fill("#identify-value", "NOBODY-1")
    page.click("#by-card")
    expect(page.locator("#kiosk-error")).not_to_have_text(re.compile("^$|Enter|Введіть"))
    reader.check("an unknown card")

    page.fill("#identify-value", shop.customer.card_code)
    page.click("#by-card")
    page.wait_for_selector("#screen-otp:not([hidden])")
    reader.check("the one-time code asked")
    sms = Notification.objects.filter(recipient=shop.customer.phone, kind="one_time_code")
    code = re.search(r"\d{6}", sms.latest("pk").body).group(0)
    page.fill("#otp-code", f"{(int(code) + 1) % 10**6:06d}")
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#kiosk-error:not([hidden])")
    reader.check("a wrong code")
    page.fill("#otp-code", code)
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#screen-home:not([hidden])")
    reader.check("the customer's home")
    # The script's figures, dates and coupon titles are Ukrainian too: the series' uk title,
    # not its key ("Welcome"); "100,00 бала" (a number with decimals takes the fraction's
    # form, not "бали"); the date in uk's short format, as every page writes it.
    expect(page.locator("[data-testid=balance-bonus]")).to_contain_text("100,00 бала")
    wallet = page.locator("#wallet .wallet__item").first
    expect(wallet).to_contain_text("Вітальна знижка 10%")
    expect(wallet).not_to_contain_text("Welcome")
    expect(wallet).to_contain_text(re.compile(r"діє до \d{2}\.\d{2}\.\d{4}"))
    shoot(page, "uk-kiosk-01-home")
    assert not reader.problems, "English on the uk kiosk:\n" + "\n".join(reader.problems)
    assert page.js_errors == []
