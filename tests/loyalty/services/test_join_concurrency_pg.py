"""Join's once-only welcome under concurrent joins (PostgreSQL, real threads, each with its
own connection, as several workers would)."""

from decimal import Decimal

import pytest

from coupons.models import Coupon
from customers.models import Customer, Enrolment, LedgerEntry
from loyalty.services.join import join_program
from tests.coupons.threads import run_concurrently
from tests.factories import CustomerFactory, EnrolmentFactory, ProgramFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = pytest.mark.django_db(transaction=True)

JOINS = 10


def welcoming_shop():
    shop = make_shop()
    shop.program.welcome_points = Decimal("25.00")
    shop.program.welcome_series = shop.series
    shop.program.save()
    return shop


def test_ten_joins_of_one_new_phone_make_one_customer_welcomed_once():
    shop = welcoming_shop()
    phone = "+380671234567"
    welcomed = []

    def task(_i):
        joined = join_program(program=shop.program, phone=phone)
        welcomed.append(joined.welcomed)

    assert run_concurrently(task, JOINS) == ["ok"] * JOINS
    customer = Customer.objects.get(business=shop.business, phone=phone)
    assert sorted(welcomed) == [False] * (JOINS - 1) + [True]
    assert Enrolment.objects.filter(customer=customer).count() == 1
    entries = LedgerEntry.objects.filter(account__customer=customer)
    assert [e.amount for e in entries] == [Decimal("25.00")]
    assert Coupon.objects.filter(customer=customer).count() == 1


def test_ten_joins_of_a_customer_of_another_program_welcome_once():
    shop = welcoming_shop()
    other = ProgramFactory(business=shop.business)
    customer = CustomerFactory(business=shop.business, phone="+380671234568")
    EnrolmentFactory(customer=customer, business=shop.business, program=other)

    assert (
        run_concurrently(lambda _i: join_program(program=shop.program, phone=customer.phone), JOINS)
        == ["ok"] * JOINS
    )
    assert Enrolment.objects.filter(customer=customer, program=shop.program).count() == 1
    assert LedgerEntry.objects.filter(account__customer=customer).count() == 1
    assert Coupon.objects.filter(customer=customer).count() == 1
