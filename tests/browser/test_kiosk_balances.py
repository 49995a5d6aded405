"""payments.md: the kiosk shows every balance the customer holds with its unit, as the
wallet page does: points, prepaid money in the currency, prepaid units whole with the word's
plural form ("1 unit", "5 units"; uk "1 одиниця", "5 одиниць")."""

from decimal import Decimal

import pytest

from customers import ledger
from customers.models import AccountType
from loyalty.services.devices import issue_device
from tests.factories import AccountTypeFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stocked_shop():
    shop = make_shop(name="Coffee Lab")
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    AccountTypeFactory(program=shop.program, key="wallet", name="Wallet", kind="money")
    for key, name in (("car-wash", "Car washes"), ("coffee", "Coffee card")):
        AccountTypeFactory(program=shop.program, key=key, name=name, kind=AccountType.Kind.GOODS)
    for key, amount in (("wallet", "50.00"), ("car-wash", "1"), ("coffee", "5")):
        account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
        ledger.credit(account=account, amount=Decimal(amount))
    return shop


def identify(page, live_server, shop):
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    page.goto(f"{live_server.url}/kiosk/")
    page.wait_for_selector("#screen-setup:not([hidden])")
    page.fill("#device-key", key)
    page.click("#setup-form button[type=submit]")
    page.wait_for_selector("#screen-start:not([hidden])")
    page.fill("#identify-value", shop.customer.card_code)
    page.click("#by-card")
    page.wait_for_selector("#screen-home:not([hidden])")


def shown(page, key):
    return " ".join(page.inner_text(f"[data-testid=balance-{key}]").split())


def test_the_kiosk_shows_each_balance_with_its_unit(live_server, tablet, shoot):
    shop = stocked_shop()
    identify(tablet, live_server, shop)
    assert shown(tablet, "car-wash") == "1 unit"
    assert shown(tablet, "coffee") == "5 units"
    assert shown(tablet, "wallet") == f"50.00 {shop.business.currency}"
    assert shown(tablet, "bonus").startswith("100.00 points")
    names = tablet.locator("#balances dt").all_text_contents()  # shown in capitals by CSS
    assert names == ["Points", "Car washes", "Coffee card", "Wallet"]
    shoot(tablet, "kiosk-balances-en")
    assert tablet.js_errors == []


def test_the_kiosk_names_units_in_ukrainian(live_server, tablet):
    shop = stocked_shop()
    tablet.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])
    identify(tablet, live_server, shop)
    assert shown(tablet, "car-wash") == "1 одиниця"
    assert shown(tablet, "coffee") == "5 одиниць"
    assert tablet.js_errors == []
