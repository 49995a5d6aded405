"""A cashier logs in, identifies a customer, rings up a check with a coupon and points,
confirms, sees the receipt and cancels the sale."""

import pytest
from playwright.sync_api import expect

from customers.selectors import spendable_points
from loyalty.models import Sale
from tests.terminal.cashier.shop import PASSWORD, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_till(page, live_server, shoot=None):
    """The cashier signs in and opens the check page at the point of sale "Center"."""
    page.goto(f"{live_server.url}/login/?next=/terminal/")
    page.fill("input[name=username]", "cashier@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/terminal/pos/")
    if shoot:
        shoot(page, "cashier-01-choose-pos")
    page.get_by_role("button", name="Center").click()
    page.wait_for_url("**/terminal/check/")


def test_cashier_rings_up_confirms_and_cancels(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    coupon = shop.wallet_coupon(shop.customer)
    page = tablet

    open_till(page, live_server, shoot)

    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector(".customer__name")
    assert "Olena" in page.inner_text("#customer")

    page.fill("#goods-search", "lat")
    page.click(".search__item:has-text('Latte')")
    page.fill("#goods-search", "CROISSANT")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(2)")
    page.fill("#lines tr:first-child input", "2")

    page.click(f".use-coupon[data-code='{coupon.code}']")
    page.fill("#points", "20")
    # A locator wait, not wait_for_function: a string predicate is an eval the CSP forbids.
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("128.50")
    shoot(page, "cashier-02-check")

    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    sale = Sale.objects.get()
    assert (sale.points_paid, sale.money_to_pay) == (20, sale.amount_to_pay - 20)
    assert "Receipt" in page.inner_text("h1")
    shoot(page, "cashier-03-receipt")

    page.get_by_role("link", name="Today's sales").first.click()
    page.wait_for_selector("[data-testid=sales]")
    shoot(page, "cashier-04-sales")
    page.click("[data-testid=sales] .btn--danger")
    page.wait_for_url("**/cancel/")
    shoot(page, "cashier-05-cancel-confirm")
    page.fill("#id_reason", "The customer changed their mind")
    page.click("button:has-text('Yes, cancel the sale')")
    page.wait_for_selector("[data-testid=cancelled]")
    shoot(page, "cashier-06-cancelled")
    sale.refresh_from_db()
    assert sale.status == Sale.CANCELLED
    assert spendable_points(customer=shop.customer, program=shop.program) == 100
    assert page.js_errors == []


def test_a_failed_search_clears_the_customer_before_the_confirm(live_server, tablet, shoot):
    from playwright.sync_api import expect  # the browser fixture skips when it is missing

    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    page = tablet
    open_till(page, live_server)

    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector(".customer__name")
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    # The cashback rule credits an identified customer: the check shows their points.
    page.wait_for_selector("#result :text('Credits')")

    page.fill("#identify-value", "050 999 88 77")  # nobody has this phone
    page.click("#identify button[type=submit]")
    page.wait_for_selector("#customer-error:has-text('No such customer.')")
    # The customer is gone from the panel and the check is evaluated again as anonymous.
    page.wait_for_selector("#customer :text('Anonymous check')")
    expect(page.locator("#result")).not_to_contain_text("Credits")
    assert "Olena" not in page.inner_text("#customer")
    assert page.is_hidden("#customer-clear")
    assert page.is_disabled("#points")
    shoot(page, "cashier-07-failed-search")

    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    sale = Sale.objects.get()
    assert sale.customer_id is None
    assert not sale.entries.exists()  # no points credited to anyone
    assert spendable_points(customer=shop.customer, program=shop.program) == 100
    assert page.js_errors == []


def test_a_search_typed_before_enter_does_not_take_the_focus_back(live_server, tablet):
    """Enter picks the item at once; the search the typing had scheduled must not fire later
    and pull the focus into the search box while the cashier types the points (a CI failure:
    the "20" points went into the search box and the check stayed without them)."""
    make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    page = tablet
    open_till(page, live_server)
    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector(".customer__name")

    page.fill("#goods-search", "CROISSANT")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(1)")
    page.focus("#points")
    page.wait_for_timeout(400)  # past the search's 180 ms pause
    assert page.evaluate("document.activeElement.id") == "points"
    page.keyboard.type("20")
    assert page.input_value("#points") == "20"
    assert page.input_value("#goods-search") == ""
    assert page.js_errors == []
