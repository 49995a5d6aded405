"""One helper per kind of setup for the customers app's tests."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from customers import ledger
from customers.notify.backends import ConsoleBackend
from tests.factories import (
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
)

D = Decimal
T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def at(days=0, hours=0):
    """A fixed point in time: T0 plus `days` and `hours`."""
    return T0 + timedelta(days=days, hours=hours)


@pytest.fixture
def program(db):
    return ProgramFactory()


@pytest.fixture
def business(program):
    return program.business


@pytest.fixture
def regular(program):
    return CustomerCategoryFactory(program=program, key="regular", name="Regular", is_default=True)


@pytest.fixture
def customer(program):
    customer = CustomerFactory(business=program.business, phone="+380501234567")
    EnrolmentFactory(customer=customer, business=program.business, program=program)
    return customer


@pytest.fixture
def account(customer, program):
    return ledger.get_account(customer=customer, program=program)


@pytest.fixture
def console_outbox():
    ConsoleBackend.outbox.clear()
    yield ConsoleBackend.outbox
    ConsoleBackend.outbox.clear()
