"""The cashier's customer answer names what each units account pays for, so that the check
page offers it on the lines it covers (payments.md "Prepaid units and money, end to end")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers import ledger
from customers.models import AccountType
from tests.factories import AccountTypeFactory

pytestmark = pytest.mark.django_db


def test_the_customer_answer_lists_units_accounts_with_what_they_pay_for(till, shop):
    AccountTypeFactory(
        program=shop.program,
        key="car-wash",
        name="Car washes",
        kind=AccountType.Kind.GOODS,
        pays_for={"goods": ["WASH", "FOAM"], "categories": ["washes"]},
    )
    AccountTypeFactory(program=shop.program, key="empty", kind=AccountType.Kind.GOODS)
    AccountTypeFactory(program=shop.program, key="wallet", kind=AccountType.Kind.MONEY)
    for key, amount in (("car-wash", "3"), ("wallet", "10")):
        account = ledger.get_account(customer=shop.customer, program=shop.program, key=key)
        ledger.credit(account=account, amount=Decimal(amount))
    answer = till.get(reverse("cashier:api_customer"), {"id": shop.customer.pk}).json()
    # money accounts pay the whole check; an empty units account offers nothing
    assert answer["units_accounts"] == [
        {
            "key": "car-wash",
            "name": "Car washes",
            "units": True,
            "active": "3",
            "goods": ["FOAM", "WASH"],
            "categories": ["washes"],
        }
    ]
