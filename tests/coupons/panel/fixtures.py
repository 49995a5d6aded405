"""Fixtures and helpers for the coupon and certificate panel pages (a business with a program,
logged-in clients, series, customers); the conftest files of both test folders load them."""

import io
from decimal import Decimal

import pytest
from PIL import Image

from loyalty.models import Membership, Rule
from tests.factories import (
    BusinessFactory,
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    PointOfSaleFactory,
    ProgramFactory,
    RuleFactory,
    TopUpSeriesFactory,
)
from tests.loyalty.panel.conftest import logged_in, member


@pytest.fixture
def business(db):
    return BusinessFactory(name="Coffee Corner", timezone="Europe/Kyiv", language="en")


@pytest.fixture
def program(business):
    return ProgramFactory(business=business, name="Coffee Club", key="coffee-club")


@pytest.fixture
def pos(program):
    return PointOfSaleFactory(program=program, name="Khreshchatyk 1", key="center")


@pytest.fixture
def owner(business):
    return member(business, Membership.OWNER, "owner@example.com")


@pytest.fixture
def owner_client(owner):
    return logged_in(owner)


@pytest.fixture
def manager_client(business):
    return logged_in(member(business, Membership.MANAGER, "manager@example.com"))


@pytest.fixture
def cashier_client(business):
    return logged_in(member(business, Membership.CASHIER, "cashier@example.com"))


@pytest.fixture
def coupon_rule(program):
    return RuleFactory(
        program=program,
        name="10% off",
        key="ten-off",
        mode=Rule.Mode.COUPON,
        action=Rule.Action.DISCOUNT_CHECK_PERCENT,
        value=Decimal("10"),
    )


@pytest.fixture
def series(program, coupon_rule):
    return CouponSeriesFactory(
        program=program, reward_rule=coupon_rule, name="Spring coffee", key="spring"
    )


@pytest.fixture
def top_up_series(program):
    return TopUpSeriesFactory(program=program, name="Gift 100", key="gift-100")


@pytest.fixture
def make_customer(business, program):
    def make(**kwargs):
        category = kwargs.pop("category", None)
        customer = CustomerFactory(business=business, **kwargs)
        EnrolmentFactory(customer=customer, program=program, category=category)
        return customer

    return make


@pytest.fixture
def category(program):
    return CustomerCategoryFactory(program=program, key="vip", name="VIP")


def image_bytes(size=(1600, 900), fmt="PNG", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    Image.new(mode, size, color).save(out, format=fmt)
    return out.getvalue()


def series_data(program, rule=None, **overrides) -> dict:
    """What the browser posts for a valid new series (a 10% coupon, 30 days)."""
    data = {
        "program": program.pk,
        "key": "summer",
        "name": "Summer",
        "title_en": "Summer coffee",
        "title_uk": "Літня кава",
        "description_en": "",
        "description_uk": "",
        "reward_kind": "rule",
        "reward_rule": rule.pk if rule else "",
        "top_up_account": "bonus",
        "top_up_amount": "",
        "min_spend": "",
        "validity_type": "relative",
        "valid_from": "",
        "valid_to": "",
        "delay_days": "0",
        "valid_days": "30",
        "valid_hours": "",
        "issue_until": "",
        "inventory": "",
        "code_mode": "on_issue",
        "code_prefix": "SU",
        "code_length": "10",
        "code_group": "4",
        "referral_reward": "",
        "expiry_reminder_hours": "",
        "kiosk_price": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
