"""Issue 21, one rule for words: the cashier, the receipt and the customer pages show names,
explanations and translated messages; the API bodies behind them keep their codes."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from loyalty.checks import CheckInput, PositionInput, confirm_check
from loyalty.checks.messages import REASONS
from loyalty.engine.errors import REASON_MESSAGES
from loyalty.models import Membership, Rule, Sale
from tests.factories import AccountTypeFactory, MembershipFactory, RuleFactory, UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def post(client, name, body):
    return client.post(reverse(name), body, content_type="application/json")


def in_uk(client):
    client.cookies["django_language"] = "uk"
    return client


def test_an_unknown_coupon_is_explained_in_the_cashiers_language(till, shop):
    answer = post(in_uk(till), "cashier:api_evaluate", {
        "lines": [{"code": "LATTE", "quantity": 1}], "coupons": ["NOPE-1234"],
    }).json()  # fmt: skip
    item = answer["result"]["not_applied"][0]
    assert item["code"] == "coupon_not_found"  # the body keeps its code
    assert "Такого купона немає." in answer["html"]
    assert "coupon_not_found" not in answer["html"].replace('data-code="coupon_not_found"', "")


def test_a_rule_that_does_not_apply_is_named_and_explained_in_uk(till, shop):
    RuleFactory(
        program=shop.program, key="big-spender", name="Великий чек", explanation="",
        action=Rule.Action.DISCOUNT_CHECK_PERCENT, value=None, depends_measure="amount",
        depends_period="check", thresholds=[{"from": "1000.00", "value": "10"}],
    )  # fmt: skip
    html = post(in_uk(till), "cashier:api_evaluate", {
        "lines": [{"code": "LATTE", "quantity": 1}],
    }).json()["html"]  # fmt: skip
    assert "Великий чек" in html and "big-spender" not in html
    assert "Сума або кількість не досягає жодного порогу." in html


def test_refusals_on_confirm_reach_the_cashier_translated(till, shop):
    response = post(in_uk(till), "cashier:api_confirm", {
        "lines": [{"code": "LATTE", "quantity": 1}], "coupons": ["NOPE-1234"],
    })  # fmt: skip
    error = response.json()["error"]
    assert error["code"] == "coupon_not_found"
    assert error["message"] == "Такого купона немає."


def test_the_receipt_names_goods_accounts_and_formats_amounts_in_uk(shop):
    AccountTypeFactory(program=shop.program, key="wallet", name="Гаманець")
    RuleFactory(
        program=shop.program, key="wallet-back", name="Повернення в гаманець", explanation="",
        action=Rule.Action.CREDIT_CHECK_PERCENT, value=Decimal("10"),
        credit_account="wallet", priority=20,
    )  # fmt: skip
    from loyalty.checks.ruleset import clear_cache

    clear_cache()
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal("60.00"), quantity=Decimal(1)),),
            customer={"id": shop.customer.pk},
        ),
        staff=shop.cashier,
    )
    sale = Sale.objects.get(pk=answer.body["sale"]["id"])
    html = in_uk(logged_in(shop.cashier, shop.pos)).get(reverse("cashier:receipt", args=[sale.pk]))
    body = html.content.decode()
    assert "Latte" in body and ">LATTE<" not in body
    assert "60,00" in body and "60.00" not in body
    assert "Гаманець" in body and "+6,00 Гаманець" in body
    assert "wallet-back" not in body


def test_customer_history_links_the_sale_once(shop):
    owner = UserFactory()
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal("60.00"), quantity=Decimal(1)),),
            customer={"id": shop.customer.pk},
        ),
        staff=shop.cashier,
    )
    sale_id = answer.body["sale"]["id"]
    client = Client()
    client.force_login(owner)
    body = client.get(reverse("panel:customer_detail", args=[shop.customer.pk])).content.decode()
    assert body.count(f"sale #{sale_id}") == 1
    assert f'href="{reverse("cashier:receipt", args=[sale_id])}"' in body


def test_every_engine_reason_has_a_translatable_message():
    assert set(REASONS) == set(REASON_MESSAGES)
    assert {str(REASONS[code]) for code in REASONS} == set(REASON_MESSAGES.values())


# -- the coupon field checks a code as it is entered -----------------------------------------


def test_a_mistyped_coupon_code_is_refused_at_once(till, shop):
    response = in_uk(till).get(reverse("cashier:api_coupon"), {"code": "NOPE-1234"})
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "coupon_not_found", "message": "Такого купона немає.", "field": "code",
    }  # fmt: skip


def test_a_known_coupon_code_comes_back_with_its_title(till, shop):
    coupon = shop.free_coupon()
    response = in_uk(till).get(reverse("cashier:api_coupon"), {"code": coupon.code.lower()})
    assert response.status_code == 200
    assert response.json() == {"code": coupon.code, "title": "Вітальна знижка 10%", "note": ""}


def test_a_redeemed_coupon_is_refused_with_the_reason(till, shop):
    coupon = shop.free_coupon()
    coupon.state = "redeemed"
    coupon.save(update_fields=["state"])
    response = till.get(reverse("cashier:api_coupon"), {"code": coupon.code})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "coupon_already_redeemed"


def test_another_business_coupon_is_unknown(till, other_shop):
    coupon = other_shop.free_coupon()
    response = till.get(reverse("cashier:api_coupon"), {"code": coupon.code})
    assert response.status_code == 404


# -- the receipt tells the balances after the sale -----------------------------------------


def sell(shop, price="60.00"):
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal(price), quantity=Decimal(1)),),
            customer={"id": shop.customer.pk},
        ),
        staff=shop.cashier,
    )
    return answer.body["sale"]["id"]


def test_the_receipt_shows_the_balance_after_the_sale_even_when_reprinted_later(shop):
    first = sell(shop)  # 100 points + 5% of 60 = 103
    sell(shop, "100.00")  # later: +5 more, which the first receipt must not count
    client = in_uk(logged_in(shop.cashier, shop.pos))
    body = client.get(reverse("cashier:receipt", args=[first])).content.decode()
    assert 'data-testid="balances-after"' in body
    block = body.split('data-testid="balances-after"')[1].split("</dl>")[0]
    assert "Бали" in block and "103,00" in block


def test_an_anonymous_receipt_has_no_balances(shop, till):
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal("60"), quantity=Decimal(1)),)
        ),
        staff=shop.cashier,
    )
    body = till.get(reverse("cashier:receipt", args=[answer.body["sale"]["id"]])).content.decode()
    assert "balances-after" not in body
