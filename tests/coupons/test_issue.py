"""Issuing coupons: free and to a wallet, inventory, archived and ended series, stock codes."""

from datetime import date

import pytest

from core.errors import Refused, ValidationFailed
from coupons.codes import normalize_code
from coupons.imports import generate_pregenerated
from coupons.models import Coupon, CouponEvent, CouponSeries
from coupons.services import issue_coupons
from customers.models import Notification
from tests.factories import T0, CouponSeriesFactory, SaleFactory, at

S = Coupon.State


def test_free_coupons_get_codes_and_events(series, pos):
    coupons = issue_coupons(series=series, quantity=3, at=T0, point_of_sale=pos)
    assert len(coupons) == 3
    for coupon in coupons:
        coupon.refresh_from_db()
        assert coupon.state == S.FREE and coupon.customer is None and not coupon.is_stock
        assert coupon.code.startswith("CR-") and coupon.code_norm == normalize_code(coupon.code)
        assert coupon.issued_at == T0
        event = CouponEvent.objects.get(coupon=coupon)
        assert (event.from_state, event.to_state, event.actor_kind) == ("", S.FREE, "system")
        assert event.point_of_sale == pos
    series.refresh_from_db()
    assert series.issued_count == 3


def test_to_a_wallet_with_the_window_and_one_notification(series, customer):
    sale = SaleFactory(program=series.program, customer=customer)
    coupons = issue_coupons(
        series=series, quantity=2, at=T0, customer=customer, sale=sale, notify=True
    )
    for coupon in coupons:
        coupon.refresh_from_db()
        assert coupon.state == S.IN_WALLET and coupon.customer == customer
        assert coupon.claimed_at == T0 and coupon.issued_by_sale == sale
        # 30 calendar days in Kyiv: 12:00 on the wall clock, after the switch to summer time
        assert coupon.valid_from == T0 and coupon.valid_to == at(days=30, hours=-1)
    [message] = Notification.objects.filter(customer=customer)
    assert message.kind == "coupon_issued"
    assert "2 × " in message.body and "/w/" in message.body  # the wallet holds them


def test_notification_in_the_customers_language(series, make_customer):
    customer = make_customer(language="uk")
    issue_coupons(series=series, quantity=1, at=T0, customer=customer, notify=True)
    message = Notification.objects.get(customer=customer)
    assert "(uk)" in message.subject  # the series' Ukrainian title


def test_inventory_is_respected_exactly(program):
    series = CouponSeriesFactory(program=program, inventory=5)
    issue_coupons(series=series, quantity=3, at=T0)
    with pytest.raises(Refused) as err:
        issue_coupons(series=series, quantity=3, at=T0)
    assert err.value.code == "coupon_series_exhausted" and err.value.status == 422
    issue_coupons(series=series, quantity=2, at=T0)
    with pytest.raises(Refused):
        issue_coupons(series=series, quantity=1, at=T0)
    series.refresh_from_db()
    assert series.issued_count == 5 == Coupon.objects.filter(series=series).count()
    assert CouponEvent.objects.filter(series=series).count() == 5  # none for the refusals


def test_archived_series_issues_nothing(program):
    series = CouponSeriesFactory(program=program, is_archived=True)
    with pytest.raises(Refused) as err:
        issue_coupons(series=series, quantity=1, at=T0)
    assert err.value.code == "coupon_series_exhausted"
    assert not Coupon.objects.exists()


def test_issue_until_is_an_inclusive_day_in_the_business_time_zone(program):
    series = CouponSeriesFactory(program=program, issue_until=date(2030, 3, 10))
    issue_coupons(series=series, quantity=1, at=at(hours=11, minutes=59))  # 23:59 Kyiv
    with pytest.raises(Refused) as err:
        issue_coupons(series=series, quantity=1, at=at(hours=12))  # 00:00 on the 11th
    assert err.value.code == "coupon_series_exhausted"


def test_range_series_past_its_end_issues_nothing(program):
    series = CouponSeriesFactory(
        program=program,
        validity_type=CouponSeries.Validity.RANGE,
        valid_from=date(2030, 1, 1),
        valid_to=date(2030, 3, 9),
    )
    with pytest.raises(Refused):
        issue_coupons(series=series, quantity=1, at=T0)


def test_quantity_must_be_positive(series):
    with pytest.raises(ValidationFailed) as err:
        issue_coupons(series=series, quantity=0, at=T0)
    assert err.value.field == "quantity"


def test_customer_of_another_business_is_not_found(series):
    from tests.factories import CustomerFactory

    with pytest.raises(Exception) as err:
        issue_coupons(series=series, quantity=1, at=T0, customer=CustomerFactory())
    assert getattr(err.value, "status", None) == 404


def test_code_collision_is_drawn_again(series, monkeypatch):
    [first] = issue_coupons(series=series, quantity=1, at=T0)
    draws = iter([[(first.code, first.code_norm)], [("CR-NEWC-ODE2-34", "CRNEWCODE234")]])
    monkeypatch.setattr("coupons.fresh_codes.generate_codes", lambda s, n: next(draws))
    [second] = issue_coupons(series=series, quantity=1, at=T0)
    assert second.code == "CR-NEWC-ODE2-34"
    assert Coupon.objects.get(pk=second.pk).code == "CR-NEWC-ODE2-34"
    assert CouponEvent.objects.filter(coupon=second, to_state=S.FREE).count() == 1
    assert CouponEvent.objects.filter(series=series).count() == 2  # none for the collision
    series.refresh_from_db()
    assert series.issued_count == 2


def test_pregenerated_series_hands_out_stock_codes(program, customer):
    series = CouponSeriesFactory(
        program=program, code_mode=CouponSeries.CodeMode.PREGENERATED, inventory=4
    )
    assert generate_pregenerated(series=series, count=4) == 4
    stock = list(Coupon.objects.filter(series=series).order_by("pk"))
    assert all(c.is_stock for c in stock)
    given = issue_coupons(series=series, quantity=3, at=T0, customer=customer)
    assert [c.pk for c in given] == [c.pk for c in stock[:3]]  # oldest stock first
    assert all(c.state == S.IN_WALLET and not c.is_stock and c.valid_to for c in given)
    with pytest.raises(Refused) as err:
        issue_coupons(series=series, quantity=2, at=T0)
    assert err.value.code == "coupon_series_exhausted"
    series.refresh_from_db()
    assert series.issued_count == 3  # the refused issue counted nothing


def test_stock_running_out_refuses_even_without_inventory(program):
    series = CouponSeriesFactory(program=program, code_mode=CouponSeries.CodeMode.PREGENERATED)
    generate_pregenerated(series=series, count=1)
    issue_coupons(series=series, quantity=1, at=T0)
    with pytest.raises(Refused) as err:
        issue_coupons(series=series, quantity=1, at=T0)
    assert err.value.code == "coupon_series_exhausted"
    series.refresh_from_db()
    assert series.issued_count == 1
