"""/gc/<code>: a gift card's balance page (payments.md), phone-first, throttled."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from customers import ledger
from customers.models import AccountType
from giftcards.models import GiftCard
from loyalty.services.devices import issue_device
from tests.factories import AccountTypeFactory, GiftCardFactory
from tests.terminal.cashier.shop import make_shop
from tests.terminal.conftest import make_till

pytestmark = pytest.mark.django_db


def test_the_page_shows_balance_validity_and_history_without_customer_data(client):
    card = GiftCardFactory(balance=Decimal("500.00"))
    page = client.get(reverse("public:gift_card", args=[card.code.lower()]))
    assert page.status_code == 200
    text = page.content.decode()
    assert card.code in text and "500.00" in text
    assert 'data-testid="gift-card-history"' in text


def test_unknown_unsold_and_void_codes_answer_alike(client):
    stock = GiftCardFactory(state=GiftCard.State.STOCK, balance=Decimal("0.00"))
    void = GiftCardFactory(state=GiftCard.State.VOID, balance=Decimal("0.00"))
    pages = [
        client.get(reverse("public:gift_card", args=[code]))
        for code in ("GC-NONE-0000", stock.code, void.code)
    ]
    assert {p.status_code for p in pages} == {404}
    assert all(b"We could not find this code" in p.content for p in pages)


def test_gift_card_lookups_are_throttled(client, settings):
    settings.PERKLINE_PUBLIC_LOOKUP_RATE = "2/min"
    path = reverse("public:gift_card", args=["GC-GUESS-0000"])
    assert [client.get(path).status_code for _ in range(2)] == [404, 404]
    throttled = client.get(path)
    assert throttled.status_code == 429 and throttled["Retry-After"]


def test_the_terminal_gift_card_lookup_is_throttled(settings):
    settings.PERKLINE_THROTTLE_CODES = "2/min"
    till = make_till()
    statuses = [
        till.client.get("/api/v1/terminal/gift-cards/GC-GUESS-0000").status_code for _ in range(3)
    ]
    assert statuses[:2] == [404, 404] and statuses[2] == 429


def test_the_kiosk_names_each_balance_with_its_unit(client):
    shop = make_shop()
    shop.program.kiosk_requires_otp = False
    shop.program.save(update_fields=["kiosk_requires_otp"])
    AccountTypeFactory(program=shop.program, key="car-wash", name="Car washes", kind="goods")
    AccountTypeFactory(
        program=shop.program, key="wallet", name="Wallet", kind=AccountType.Kind.MONEY
    )
    for key, amount in (("car-wash", "3"), ("wallet", "50.00")):
        account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
        ledger.credit(account=account, amount=Decimal(amount))
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk")
    kiosk = APIClient()
    kiosk.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = kiosk.post(
        "/api/v1/kiosk/identify", {"card": shop.customer.card_code}, format="json"
    ).json()
    assert answer["accounts"]["car-wash"] == {
        "name": "Car washes",
        "unit": "units",
        "whole": True,
        "forms": {"one": "unit", "few": "units", "many": "units", "other": "units"},
    }
    assert answer["accounts"]["wallet"]["whole"] is False
    assert answer["accounts"]["wallet"]["unit"] == shop.business.currency
    assert answer["balances"]["car-wash"]["active"] == "3.00"
