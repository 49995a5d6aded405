"""Prepaid units read as words with their plural, in English and Ukrainian ("1 unit",
"2 units"; "1 одиниця", "3 одиниці", "5 одиниць"), and are whole wherever a balance shows:
the check's totals, the receipt's payments and its "Balance after this sale", the cashier's
customer panel, the wallet page and the kiosk's labels."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from customers import ledger
from customers.models import AccountType
from loyalty.services.devices import issue_device
from tests.factories import AccountTypeFactory

pytestmark = pytest.mark.django_db
D = Decimal


def stock(shop, units: str):
    AccountTypeFactory(
        program=shop.program,
        key="coffee-card",
        name="Coffee card",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["LATTE"]},
    )
    account = ledger.get_account(customer=shop.customer, program=shop.program, key="coffee-card")
    ledger.credit(account=account, amount=D(units))
    return shop


def text_of(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def pay_one(till, shop, token="t-1"):
    body = {
        "lines": [{"code": "LATTE", "quantity": "1"}],
        "customer_id": shop.customer.pk,
        "payments": [{"account": "coffee-card", "units": "1"}],
    }
    evaluated = till.post(reverse("cashier:api_evaluate"), body, content_type="application/json")
    assert evaluated.status_code == 200, evaluated.json()
    confirmed = till.post(
        reverse("cashier:api_confirm"), {**body, "token": token}, content_type="application/json"
    )
    assert confirmed.status_code == 201, confirmed.json()
    receipt = till.get(confirmed.json()["receipt_url"]).content.decode()
    return evaluated.json()["html"], receipt


def balances_after(receipt):
    block = re.search(r'data-testid="balances-after">(.*?)</dl>', receipt, re.S).group(1)
    return {
        dt.strip(): re.sub(r"\s+", " ", dd).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    }


def test_one_unit_paid_and_the_units_left_read_in_the_singular_and_plural(till, shop):
    evaluated, receipt = pay_one(till, stock(shop, "3"))
    assert "1 unit<" in evaluated and "1 units" not in evaluated
    assert text_of(evaluated, "payment-left") == "left 2 units"
    assert "(1 unit)" in receipt and "1 units" not in receipt
    assert text_of(receipt, "balance-after") == "2 units"
    # "Balance after this sale": the units whole, with their word; points keep their cents
    after = balances_after(receipt)
    assert after["Coffee card"] == "2 units"
    assert "2.00" not in after["Coffee card"]


def test_the_last_unit_left_is_one_unit(till, shop):
    _evaluated, receipt = pay_one(till, stock(shop, "2"))
    assert text_of(receipt, "balance-after") == "1 unit"
    assert balances_after(receipt)["Coffee card"] == "1 unit"


@pytest.mark.parametrize(
    ("held", "left_word"),
    [("2", "1 одиниця"), ("4", "3 одиниці"), ("6", "5 одиниць"), ("12", "11 одиниць")],
)
def test_units_left_in_ukrainian_take_the_plural_form_of_their_number(till, shop, held, left_word):
    till.cookies["django_language"] = "uk"
    evaluated, receipt = pay_one(till, stock(shop, held))
    assert "(1 одиниця)" in receipt
    assert text_of(receipt, "balance-after") == left_word
    assert balances_after(receipt)["Coffee card"] == left_word
    assert text_of(evaluated, "payment-left") == f"залишок {left_word}"


def test_the_customer_panel_names_one_unit_in_the_singular(till, shop):
    stock(shop, "1")
    html = till.get(reverse("cashier:api_customer"), {"id": shop.customer.pk}).json()["html"]
    assert text_of(html, "balance-coffee-card") == "1"
    assert re.search(r'balance-coffee-card">1</strong> <span class="muted small">unit</span>', html)
    assert "1 unit<" in html and "1 units" not in html  # "Pay from balances"


def test_the_wallet_page_names_units_with_their_plural(client, shop):
    from tests.terminal.public.conftest import last_code

    stock(shop, "1")
    url = reverse("public:wallet", args=[shop.business.slug])
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    html = client.get(url).content.decode()
    shown = r'<dt>Coffee card</dt><dd><strong>1</strong> <span class="muted small">unit<'
    assert re.search(shown, html), html


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("en", {"one": "unit", "few": "units", "many": "units", "other": "units"}),
        ("uk", {"one": "одиниця", "few": "одиниці", "many": "одиниць", "other": "одиниці"}),
    ],
)
def test_the_kiosk_gets_the_unit_word_for_each_plural_form(shop, language, forms):
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    stock(shop, "5")
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk")
    kiosk = APIClient()
    kiosk.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = kiosk.post(
        "/api/v1/kiosk/identify",
        {"card": shop.customer.card_code},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    ).json()
    label = answer["accounts"]["coffee-card"]
    assert label["whole"] is True
    assert label["forms"] == forms
    assert answer["balances"]["coffee-card"]["active"] == "5.00"
    # points have their words too: a number with decimals takes "other" (uk "100,00 бала")
    points = {
        "en": {"one": "point", "few": "points", "many": "points", "other": "points"},
        "uk": {"one": "бал", "few": "бали", "many": "балів", "other": "бала"},
    }
    assert answer["accounts"]["bonus"]["forms"] == points[language]
