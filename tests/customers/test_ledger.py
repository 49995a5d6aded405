"""The points ledger: credits, spends, lots, reversals, expiry (platform.md)."""

from decimal import Decimal

import pytest

from core.errors import Refused, ValidationFailed
from customers import ledger
from customers.models import Account, LedgerEntry, Lot, LotUse
from customers.selectors import check_ledger, ledger_history
from tests.factories import (
    AccountTypeFactory,
    CustomerFactory,
    ProgramFactory,
    SaleFactory,
    UserFactory,
)

from .conftest import at

D = Decimal
pytestmark = pytest.mark.django_db


def lots_of(account):
    return list(
        Lot.objects.filter(account=account).order_by("id").values_list("remaining", flat=True)
    )


def assert_consistent():
    assert check_ledger() == []


# --- accounts -------------------------------------------------------------------------------


def test_get_account_creates_once(customer, program):
    first = ledger.get_account(customer=customer, program=program)
    second = ledger.get_account(customer=customer, program=program)
    assert first.pk == second.pk
    assert (first.key, first.balance, first.debt) == ("bonus", D("0.00"), D("0.00"))
    assert first.business_id == customer.business_id


def test_get_account_locked_inside_transaction(customer, program):
    from django.db import transaction

    with transaction.atomic():
        account = ledger.get_account(customer=customer, program=program, key="special", lock=True)
    assert account.key == "special"


def test_get_account_of_a_program_account_type(customer, program):
    AccountTypeFactory(program=program, key="wallet")
    assert ledger.get_account(customer=customer, program=program, key="wallet").key == "wallet"


def test_get_account_unknown_key_refused(customer, program):
    with pytest.raises(ValidationFailed) as err:
        ledger.get_account(customer=customer, program=program, key="nope")
    assert err.value.field == "account"


def test_get_account_of_another_business_refused(customer):
    with pytest.raises(ValidationFailed):
        ledger.get_account(customer=customer, program=ProgramFactory())


def test_lock_accounts_returns_fresh_rows_in_pk_order(customer, program):
    from django.db import transaction

    bonus = ledger.get_account(customer=customer, program=program)
    special = ledger.get_account(customer=customer, program=program, key="special")
    ledger.credit(account=special, amount=D("5"))
    stale = Account.objects.get(pk=special.pk)
    ledger.credit(account=special, amount=D("1"))
    with transaction.atomic():
        rows = ledger.lock_accounts([stale, bonus, stale])
    assert [row.pk for row in rows] == sorted([bonus.pk, special.pk])
    assert rows[-1].balance == D("6.00")


# --- credit and spend -----------------------------------------------------------------------


def test_credit_adds_a_lot_and_an_entry(account):
    entry = ledger.credit(account=account, amount=D("10.005"), reason="sale", at=at())
    assert entry.amount == D("10.01")  # 2 places, half up
    assert entry.kind == LedgerEntry.Kind.CREDIT
    assert account.balance == D("10.01")
    assert Account.objects.get(pk=account.pk).balance == D("10.01")
    assert entry.lot.remaining == D("10.01")
    assert_consistent()


@pytest.mark.parametrize("amount", [D("0"), D("-1"), "abc", None])
def test_credit_refuses_non_positive_or_bad_amounts(account, amount):
    with pytest.raises(ValidationFailed) as err:
        ledger.credit(account=account, amount=amount)
    assert err.value.field == "amount"


def test_float_is_never_money(account):
    with pytest.raises(TypeError):
        ledger.money(0.1)


def test_credit_refuses_debit_kinds_and_inverted_windows(account):
    with pytest.raises(ValidationFailed):
        ledger.credit(account=account, amount=D("1"), kind="debit")
    with pytest.raises(ValidationFailed) as err:
        ledger.credit(account=account, amount=D("1"), activates_at=at(2), expires_at=at(1))
    assert err.value.field == "expires_at"


def test_spend_takes_the_lots_that_expire_first(account):
    forever = ledger.credit(account=account, amount=D("10"), at=at())
    late = ledger.credit(account=account, amount=D("10"), expires_at=at(30), at=at())
    soon = ledger.credit(account=account, amount=D("10"), expires_at=at(10), at=at())
    entry = ledger.spend(account=account, amount=D("15"), at=at(1))
    assert entry.amount == D("-15.00") and entry.kind == "debit"
    remaining = {lot.entry_id: lot.remaining for lot in Lot.objects.filter(account=account)}
    assert remaining == {forever.pk: D("10.00"), late.pk: D("5.00"), soon.pk: D("0.00")}
    uses = {use.lot.entry_id: use.amount for use in LotUse.objects.filter(entry=entry)}
    assert uses == {soon.pk: D("10.00"), late.pk: D("5.00")}
    assert account.balance == D("15.00")
    assert_consistent()


def test_spend_ignores_pending_and_expired_lots(account):
    ledger.credit(account=account, amount=D("10"), at=at())
    ledger.credit(account=account, amount=D("50"), activates_at=at(5), at=at())
    ledger.credit(account=account, amount=D("50"), expires_at=at(1), at=at())
    assert ledger.active_balance(account, at=at(2)) == D("10.00")
    with pytest.raises(Refused) as err:
        ledger.spend(account=account, amount=D("10.01"), at=at(2))
    assert (err.value.code, err.value.field, err.value.status) == (
        "insufficient_points",
        "pay_with_points",
        422,
    )
    assert err.value.extra["available"] == "10.00"
    assert ledger.spend(account=account, amount=D("10"), at=at(2)).amount == D("-10.00")
    # Once the pending lot activates it is spendable.
    assert ledger.active_balance(account, at=at(6)) == D("50.00")
    ledger.spend(account=account, amount=D("50"), at=at(6))
    assert_consistent()


def test_refused_spend_writes_nothing(account):
    ledger.credit(account=account, amount=D("5"))
    with pytest.raises(Refused):
        ledger.spend(account=account, amount=D("6"))
    assert LedgerEntry.objects.filter(account=account).count() == 1
    assert Account.objects.get(pk=account.pk).balance == D("5.00")


@pytest.mark.parametrize("amount", [D("0"), D("-5")])
def test_spend_refuses_non_positive_amounts(account, amount):
    with pytest.raises(ValidationFailed) as err:
        ledger.spend(account=account, amount=amount)
    assert err.value.field == "pay_with_points"


def test_spend_records_the_sale_and_staff(account, program, customer):
    sale = SaleFactory(program=program, customer=customer)
    staff = UserFactory()
    ledger.credit(account=account, amount=D("5"))
    entry = ledger.spend(account=account, amount=D("2"), sale=sale, staff=staff, reason="paid")
    entry.refresh_from_db()
    assert (entry.sale_id, entry.staff_id, entry.reason) == (sale.pk, staff.pk, "paid")


# --- adjustments ----------------------------------------------------------------------------


def test_adjust_needs_a_reason(account):
    with pytest.raises(ValidationFailed) as err:
        ledger.adjust(account=account, amount=D("5"), staff=None, reason="  ")
    assert err.value.field == "reason"


def test_adjust_zero_is_refused(account):
    with pytest.raises(ValidationFailed) as err:
        ledger.adjust(account=account, amount=D("0"), staff=None, reason="typo")
    assert err.value.field == "amount"


def test_adjust_up_and_down(account):
    staff = UserFactory()
    up = ledger.adjust(account=account, amount=D("20"), staff=staff, reason="gift")
    down = ledger.adjust(account=account, amount=D("-5"), staff=staff, reason="correction")
    assert (up.kind, up.amount, up.staff_id) == ("adjustment", D("20.00"), staff.pk)
    assert (down.kind, down.amount, down.reason) == ("adjustment", D("-5.00"), "correction")
    assert account.balance == D("15.00")
    assert_consistent()


def test_negative_adjustment_cannot_go_below_zero(account):
    ledger.credit(account=account, amount=D("5"))
    with pytest.raises(Refused) as err:
        ledger.adjust(account=account, amount=D("-6"), staff=None, reason="x")
    assert (err.value.code, err.value.field) == ("insufficient_points", "amount")


# --- reversals ------------------------------------------------------------------------------


def test_reversal_restores_debits_into_the_same_lots(account, program, customer):
    lot_entry = ledger.credit(account=account, amount=D("100"), expires_at=at(30), at=at())
    sale = SaleFactory(program=program, customer=customer)
    ledger.spend(account=account, amount=D("40"), sale=sale, at=at(1))
    reversals = ledger.reverse_sale_entries(sale=sale, at=at(2))
    assert [(r.kind, r.amount) for r in reversals] == [("reversal", D("40.00"))]
    assert Lot.objects.get(entry=lot_entry).remaining == D("100.00")
    assert Lot.objects.filter(account=account).count() == 1
    assert Account.objects.get(pk=account.pk).balance == D("100.00")
    assert_consistent()


def test_reversal_of_a_debit_whose_lot_expired_gives_a_new_lot(account, program, customer):
    ledger.credit(account=account, amount=D("100"), expires_at=at(10), at=at())
    sale = SaleFactory(program=program, customer=customer)
    ledger.spend(account=account, amount=D("40"), sale=sale, at=at(1))
    assert ledger.expire_lots(now=at(11)) == 1
    (reversal,) = ledger.reverse_sale_entries(sale=sale, at=at(12))
    assert reversal.lot.remaining == D("40.00")
    assert reversal.lot.expires_at is None
    assert ledger.active_balance(account, at=at(12)) == D("40.00")
    assert_consistent()


def test_reversal_takes_credits_back_and_spent_points_become_debt(account, program, customer):
    sale = SaleFactory(program=program, customer=customer)
    ledger.credit(account=account, amount=D("50"), sale=sale, at=at())
    ledger.spend(account=account, amount=D("45"), at=at(1))
    (reversal,) = ledger.reverse_sale_entries(sale=sale, at=at(2))
    assert reversal.amount == D("-50.00") and reversal.reverses_id is not None
    row = Account.objects.get(pk=account.pk)
    assert (row.balance, row.debt) == (D("-45.00"), D("45.00"))
    assert ledger.active_balance(row, at=at(2)) == D("-45.00")
    assert_consistent()
    # Later credits repay the debt first.
    later = ledger.credit(account=row, amount=D("60"), at=at(3))
    assert (row.balance, row.debt, later.lot.remaining) == (D("15.00"), D("0.00"), D("15.00"))
    assert_consistent()


def test_reversal_of_a_sale_that_spent_and_earned(account, program, customer):
    ledger.credit(account=account, amount=D("100"), at=at())
    sale = SaleFactory(program=program, customer=customer)
    ledger.spend(account=account, amount=D("50"), sale=sale, at=at(1))
    ledger.credit(account=account, amount=D("10"), sale=sale, at=at(1))
    ledger.spend(account=account, amount=D("55"), at=at(2))  # spends some of the earned
    ledger.reverse_sale_entries(sale=sale, at=at(3))
    row = Account.objects.get(pk=account.pk)
    # 100 - 50 + 10 - 55, then -10 + 50: the customer keeps what the sale did not give.
    assert (row.balance, row.debt) == (D("45.00"), D("0.00"))
    assert_consistent()


def test_reversal_is_idempotent(account, program, customer):
    sale = SaleFactory(program=program, customer=customer)
    ledger.credit(account=account, amount=D("30"), sale=sale, at=at())
    first = ledger.reverse_sale_entries(sale=sale, at=at(1))
    second = ledger.reverse_sale_entries(sale=sale, at=at(2))
    assert len(first) == 1 and second == []
    assert LedgerEntry.objects.filter(kind="reversal").count() == 1
    assert Account.objects.get(pk=account.pk).balance == D("0.00")


def test_reversal_does_not_take_back_expired_points_twice(account, program, customer):
    sale = SaleFactory(program=program, customer=customer)
    ledger.credit(account=account, amount=D("30"), sale=sale, expires_at=at(5), at=at())
    ledger.spend(account=account, amount=D("10"), at=at(1))
    ledger.expire_lots(now=at(6))  # 20 expire
    (reversal,) = ledger.reverse_sale_entries(sale=sale, at=at(7))
    assert reversal.amount == D("-10.00")
    row = Account.objects.get(pk=account.pk)
    assert (row.balance, row.debt) == (D("-10.00"), D("10.00"))
    assert_consistent()


def test_reversal_spans_several_accounts(customer, program):
    sale = SaleFactory(program=program, customer=customer)
    bonus = ledger.get_account(customer=customer, program=program)
    special = ledger.get_account(customer=customer, program=program, key="special")
    ledger.credit(account=bonus, amount=D("3"), sale=sale)
    ledger.credit(account=special, amount=D("4"), sale=sale)
    assert len(ledger.reverse_sale_entries(sale=sale)) == 2
    assert {a.balance for a in Account.objects.filter(customer=customer)} == {D("0.00")}
    assert_consistent()


def test_reversal_of_an_empty_sale_writes_nothing(program, customer):
    assert ledger.reverse_sale_entries(sale=SaleFactory(program=program, customer=customer)) == []


# --- expiry ---------------------------------------------------------------------------------


def test_expire_lots_posts_entries_once(account):
    ledger.credit(account=account, amount=D("10"), expires_at=at(5), at=at())
    ledger.credit(account=account, amount=D("7"), expires_at=at(8), at=at())
    ledger.credit(account=account, amount=D("1"), at=at())
    ledger.spend(account=account, amount=D("4"), at=at(1))
    assert ledger.expire_lots(now=at(4)) == 0
    assert ledger.expire_lots(now=at(6)) == 1
    assert ledger.expire_lots(now=at(6)) == 0
    expiry = LedgerEntry.objects.get(kind="expiry")
    assert (expiry.amount, expiry.created_at) == (D("-6.00"), at(5))
    assert ledger.expire_lots(now=at(9)) == 1
    assert Account.objects.get(pk=account.pk).balance == D("1.00")
    assert lots_of(account) == [D("0.00"), D("0.00"), D("1.00")]
    assert_consistent()


def test_expire_lots_spans_customers(program):
    accounts = []
    for _ in range(3):
        customer = CustomerFactory(business=program.business)
        accounts.append(ledger.get_account(customer=customer, program=program))
        ledger.credit(account=accounts[-1], amount=D("2"), expires_at=at(1), at=at())
    assert ledger.expire_lots(now=at(2)) == 3
    assert all(Account.objects.get(pk=a.pk).balance == 0 for a in accounts)


# --- reads ----------------------------------------------------------------------------------


def test_history_is_newest_first(account):
    first = ledger.credit(account=account, amount=D("1"), at=at())
    second = ledger.credit(account=account, amount=D("2"), at=at(1))
    same_time = ledger.spend(account=account, amount=D("1"), at=at(1))
    assert list(ledger_history(account=account)) == [same_time, second, first]


def test_check_ledger_reports_tampering(account):
    ledger.credit(account=account, amount=D("5"))
    Account.objects.filter(pk=account.pk).update(balance=D("7"))
    problems = check_ledger()
    assert len(problems) == 2
    assert "balance 7.00 != sum of entries 5.00" in problems[0]
    assert "lots remaining 5.00 - debt 0.00" in problems[1]


def test_a_refusal_inside_a_callers_transaction_leaves_it_usable(account):
    from django.db import transaction

    ledger.credit(account=account, amount=D("5"))
    with transaction.atomic():
        with pytest.raises(Refused):
            ledger.spend(account=account, amount=D("6"))
        ledger.spend(account=account, amount=D("5"))  # the transaction goes on
    assert Account.objects.get(pk=account.pk).balance == D("0.00")


def test_round_trips_inside_a_confirm(account, django_assert_num_queries):
    """Confirm has a query budget (quality.md P3): no savepoints inside its transaction."""
    from django.db import transaction

    ledger.credit(account=account, amount=D("5"), expires_at=at(9), at=at())
    ledger.credit(account=account, amount=D("5"), at=at())
    with transaction.atomic():
        # lock, lots, entry, lots update, lot uses, account
        with django_assert_num_queries(6):
            ledger.spend(account=account, amount=D("7"), at=at(1))
        # lock, then entry, lot and account: one statement
        with django_assert_num_queries(2):
            ledger.credit(account=account, amount=D("1"), at=at(1))
