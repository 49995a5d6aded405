"""Panel test setup: a business with an owner, a manager and a cashier, logged-in clients."""

import pytest
from django.test import Client

from loyalty.models import Membership
from tests.factories import (
    BusinessFactory,
    MembershipFactory,
    PointOfSaleFactory,
    ProgramFactory,
    UserFactory,
)

PASSWORD = "pass-word-123"


@pytest.fixture
def business(db):
    return BusinessFactory(name="Coffee Corner", language="en")


@pytest.fixture
def program(business):
    return ProgramFactory(business=business, name="Coffee Club", key="coffee-club")


@pytest.fixture
def pos(program):
    return PointOfSaleFactory(program=program, name="Khreshchatyk 1", key="center")


def member(business, role, email=None):
    user = UserFactory(**({"email": email} if email else {}))
    MembershipFactory(business=business, user=user, role=role)
    return user


@pytest.fixture
def owner(business):
    return member(business, Membership.OWNER, "owner@example.com")


@pytest.fixture
def manager(business):
    return member(business, Membership.MANAGER, "manager@example.com")


@pytest.fixture
def cashier(business):
    return member(business, Membership.CASHIER, "cashier@example.com")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return logged_in(owner)


@pytest.fixture
def manager_client(manager):
    return logged_in(manager)


@pytest.fixture
def cashier_client(cashier):
    return logged_in(cashier)
