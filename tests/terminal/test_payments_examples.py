"""The worked examples of payments.md, through the terminal API."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers import ledger
from customers.models import AccountType
from customers.selectors import balances, check_ledger
from giftcards.models import GiftCard
from tests.factories import (
    AccountTypeFactory,
    CustomerFactory,
    EnrolmentFactory,
    GiftCardFactory,
    GiftCardSeriesFactory,
)

from .conftest import item

pytestmark = pytest.mark.django_db
D = Decimal
PHONE = "+380501234567"
LATTE = ("LATTE", "60.00", "coffee")
WASH = ("WASH", "200.00", "wash")


@pytest.fixture
def shop(till):
    """payments.md's program: R1 10% off all goods, R2 5% of the check to bonus; a wallet
    (money) and car-wash units paying for WASH; the series `gift`."""
    till.rule(key="r1", action="discount_goods_percent", value=D("10"), priority=10)
    till.rule(key="r2", action="credit_check_percent", value=D("5"), priority=20)
    AccountTypeFactory(program=till.program, key="wallet", kind=AccountType.Kind.MONEY)
    AccountTypeFactory(
        program=till.program,
        key="car-wash",
        name="Car wash",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH"]},
    )
    GiftCardSeriesFactory(program=till.program, key="gift")
    till.customer = CustomerFactory(business=till.business, phone=PHONE)
    EnrolmentFactory(customer=till.customer, business=till.business, program=till.program)
    return till


def fill(shop, key, amount, **extra):
    account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
    ledger.credit(account=account, amount=D(amount), **extra)


def active(shop, key):
    return balances(customer=shop.customer, program=shop.program)[key]["active"]


def check(*positions, **fields):
    return {"customer": {"phone": PHONE}, "positions": list(positions), **fields}


def error(response):
    return response.status_code, response.json()["error"]["code"], response.json()["error"]["field"]


def test_example_1_money_account(shop):
    fill(shop, "wallet", "100.00")
    body = check(item(LATTE, "2"), payments=[{"account": "wallet", "amount": "100.00"}])
    evaluated = shop.evaluate(body).json()
    confirmed = shop.confirm(body)
    assert confirmed.status_code == 201, confirmed.json()
    for result in (evaluated, confirmed.json()):
        assert (result["amount"], result["discount"], result["amount_to_pay"]) == (
            "120.00",
            "12.00",
            "108.00",
        )
        assert result["payments"] == [
            {"source": "account", "account": "wallet", "amount": "100.00", "balance_after": "0.00"}
        ]
        assert result["money_to_pay"] == "8.00"
        assert [c["amount"] for c in result["credits"]] == ["5.40"]
    assert active(shop, "wallet") == D("0.00")
    assert active(shop, "bonus") == D("5.40")
    assert check_ledger() == []


def test_example_2_units_leave_the_check_and_come_back_on_cancel(shop):
    fill(shop, "car-wash", "3")
    body = check(item(WASH, "2"), item(LATTE), payments=[{"account": "car-wash", "units": "2"}])
    evaluated = shop.evaluate(body).json()
    response = shop.confirm(body)
    assert response.status_code == 201, response.json()
    for result in (evaluated, response.json()):
        assert (result["amount"], result["discount"], result["amount_to_pay"]) == (
            "460.00",
            "6.00",
            "454.00",
        )
        assert result["payments"] == [
            {
                "source": "account",
                "account": "car-wash",
                "amount": "400.00",
                "units": "2",
                "balance_after": "1",
            }
        ]
        assert result["money_to_pay"] == "54.00"
        assert [c["amount"] for c in result["credits"]] == ["2.70"]
        assert result["positions"][0]["paid_by_units"] == {
            "account": "car-wash",
            "units": "2",
            "amount": "400.00",
        }
        assert result["positions"][0]["discount"] == "0.00"
        assert "paid_by_units" not in result["positions"][1]
    assert active(shop, "car-wash") == D("1")
    sale_id = response.json()["sale"]["id"]
    cancel = shop.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel", format="json")
    assert cancel.status_code == 200
    assert active(shop, "car-wash") == D("3")
    assert active(shop, "bonus") == D("0.00")
    assert check_ledger() == []


@pytest.mark.parametrize("call", ["evaluate", "confirm"])
def test_example_3_units_refused(shop, call):
    fill(shop, "car-wash", "3")
    too_many = check(item(WASH, "2"), item(LATTE), payments=[{"account": "car-wash", "units": "4"}])
    assert error(getattr(shop, call)(too_many)) == (
        422,
        "insufficient_balance",
        "payments[0].units",
    )
    no_wash = check(item(LATTE), payments=[{"account": "car-wash", "units": "1"}])
    assert error(getattr(shop, call)(no_wash)) == (
        422,
        "account_not_applicable",
        "payments[0].units",
    )
    assert active(shop, "car-wash") == D("3")


def test_example_4_gift_card(shop):
    card = GiftCardFactory(series__program=shop.program, series__key="cards", balance=D("500.00"))
    body = {
        "positions": [item(LATTE, "2")],
        "payments": [{"gift_card": card.code.lower(), "amount": "108.00"}],
    }
    response = shop.confirm(body)
    assert response.status_code == 201, response.json()
    result = response.json()
    assert result["money_to_pay"] == "0.00"
    assert result["payments"] == [
        {
            "source": "gift_card",
            "gift_card": card.code,
            "amount": "108.00",
            "balance_after": "392.00",
        }
    ]
    card.refresh_from_db()
    assert card.balance == D("392.00")
    answer = shop.client.get(f"/api/v1/terminal/gift-cards/{card.code}").json()
    assert (answer["balance"], answer["state"], answer["usable"]) == ("392.00", "active", True)
    sale_id = result["sale"]["id"]
    shop.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel", format="json")
    card.refresh_from_db()
    assert card.balance == D("500.00")
    assert check_ledger() == []


def test_example_5_selling_a_gift_card(shop):
    body = check(item(LATTE), gift_cards_sold=[{"series": "gift", "amount": "500.00"}])
    evaluated = shop.evaluate(body).json()
    response = shop.confirm(body)
    assert response.status_code == 201, response.json()
    for result in (evaluated, response.json()):
        assert (result["amount"], result["discount"], result["amount_to_pay"]) == (
            "560.00",
            "6.00",
            "554.00",
        )
        assert [c["amount"] for c in result["credits"]] == ["2.70"]
    [sold] = response.json()["gift_cards_sold"]
    assert (sold["amount"], sold["balance"]) == ("500.00", "500.00")
    card = GiftCard.objects.get(code=sold["code"])
    assert (card.balance, card.state) == (D("500.00"), "active")
    # Cancelling voids the card nobody has spent from yet.
    sale_id = response.json()["sale"]["id"]
    assert shop.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel").status_code == 200
    card.refresh_from_db()
    assert (card.balance, card.state) == (D("0.00"), "void")
    assert check_ledger() == []


def test_cancelling_a_sold_card_that_was_spent_from_is_refused(shop):
    sold = shop.confirm(
        check(item(LATTE), gift_cards_sold=[{"series": "gift", "amount": "500.00"}]), key="a"
    ).json()
    code = sold["gift_cards_sold"][0]["code"]
    paid = shop.confirm(
        {"positions": [item(LATTE)], "payments": [{"gift_card": code, "amount": "54.00"}]},
        key="b",
    )
    assert paid.status_code == 201, paid.json()
    cancel = shop.client.post(f"/api/v1/terminal/checks/{sold['sale']['id']}/cancel")
    assert error(cancel)[:2] == (422, "gift_card_used")
    assert GiftCard.objects.get(code=code).balance == D("446.00")


def test_example_6_special_points_spend_first_when_they_expire_first(shop):
    fill(shop, "bonus", "10.00")
    fill(shop, "special", "50.00", expires_at=timezone.now() + timezone.timedelta(days=5))
    body = check(item(LATTE, "2"), pay_with_points="30.00")
    response = shop.confirm(body)
    assert response.status_code == 201, response.json()
    assert response.json()["points_paid"] == "30.00"
    assert response.json()["payments"][0]["source"] == "points"
    assert active(shop, "special") == D("20.00")
    # bonus: 10.00 kept, plus the 5% credit of the check (108.00 to pay)
    assert active(shop, "bonus") == D("10.00") + D("5.40")
    assert check_ledger() == []


@pytest.mark.parametrize("call", ["evaluate", "confirm"])
def test_example_7_too_much(shop, call):
    fill(shop, "wallet", "500.00")
    body = check(item(LATTE, "2"), payments=[{"account": "wallet", "amount": "150.00"}])
    assert error(getattr(shop, call)(body)) == (422, "payment_exceeds_amount", "payments[0].amount")
    assert active(shop, "wallet") == D("500.00")


def test_gift_card_refusals_name_the_entry(shop):
    blocked = GiftCardFactory(series__program=shop.program, series__key="b", state="blocked")
    expired = GiftCardFactory(
        series__program=shop.program,
        series__key="e",
        valid_to=timezone.now() - timezone.timedelta(days=1),
    )
    foreign = GiftCardFactory()  # another business's card
    cases = [
        (blocked.code, "gift_card_blocked"),
        (expired.code, "gift_card_expired"),
        (foreign.code, "gift_card_not_found"),
        ("GC-NONE-0000", "gift_card_not_found"),
    ]
    for code, expected in cases:
        body = {
            "positions": [item(LATTE)],
            "payments": [{"gift_card": code, "amount": "10.00"}],
        }
        assert error(shop.evaluate(body)) == (422, expected, "payments[0].gift_card")
        assert error(shop.confirm(body, key=code)) == (422, expected, "payments[0].gift_card")
    unknown = shop.client.get("/api/v1/terminal/gift-cards/GC-NONE-0000")
    other = shop.client.get(f"/api/v1/terminal/gift-cards/{foreign.code}")
    assert unknown.status_code == other.status_code == 404
    assert unknown.json() == other.json()


def test_account_payment_errors(shop):
    fill(shop, "wallet", "100.00")
    cases = [
        ({"account": "nope", "amount": "1.00"}, "account_not_applicable", "payments[0].account"),
        ({"account": "wallet", "units": "1"}, "account_not_applicable", "payments[0].units"),
        ({"account": "car-wash", "amount": "1.00"}, "account_not_applicable", "payments[0].amount"),
        ({"account": "wallet", "amount": "100.01"}, "insufficient_balance", "payments[0].amount"),
    ]
    for payment, code, field in cases:
        body = check(item(LATTE, "2"), payments=[payment])
        assert error(shop.evaluate(body)) == (422, code, field)
    anonymous = {"positions": [item(LATTE)], "payments": [{"account": "wallet", "amount": "1.00"}]}
    assert error(shop.evaluate(anonymous))[:2] == (422, "customer_required")
    assert active(shop, "wallet") == D("100.00")


def test_check_ledger_command_covers_gift_cards(shop):
    card = GiftCardFactory(series__program=shop.program, series__key="c")
    call_command("check_ledger")
    GiftCard.objects.filter(pk=card.pk).update(balance=D("1.00"))
    with pytest.raises(Exception, match="mismatch"):
        call_command("check_ledger")


def test_a_card_cannot_pay_the_check_that_reloads_it(shop):
    series = GiftCardFactory(series__program=shop.program, series__key="re").series
    series.reloadable = True
    series.save()
    card = GiftCardFactory(series=series, balance=D("200.00"))
    body = {
        "positions": [item(LATTE)],
        "payments": [{"gift_card": card.code, "amount": "10.00"}],
        "gift_cards_sold": [{"series": "re", "amount": "100.00", "code": card.code}],
    }
    assert error(shop.confirm(body)) == (400, "validation_error", "gift_cards_sold[0].code")
    reload = {
        "positions": [item(LATTE)],
        "gift_cards_sold": [{"series": "re", "amount": "100.00", "code": card.code}],
    }
    assert shop.confirm(reload, key="r").status_code == 201
    card.refresh_from_db()
    assert card.balance == D("300.00")
    assert check_ledger() == []
