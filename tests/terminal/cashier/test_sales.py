"""Receipts, the day's sales and cancelling."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from customers.selectors import spendable_points
from loyalty.checks import CheckInput, PositionInput, confirm_check
from loyalty.models import Rule, Sale
from tests.factories import RuleFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db
D = Decimal


def sell(shop, *, customer=None, pos=None, points="0.00", coupons=(), quantity="1"):
    data = CheckInput(
        positions=(
            PositionInput(code="LATTE", price=D("60.00"), quantity=D(quantity), title="Latte"),
        ),
        customer={"id": customer.pk} if customer else None,
        pay_with_points=D(points),
        coupons=tuple(coupons),
    )
    answer = confirm_check(point_of_sale=pos or shop.pos, data=data, staff=shop.cashier)
    return Sale.objects.get(pk=answer.body["sale"]["id"])


def test_receipt_shows_totals_and_rule_explanations(till, shop):
    sale = sell(shop, customer=shop.customer, points="10.00")
    page = till.get(reverse("cashier:receipt", args=[sale.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Receipt #{sale.pk}" in text
    assert "50.00" in text  # money to pay
    assert "5% back in points" in text
    assert "@media print" not in text  # the print styles live in the stylesheet
    assert "data-print" in text  # the print button (its listener is in js/print.js)


def test_receipt_of_an_anonymous_check_prints_free_codes_with_qr(till, shop):
    RuleFactory(
        program=shop.program,
        key="gift",
        explanation="A coupon for every check",
        action=Rule.Action.ISSUE_COUPON_CHECK,
        value=None,
        coupon_series=shop.series,
        coupon_quantity=1,
    )
    sale = sell(shop)
    issued = sale.result["coupons_issued"]
    assert len(issued) == 1 and issued[0]["code"]
    page = till.get(reverse("cashier:receipt", args=[sale.pk])).content.decode()
    for item in issued:
        assert item["code"] in page
        assert "<svg" in page


def test_sales_lists_today_at_this_pos_only(till, shop):
    here = sell(shop)
    there = sell(shop, pos=shop.other_pos)
    old = sell(shop)
    Sale.objects.filter(pk=old.pk).update(time=timezone.now() - timedelta(days=2))
    page = till.get(reverse("cashier:sales")).content.decode()
    assert reverse("cashier:receipt", args=[here.pk]) in page
    assert reverse("cashier:receipt", args=[there.pk]) not in page
    assert reverse("cashier:receipt", args=[old.pk]) not in page


def test_cancel_asks_first_then_reverses(till, shop):
    coupon = shop.wallet_coupon(shop.customer)
    sale = sell(shop, customer=shop.customer, points="20.00", coupons=[coupon.code])
    # 20 points paid, 5% cashback of the 54.00 paid after the coupon credited
    assert spendable_points(customer=shop.customer, program=shop.program) == D("82.70")
    confirm = till.get(reverse("cashier:cancel", args=[sale.pk]))
    assert confirm.status_code == 200
    assert "Yes, cancel the sale" in confirm.content.decode()
    sale.refresh_from_db()
    assert sale.status == Sale.COMPLETED  # a GET changes nothing
    response = till.post(
        reverse("cashier:cancel", args=[sale.pk]), {"reason": "wrong item"}, follow=True
    )
    assert response.status_code == 200
    assert "The sale has been cancelled." in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == Sale.CANCELLED
    # points paid come back, the cashback credited is taken back
    assert spendable_points(customer=shop.customer, program=shop.program) == D("100.00")
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.IN_WALLET


def test_cancelling_twice_changes_nothing_the_second_time(till, shop):
    sale = sell(shop, customer=shop.customer, points="20.00")
    till.post(reverse("cashier:cancel", args=[sale.pk]), {"reason": "wrong item"})
    balance = spendable_points(customer=shop.customer, program=shop.program)
    entries = shop.customer.accounts.get(key="bonus").entries.count()
    second = till.post(reverse("cashier:cancel", args=[sale.pk]), {"reason": "again"}, follow=True)
    assert "cancelled already" in second.content.decode()
    assert spendable_points(customer=shop.customer, program=shop.program) == balance
    assert shop.customer.accounts.get(key="bonus").entries.count() == entries


def test_cashier_cannot_see_sales_of_an_unassigned_pos(till, shop):
    there = sell(shop, pos=shop.other_pos)
    assert till.get(reverse("cashier:receipt", args=[there.pk])).status_code == 404
    assert till.post(reverse("cashier:cancel", args=[there.pk]), {"reason": "x"}).status_code == 404
    there.refresh_from_db()
    assert there.status == Sale.COMPLETED
    manager = logged_in(shop.manager, shop.pos)
    assert manager.get(reverse("cashier:receipt", args=[there.pk])).status_code == 200


def test_receipt_in_ukrainian(till, shop):
    sale = sell(shop)
    till.cookies["django_language"] = "uk"
    page = till.get(reverse("cashier:receipt", args=[sale.pk]))
    assert page.status_code == 200
    assert 'lang="uk"' in page.content.decode()
