"""payments.md on the cashier page: a cashier sells a gift card, then pays a check with it,
with the customer's wallet and with car-wash units; the receipt shows the balances after."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers import ledger
from customers.models import AccountType
from customers.selectors import balances, check_ledger
from giftcards.models import GiftCard
from loyalty.models import Sale
from tests.factories import AccountTypeFactory, GiftCardSeriesFactory, GoodsFactory
from tests.terminal.cashier.shop import make_shop

from .test_cashier_flow import open_till

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal


def test_cashier_sells_a_gift_card_then_pays_with_it_the_wallet_and_units(
    live_server, tablet, shoot
):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    GoodsFactory(business=shop.business, code="WASH", title="Car wash", price=D("200.00"))
    AccountTypeFactory(program=shop.program, key="wallet", name="Wallet", kind="money")
    AccountTypeFactory(
        program=shop.program,
        key="car-wash",
        name="Car washes",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH"]},
    )
    GiftCardSeriesFactory(program=shop.program, key="gift", name="Gift card")
    for key, amount in (("wallet", "100.00"), ("car-wash", "3")):
        account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
        ledger.credit(account=account, amount=D(amount))
    page = tablet
    open_till(page, live_server)

    # 1. An anonymous check: a latte and a gift card of 500.00.
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(1)")
    page.select_option("#sell-series", "gift")
    page.fill("#sell-amount", "500")
    page.click("#sell-form button[type=submit]")
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("560.00")
    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    code = page.inner_text("[data-testid=sold-code]").strip()
    card = GiftCard.objects.get(code=code)
    assert card.balance == D("500.00")
    shoot(page, "cashier-payments-01-gift-card-sold")

    # 2. Olena pays a wash and a latte: 1 wash from her units, 20.00 from her wallet and
    #    30.00 from the new gift card; the rest in cash.
    page.get_by_role("link", name="New check").first.click()
    page.wait_for_url("**/terminal/check/")
    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector("[data-testid=spendable-accounts]")
    page.fill("#goods-search", "WASH")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(1)")
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:nth-child(2)")
    page.fill("#pay-car-wash", "1")
    page.fill("#pay-wallet", "20")
    page.fill("#gift-card-code", code)
    page.fill("#gift-card-amount", "30")
    page.click("#gift-card-form button[type=submit]")
    # 260.00 to pay: 200.00 by a unit, 20.00 wallet, 30.00 gift card, 10.00 left.
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("10.00")
    shoot(page, "cashier-payments-02-check")
    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")

    receipt = page.locator("[data-testid=receipt-payments]")
    expect(receipt).to_contain_text("Car washes")  # the account's name, not its key
    expect(receipt).to_contain_text(code)
    after = page.locator("[data-testid=balance-after]").all_inner_texts()
    assert after == ["2 units", "80.00", "470.00"]
    shoot(page, "cashier-payments-03-receipt")

    sale = Sale.objects.filter(customer=shop.customer).get()
    assert sale.money_to_pay == D("10.00")
    held = balances(customer=shop.customer, program=shop.program)
    assert (held["wallet"]["active"], held["car-wash"]["active"]) == (D("80.00"), D("2"))
    card.refresh_from_db()
    assert card.balance == D("470.00")
    assert check_ledger() == []
    assert page.js_errors == []
