"""payments.md on the cashier page: a units account is offered on the check's lines it pays
for ("Pay with Car washes (2)"), and the control adds that units payment to the check."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers import ledger
from customers.models import AccountType
from customers.selectors import balances, check_ledger
from loyalty.models import Sale
from tests.factories import AccountTypeFactory, GoodsCategoryFactory, GoodsFactory
from tests.terminal.cashier.shop import make_shop

from .test_cashier_flow import open_till

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_units_are_offered_on_the_lines_they_cover_and_pay_them(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    washes = GoodsCategoryFactory(business=shop.business, code="washes", name="Washes")
    GoodsFactory(business=shop.business, code="WASH", title="Car wash", price=D("200.00"))
    GoodsFactory(
        business=shop.business, code="WAX", title="Wax wash", price=D("300.00"), category=washes
    )
    AccountTypeFactory(
        program=shop.program,
        key="car-wash",
        name="Car washes",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH"], "categories": ["washes"]},
    )
    account = ledger.get_account(customer=shop.customer, program=shop.program, key="car-wash")
    ledger.credit(account=account, amount=D("3"))
    page = tablet
    open_till(page, live_server)
    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector("[data-testid=spendable-accounts]")

    for n, code in enumerate(("WASH", "LATTE", "WAX"), start=1):
        page.fill("#goods-search", code)
        page.press("#goods-search", "Enter")
        page.wait_for_selector(f"#lines tr:nth-child({n})")
    page.locator("#lines tr:nth-child(1) input.input--qty").fill("2")

    lines = page.locator("#lines tr")
    # the wash (by its code) and the wax wash (by its category), never the latte
    expect(lines.nth(0).locator(".pay-units")).to_have_text("Pay with Car washes (2)")
    expect(lines.nth(1).locator(".pay-units")).to_have_count(0)
    expect(lines.nth(2).locator(".pay-units")).to_have_text("Pay with Car washes (1)")
    shoot(page, "cashier-units-01-offered")

    lines.nth(0).locator(".pay-units").click()
    expect(page.locator("#pay-car-wash")).to_have_value("2")
    expect(lines.nth(0).locator(".pay-units")).to_have_count(0)  # taken
    # 3 units held, 2 taken: one left for the wax wash
    expect(lines.nth(2).locator(".pay-units")).to_have_text("Pay with Car washes (1)")
    lines.nth(2).locator(".pay-units").click()
    expect(page.locator("#pay-car-wash")).to_have_value("3")
    expect(page.locator(".pay-units")).to_have_count(0)  # nothing left to offer
    # 2 x 200.00 + 300.00 by units; the latte (60.00) in money
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("60.00")
    expect(page.locator("[data-testid=payment-left]")).to_contain_text("left 0 units")
    shoot(page, "cashier-units-02-paid")
    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")

    expect(page.locator("[data-testid=receipt-payments]")).to_contain_text("(3 units)")
    sale = Sale.objects.filter(customer=shop.customer).get()
    assert sale.money_to_pay == D("60.00")
    assert balances(customer=shop.customer, program=shop.program)["car-wash"]["active"] == D("0")
    assert check_ledger() == []
    assert page.js_errors == []


def test_the_control_speaks_ukrainian(live_server, tablet):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    GoodsFactory(business=shop.business, code="WASH", title="Car wash", price=D("200.00"))
    AccountTypeFactory(
        program=shop.program,
        key="car-wash",
        name="Мийки",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH"]},
    )
    account = ledger.get_account(customer=shop.customer, program=shop.program, key="car-wash")
    ledger.credit(account=account, amount=D("5"))
    page = tablet
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])
    open_till_uk(page, live_server)
    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector("[data-testid=spendable-accounts]")
    page.fill("#goods-search", "WASH")
    page.press("#goods-search", "Enter")
    expect(page.locator("#lines .pay-units")).to_have_text("Оплатити: Мийки (1)")
    page.click("#lines .pay-units")
    expect(page.locator("[data-testid=payment-left]")).to_contain_text("залишок 4 одиниці")
    assert page.js_errors == []


def open_till_uk(page, live_server):
    from .test_cashier_flow import PASSWORD

    page.goto(f"{live_server.url}/login/?next=/terminal/")
    page.fill("input[name=username]", "cashier@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/terminal/pos/")
    page.locator("button", has_text="Center").click()
    page.wait_for_url("**/terminal/check/")
