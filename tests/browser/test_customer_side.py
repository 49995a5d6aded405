"""The customer's side on a 390x844 phone (issue 18): join by the program's link, the card
in the wallet and its Apple Wallet pass (its signature verified by openssl), a coupon given
by link to a second phone, and the kiosk (no sideways scroll at 390 and 1280 px, the device
key behind a staff action, self-service redemption)."""

import re
from decimal import Decimal

import pytest

from coupons.models import Coupon
from customers.models import Customer, Notification
from loyalty.models import Rule
from loyalty.services.devices import issue_device
from tests.factories import CouponSeriesFactory, RuleFactory
from tests.pass_ca import make_pass_ca, verify_with_openssl
from tests.terminal.cashier.shop import make_shop

from .conftest import _page
from .test_public_claim import code_sent_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, wide
    return fits


@pytest.fixture
def phone_en(browser):
    context, page = _page(
        browser,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    yield page
    context.close()


# The words each language's page shows: the button, the greeting, the welcome points and the
# decimal separator (uk writes a comma).
JOIN_WORDS = {
    "en": ("Send", "Welcome", "Welcome points on your card: 20.00 points", "20.00", "Maria"),
    # a number with decimals takes the fraction's form in uk: "20,00 бала" (core.plurals)
    "uk": ("Надіслати", "Вітаємо", "Вітальні бали на вашій картці: 20,00 бала", "20,00", "Марія"),
}


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_join_by_link_card_and_apple_wallet_pass(
    live_server, lang, request, shoot, settings, tmp_path
):
    from customers.notify.backends import ConsoleBackend

    send, hello, welcome, twenty, name = JOIN_WORDS[lang]

    ConsoleBackend.outbox.clear()
    for setting, value in make_pass_ca(tmp_path / "ca").items():
        setattr(settings, setting, value)
    shop = make_shop(name="Coffee Lab")
    shop.program.welcome_points = Decimal("20.00")
    shop.program.welcome_series = shop.series
    shop.program.save()
    page = request.getfixturevalue("phone_en" if lang == "en" else "phone")

    page.goto(f"{live_server.url}/j/{shop.business.slug}/{shop.program.key}/")
    assert twenty in page.inner_text("[data-testid=welcome]")
    assert no_sideways_scroll(page)
    shoot(page, f"join-01-page-{lang}")
    page.fill("input[name=phone]", "067 111 22 33")
    page.click(f"button:has-text('{send}')")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", code_sent_to("+380671112233"))
    page.fill("input[name=name]", name)
    page.check("input[name=consent]")
    shoot(page, f"join-02-code-{lang}")
    page.click("form:has(input[name=code]) button[type=submit]")
    page.wait_for_selector("[data-testid=card-qr]")
    assert hello in page.inner_text(".flash")
    assert welcome in page.inner_text(".flash")
    assert twenty in page.inner_text(".balances")
    assert no_sideways_scroll(page)
    shoot(page, f"join-03-wallet-{lang}")
    customer = Customer.objects.get(business=shop.business, phone="+380671112233")
    assert customer.name == name and customer.consent

    with page.expect_download() as info:
        page.click("[data-testid=add-to-wallet]")
    with open(info.value.path(), "rb") as f:
        body = f.read()
    assert "Verification successful" in verify_with_openssl(body, tmp_path / "ca")
    assert page.js_errors == []


def test_give_a_coupon_by_link_to_a_second_phone(live_server, phone_en, phone, shoot):
    from customers.notify.backends import ConsoleBackend

    ConsoleBackend.outbox.clear()
    shop = make_shop(name="Coffee Lab")
    shop.series.transferable = True
    shop.series.notify_giver = True
    shop.series.save()
    coupon = shop.wallet_coupon(shop.customer)
    giver = phone_en

    giver.goto(f"{live_server.url}/w/{shop.business.slug}/")
    giver.fill("input[name=phone]", shop.customer.phone)
    giver.click("button:has-text('Send me a code')")
    giver.fill("input[name=code]", code_sent_to(shop.customer.phone))
    giver.click("form:has(input[name=code]) button[type=submit]")
    giver.wait_for_selector("[data-testid=wallet-coupons]")
    giver.click("summary:has-text('Give to a friend')")
    shoot(giver, "gift-01-give-en")
    giver.click("[data-testid=make-gift-link]")
    link = giver.input_value("[data-testid=gift-link]")
    assert re.search(r"/t/[\w-]+$", link)
    assert no_sideways_scroll(giver)
    shoot(giver, "gift-02-link-en")

    friend = phone  # another phone, in Ukrainian
    friend.goto(link)
    assert coupon.code not in friend.content()
    shoot(friend, "gift-03-landing-uk")
    friend.fill("input[name=phone]", "067 222 33 44")
    friend.click("button:has-text('Надіслати')")
    friend.fill("input[name=code]", code_sent_to("+380672223344"))
    friend.click("form:has(input[name=code]) button[type=submit]")
    friend.wait_for_selector("[data-testid=wallet-coupons]")
    assert coupon.code in friend.inner_text("[data-testid=wallet-coupons]")
    shoot(friend, "gift-04-claimed-uk")

    giver.reload()
    assert coupon.code not in giver.content()
    shoot(giver, "gift-05-gone-en")
    assert Notification.objects.filter(customer=shop.customer, kind="gift_claimed").exists()
    assert giver.js_errors == [] and friend.js_errors == []


@pytest.mark.parametrize("size", ["phone", "tablet"])
def test_kiosk_fits_hides_the_key_and_redeems_a_self_service_coupon(
    live_server, browser, shoot, size
):
    from playwright.sync_api import expect

    viewport = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 1280, "height": 860}}
    context, page = _page(browser, viewport=viewport[size], locale="en-US")
    shop = make_shop(name="Coffee Lab")
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    shop.program.kiosk_requires_otp = False
    shop.program.save()
    shop.series.self_service = True
    shop.series.save()
    coupon = shop.wallet_coupon(shop.customer)
    dessert = CouponSeriesFactory(
        program=shop.program, business=shop.business, key="dessert", name="Free dessert",
        title={"en": "A very long dessert offer name that used to push the row sideways"},
        kiosk_price=Decimal("30.00"),
    )  # fmt: skip
    RuleFactory(
        program=shop.program, key="dessert-offer", name="Dessert for points",
        explanation="A dessert of the day with a long explanation for the customer",
        mode=Rule.Mode.KIOSK, action=Rule.Action.ISSUE_COUPON_CHECK, value=None,
        coupon_series=dessert, coupon_quantity=1,
    )  # fmt: skip

    page.goto(f"{live_server.url}/kiosk/")
    page.fill("#device-key", key)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#screen-start:not([hidden])")
    assert not page.is_visible("#forget-key")  # the key setting is staff's
    for _ in range(5):
        page.click(".kiosk__brand")
    assert page.is_visible("#forget-key")
    page.fill("#identify-value", shop.customer.card_code)
    page.click("#by-card")
    page.wait_for_selector("#screen-home:not([hidden])")
    expect(page.locator("#offers")).to_contain_text("Buy")
    assert no_sideways_scroll(page)
    shoot(page, f"kiosk-fit-{size}")

    page.click("[data-testid=use-coupon]")
    page.wait_for_selector("#screen-use:not([hidden])")
    page.click("#use-yes")
    expect(page.locator("[data-testid=used-code]")).to_have_text(coupon.code)
    assert no_sideways_scroll(page)
    shoot(page, f"kiosk-used-{size}")
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.REDEEMED
    assert page.js_errors == []
    context.close()
