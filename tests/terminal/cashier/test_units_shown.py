"""Prepaid units are whole units wherever a balance shows (cashier's customer panel, the
check's totals, the receipt, the customer's wallet page): "3", never "3.00"."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from customers import ledger
from customers.models import AccountType
from tests.factories import AccountTypeFactory

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def stocked(shop):
    AccountTypeFactory(
        program=shop.program,
        key="coffee-card",
        name="Coffee card",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["LATTE"]},
    )
    AccountTypeFactory(program=shop.program, key="wallet", name="Wallet")
    for key, amount in (("coffee-card", "3"), ("wallet", "50.00")):
        account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
        ledger.credit(account=account, amount=D(amount))
    return shop


def text_of(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


def test_the_customer_panel_shows_units_whole_and_money_with_cents(till, stocked):
    html = till.get(reverse("cashier:api_customer"), {"id": stocked.customer.pk}).json()["html"]
    assert text_of(html, "balance-coffee-card") == "3"
    assert text_of(html, "balance-wallet") == "50.00"


def test_the_totals_and_the_receipt_show_the_units_left_whole(till, stocked):
    body = {
        "lines": [{"code": "LATTE", "quantity": "1"}],
        "customer_id": stocked.customer.pk,
        "payments": [{"account": "coffee-card", "units": "1"}],
    }
    evaluated = till.post(reverse("cashier:api_evaluate"), body, content_type="application/json")
    assert evaluated.status_code == 200, evaluated.json()
    assert text_of(evaluated.json()["html"], "payment-left") == "left 2 units"

    confirmed = till.post(
        reverse("cashier:api_confirm"), {**body, "token": "t-1"}, content_type="application/json"
    )
    assert confirmed.status_code == 201, confirmed.json()
    receipt = till.get(confirmed.json()["receipt_url"]).content.decode()
    assert text_of(receipt, "balance-after") == "2 units"
    assert "Coffee card" in receipt  # the account's name, not its key


def test_the_wallet_page_shows_units_whole(client, stocked):
    from tests.terminal.public.conftest import last_code

    url = reverse("public:wallet", args=[stocked.business.slug])
    client.post(url, {"step": "send", "phone": stocked.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(stocked.customer.phone)})
    html = client.get(url).content.decode()
    assert re.search(r"<dt>Coffee card</dt><dd><strong>3</strong>", html), html
    assert re.search(r"<dt>Wallet</dt><dd><strong>50.00</strong>", html)
