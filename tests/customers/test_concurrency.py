"""Real concurrent connections on PostgreSQL (quality.md R3): SQLite cannot show these."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from core.errors import Refused, ValidationFailed
from customers import ledger, services
from customers.models import Account, Customer, LedgerEntry
from customers.selectors import check_ledger
from tests.factories import CustomerFactory, ProgramFactory, SaleFactory

D = Decimal
pytestmark = [pytest.mark.django_db(transaction=True)]


def run_concurrently(count, call):
    """Runs call(i) in `count` threads released together; returns results or exceptions."""
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait(timeout=60)
            return call(i)
        except Exception as exc:
            return exc
        finally:
            connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


@pytest.fixture
def funded():
    program = ProgramFactory()
    customer = CustomerFactory(business=program.business)
    account = ledger.get_account(customer=customer, program=program)
    ledger.credit(account=account, amount=D("300.00"))
    ledger.credit(account=account, amount=D("200.00"), expires_at=None)
    return program, customer, account


def test_r3_hundred_concurrent_spends_never_overdraw(funded):
    _program, _customer, account = funded

    def spend(i):
        return ledger.spend(account=Account.objects.get(pk=account.pk), amount=D("7.00"))

    results = run_concurrently(100, spend)
    succeeded = [r for r in results if isinstance(r, LedgerEntry)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(succeeded) + len(refused) == 100, [r for r in results if isinstance(r, Exception)]
    assert all(r.code == "insufficient_points" for r in refused)
    assert len(succeeded) == 71  # 71 x 7 = 497 <= 500 < 72 x 7
    row = Account.objects.get(pk=account.pk)
    assert D("500.00") - row.balance == len(succeeded) * D("7.00")
    assert row.balance == D("3.00") and ledger.active_balance(row) == D("3.00")
    assert check_ledger() == []


def test_concurrent_credits_spends_and_a_cancel_keep_the_ledger_consistent(funded):
    program, customer, account = funded
    sale = SaleFactory(program=program, customer=customer)
    ledger.spend(account=account, amount=D("50.00"), sale=sale)
    ledger.credit(account=account, amount=D("20.00"), sale=sale)

    def mixed(i):
        fresh = Account.objects.get(pk=account.pk)
        if i % 10 == 0:
            return ledger.reverse_sale_entries(sale=sale)
        if i % 2:
            return ledger.spend(account=fresh, amount=D("9.00"))
        return ledger.credit(account=fresh, amount=D("3.00"), expires_at=None)

    results = run_concurrently(60, mixed)
    errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, Refused)]
    assert errors == []
    # Only one of the six cancels reversed anything.
    assert LedgerEntry.objects.filter(kind="reversal").count() == 2
    assert check_ledger() == []
    assert ledger.active_balance(Account.objects.get(pk=account.pk)) >= 0


def test_concurrent_get_or_register_makes_one_customer():
    program = ProgramFactory()

    def identify(i):
        return services.get_or_register_by_phone(
            business=program.business, program=program, phone="050 777 88 99"
        )

    results = run_concurrently(20, identify)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({customer.pk for customer, _created in results}) == 1
    assert sum(created for _customer, created in results) == 1
    assert Customer.objects.count() == 1


def test_concurrent_registration_of_one_phone():
    program = ProgramFactory()

    def register(i):
        return services.register_customer(
            business=program.business, program=program, phone="+380507778899", name=f"#{i}"
        )

    results = run_concurrently(20, register)
    assert sum(isinstance(r, Customer) for r in results) == 1
    refusals = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(refusals) == 19 and {r.field for r in refusals} == {"phone"}
    assert Customer.objects.count() == 1
