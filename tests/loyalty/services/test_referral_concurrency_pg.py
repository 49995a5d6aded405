"""One referral rewarded once under concurrent first sales of the friend (PostgreSQL, real
threads, each with its own connection, as several terminals would)."""

from decimal import Decimal

import pytest

from coupons.models import Coupon
from customers.models import LedgerEntry, Referral
from loyalty.models import Sale
from loyalty.services.join import join_program
from tests.coupons.threads import run_concurrently

from .referral_shop import invitation, referral_shop, sell

pytestmark = pytest.mark.django_db(transaction=True)

SALES = 8


def test_concurrent_first_sales_reward_the_referral_once():
    shop = referral_shop()
    link = invitation(shop)
    friend = join_program(program=shop.program, phone="+380671112233", referral=link).customer

    assert run_concurrently(lambda _i: sell(shop, friend), SALES) == ["ok"] * SALES

    assert Sale.objects.filter(customer=friend).count() == SALES
    credits = LedgerEntry.objects.filter(account__customer=link.customer, reason="referral")
    assert [e.amount for e in credits] == [Decimal("50.00")]
    assert Coupon.objects.filter(customer=friend, series=shop.series).count() == 1
    referral = Referral.objects.get(friend=friend)
    assert Sale.objects.filter(pk=referral.rewarded_sale_id, customer=friend).exists()
