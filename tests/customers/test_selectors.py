from decimal import Decimal

import pytest

from customers import ledger
from customers.selectors import balances, customer_category_key, spendable_points
from tests.factories import AccountTypeFactory, CustomerFactory, EnrolmentFactory, SaleFactory

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db
ZEROS = {"active": D("0.00"), "pending": D("0.00"), "expiring_soon": D("0.00")}


def test_bonus_is_always_there(customer, program, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert balances(customer=customer, program=program) == {"bonus": ZEROS}
    assert spendable_points(customer=customer, program=program) == D("0.00")


def test_active_pending_and_expiring_soon_in_one_query(
    customer, program, settings, django_assert_num_queries
):
    settings.PERKLINE_EXPIRING_SOON_DAYS = 10
    AccountTypeFactory(program=program, key="wallet")
    bonus = ledger.get_account(customer=customer, program=program)
    wallet = ledger.get_account(customer=customer, program=program, key="wallet")
    ledger.credit(account=bonus, amount=D("10"), at=at())  # active, no expiry
    ledger.credit(account=bonus, amount=D("5"), expires_at=at(8), at=at())  # expiring soon
    ledger.credit(account=bonus, amount=D("7"), expires_at=at(20), at=at())  # later
    ledger.credit(account=bonus, amount=D("3"), activates_at=at(3), at=at())  # pending
    ledger.credit(account=bonus, amount=D("4"), expires_at=at(0, 1), at=at())  # expired
    ledger.credit(account=wallet, amount=D("100"), kind="top_up", at=at())
    with django_assert_num_queries(1):
        result = balances(customer=customer, program=program, at=at(1))
    assert result == {
        "bonus": {"active": D("22.00"), "pending": D("3.00"), "expiring_soon": D("5.00")},
        "wallet": {"active": D("100.00"), "pending": D("0.00"), "expiring_soon": D("0.00")},
    }
    assert spendable_points(customer=customer, program=program, at=at(1)) == D("22.00")
    assert spendable_points(customer=customer, program=program, at=at(4)) == D("25.00")


def test_active_is_net_of_debt(customer, program):
    account = ledger.get_account(customer=customer, program=program)
    sale = SaleFactory(program=program, customer=customer)
    ledger.credit(account=account, amount=D("10"), sale=sale, at=at())
    ledger.spend(account=account, amount=D("10"), at=at())
    ledger.reverse_sale_entries(sale=sale, at=at())
    assert balances(customer=customer, program=program, at=at())["bonus"]["active"] == D("-10.00")
    assert spendable_points(customer=customer, program=program, at=at()) == D("-10.00")


def test_other_customers_do_not_leak(customer, program):
    other = CustomerFactory(business=program.business)
    ledger.credit(account=ledger.get_account(customer=other, program=program), amount=D("9"))
    assert balances(customer=customer, program=program) == {"bonus": ZEROS}


def test_customer_category_key(program, regular):
    customer = CustomerFactory(business=program.business)
    assert customer_category_key(customer=customer, program=program) is None
    EnrolmentFactory(customer=customer, program=program, category=regular)
    assert customer_category_key(customer=customer, program=program) == "regular"
