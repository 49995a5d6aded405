"""GET coupons/{code} as terminal-api.md writes it: an optional phone, card or customer
names who presents the coupon, and what no cashier can change is told before who holds it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupons.services import issue_coupons
from tests.factories import CouponSeriesFactory, CustomerFactory, EnrolmentFactory

from .conftest import make_till

pytestmark = pytest.mark.django_db


@pytest.fixture
def till():
    return make_till()


def customer(till, phone, card):
    person = CustomerFactory(business=till.business, phone=phone, card_code=card)
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    return person


def wallet_coupon(till, holder, **series_fields):
    series = CouponSeriesFactory(program=till.program, **series_fields)
    (coupon,) = issue_coupons(
        series=series, quantity=1, at=timezone.now() - timedelta(days=1), customer=holder
    )
    return coupon


def ask(till, code, **query):
    return till.client.get(f"/api/v1/terminal/coupons/{code}", query)


def test_the_holder_named_by_phone_card_or_id_may_use_it(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    coupon = wallet_coupon(till, olena)
    for query in ({"phone": "050 111 22 33"}, {"card": "CARDOLENA"}, {"customer": olena.pk}):
        answer = ask(till, coupon.code, **query).json()
        assert (answer["usable_here"], answer["reason"]) == (True, None), query


def test_nobody_named_is_customer_required_someone_else_not_applicable(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    taras = customer(till, "+380671112233", "CARDTARAS")
    coupon = wallet_coupon(till, olena)
    assert ask(till, coupon.code).json()["reason"] == "customer_required"
    assert ask(till, coupon.code, card="CARDTARAS").json()["reason"] == "coupon_not_applicable"
    assert ask(till, coupon.code, customer=taras.pk).json()["reason"] == "coupon_not_applicable"
    # A phone nobody registered yet holds nothing: not this coupon either.
    assert ask(till, coupon.code, phone="0931234567").json()["reason"] == "coupon_not_applicable"


def test_an_expired_coupon_says_so_before_customer_required(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    coupon = wallet_coupon(till, olena, valid_days=1)
    coupon.valid_to = timezone.now() - timedelta(hours=1)
    coupon.save(update_fields=["valid_to"])
    assert ask(till, coupon.code).json()["reason"] == "coupon_expired"
    assert ask(till, coupon.code, card="CARDOLENA").json()["reason"] == "coupon_expired"


def test_a_not_yet_valid_coupon_says_so_before_customer_required(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    coupon = wallet_coupon(till, olena)
    coupon.valid_from = timezone.now() + timedelta(days=2)
    coupon.save(update_fields=["valid_from"])
    assert ask(till, coupon.code).json()["reason"] == "coupon_not_yet_valid"


def test_an_unknown_card_or_id_is_404_naming_the_query_field(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    coupon = wallet_coupon(till, olena)
    answer = ask(till, coupon.code, card="NOBODY")
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "card"
    answer = ask(till, coupon.code, customer=999999)
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "customer"


def test_two_presenters_at_once_is_a_validation_error(till):
    olena = customer(till, "+380501112233", "CARDOLENA")
    coupon = wallet_coupon(till, olena)
    answer = ask(till, coupon.code, phone="+380501112233", card="CARDOLENA")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "validation_error"
    assert answer.json()["error"]["field"] == "card"
