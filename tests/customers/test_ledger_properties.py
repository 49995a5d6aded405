"""Property: whatever the sequence of credits (pending, expiring), spends, adjustments,
expiries and reversals, the ledger stays consistent and spending never overdraws."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from core.errors import Refused
from customers import ledger
from customers.models import Account, LedgerEntry, Lot
from customers.selectors import check_ledger
from tests.factories import CustomerFactory, ProgramFactory, SaleFactory

from .conftest import T0

cents = st.integers(min_value=1, max_value=5000).map(lambda c: Decimal(c) / 100)
sale_index = st.one_of(st.none(), st.integers(min_value=0, max_value=2))
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("credit"),
            cents,
            st.one_of(st.none(), st.integers(1, 4)),  # pending for days
            st.one_of(st.none(), st.integers(1, 8)),  # expires after days
            sale_index,
        ),
        st.tuples(st.just("spend"), cents, sale_index),
        st.tuples(st.just("adjust"), cents, st.booleans()),
        st.tuples(st.just("advance"), st.integers(1, 5)),
        st.tuples(st.just("reverse"), st.integers(0, 2)),
    ),
    min_size=1,
    max_size=25,
)


class LedgerProperties(TestCase):
    @settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(operations)
    def test_balance_equals_entries_equals_lots_minus_debt(self, ops):
        program = ProgramFactory()
        customer = CustomerFactory(business=program.business)
        account = ledger.get_account(customer=customer, program=program)
        sales = [SaleFactory(program=program, customer=customer) for _ in range(3)]
        now = T0
        for op in ops:
            kind = op[0]
            before = ledger.active_balance(account, at=now)
            if kind == "credit":
                _, amount, pending, expires, sale = op
                activates_at = now + timedelta(days=pending) if pending else None
                expires_at = now + timedelta(days=expires) if expires else None
                if activates_at and expires_at and expires_at <= activates_at:
                    expires_at = None
                ledger.credit(
                    account=account,
                    amount=amount,
                    activates_at=activates_at,
                    expires_at=expires_at,
                    sale=sales[sale] if sale is not None else None,
                    at=now,
                )
            elif kind in ("spend", "adjust"):
                amount = op[1]
                try:
                    if kind == "spend":
                        sale = sales[op[2]] if op[2] is not None else None
                        ledger.spend(account=account, amount=amount, sale=sale, at=now)
                    else:
                        signed = amount if op[2] else -amount
                        ledger.adjust(
                            account=account, amount=signed, staff=None, reason="p", at=now
                        )
                        amount = -signed
                except Refused:
                    assert before < amount
                    assert ledger.active_balance(account, at=now) == before
                else:
                    after = ledger.active_balance(account, at=now)
                    assert after == before - amount
                    if amount > 0:  # a take never overdraws
                        assert after >= 0
            elif kind == "advance":
                now += timedelta(days=op[1])
                ledger.expire_lots(now=now)
                account.refresh_from_db()
                assert not Lot.objects.filter(expires_at__lte=now, remaining__gt=0).exists()
            else:
                ledger.reverse_sale_entries(sale=sales[op[1]], at=now)
                assert ledger.reverse_sale_entries(sale=sales[op[1]], at=now) == []
                account.refresh_from_db()

            assert check_ledger() == []
            row = Account.objects.get(pk=account.pk)
            assert (row.balance, row.debt) == (account.balance, account.debt)
            assert row.debt >= 0
            entries = sum(LedgerEntry.objects.filter(account=row).values_list("amount", flat=True))
            lots = sum(Lot.objects.filter(account=row).values_list("remaining", flat=True))
            assert row.balance == entries == lots - row.debt
