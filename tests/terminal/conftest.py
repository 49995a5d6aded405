"""One helper per kind of setup for the terminal API tests."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from loyalty.checks.ruleset import clear_cache
from loyalty.services.devices import issue_device
from tests.factories import (
    CustomerCategoryFactory,
    PointOfSaleFactory,
    ProgramFactory,
    RuleFactory,
)

D = Decimal


@dataclass
class Till:
    """A business with a program, a point of sale and a terminal key."""

    business: object
    program: object
    pos: object
    device: object
    key: str
    client: APIClient

    def rule(self, **fields):
        fields.setdefault("program", self.program)
        return RuleFactory(**fields)

    def evaluate(self, body, **extra):
        return self.client.post("/api/v1/terminal/checks/evaluate", body, format="json", **extra)

    def confirm(self, body, key="k-1", **extra):
        return self.client.post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra
        )


def make_till(kind="terminal", program=None) -> Till:
    program = program or ProgramFactory(business__timezone="Europe/Kyiv")
    CustomerCategoryFactory(program=program, key="regular", name="Regular", is_default=True)
    pos = PointOfSaleFactory(program=program, key="center")
    device, key = issue_device(point_of_sale=pos, kind=kind, name="Till 1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return Till(program.business, program, pos, device, key, client)


@pytest.fixture
def till(db):
    clear_cache()
    return make_till()


@pytest.fixture
def other_till(db):
    return make_till()


def position(code, price, quantity="1", category=""):
    return {
        "code": code,
        "title": code.title(),
        "category": category,
        "price": str(price),
        "quantity": str(quantity),
    }


LATTE = ("LATTE", "60.00", "coffee")
CROISSANT = ("CROISSANT", "45.00", "bakery")
BEANS = ("BEANS", "350.00", "coffee-beans")


def item(goods, quantity="1"):
    code, price, category = goods
    return position(code, price, quantity, category)
