"""One helper per kind of setup for the coupon tests."""

import pytest

from customers.notify.backends import ConsoleBackend
from tests.factories import (
    CouponSeriesFactory,
    CustomerFactory,
    EnrolmentFactory,
    PointOfSaleFactory,
    ProgramFactory,
)


@pytest.fixture
def program(db):
    return ProgramFactory(business__timezone="Europe/Kyiv")


@pytest.fixture
def business(program):
    return program.business


@pytest.fixture
def pos(program):
    return PointOfSaleFactory(program=program, business=program.business)


@pytest.fixture
def make_customer(program):
    def make(**kwargs):
        customer = CustomerFactory(business=program.business, **kwargs)
        EnrolmentFactory(customer=customer, business=program.business, program=program)
        return customer

    return make


@pytest.fixture
def customer(make_customer):
    return make_customer(name="Olena")


@pytest.fixture
def friend(make_customer):
    return make_customer(name="Taras")


@pytest.fixture
def series(program):
    return CouponSeriesFactory(program=program)


@pytest.fixture
def outbox(db):
    from customers.models import Notification

    return Notification.objects


@pytest.fixture
def console_outbox():
    ConsoleBackend.outbox.clear()
    yield ConsoleBackend.outbox
    ConsoleBackend.outbox.clear()
