"""`POST terminal/coupons/{code}/transfer` (terminal-api.md): a cashier moves a
transferable coupon between wallets; refusals in the documented shape, nothing moved."""

import pytest
from django.utils import timezone

from coupons.models import Coupon
from coupons.services import issue_coupons
from customers.models import Customer
from tests.factories import CouponSeriesFactory, CustomerFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(till):
    series = CouponSeriesFactory(program=till.program, business=till.business, transferable=True)
    giver = CustomerFactory(business=till.business, phone="+380501230001")
    friend = CustomerFactory(business=till.business, phone="+380501230002")
    for c in (giver, friend):
        EnrolmentFactory(customer=c, business=till.business, program=till.program)
    (coupon,) = issue_coupons(series=series, quantity=1, at=timezone.now(), customer=giver)
    return till, series, giver, friend, coupon


def transfer(till, code, body):
    return till.client.post(f"/api/v1/terminal/coupons/{code}/transfer", body, format="json")


def test_the_coupon_moves_to_the_friend(setup):
    till, _series, giver, friend, coupon = setup
    response = transfer(
        till, coupon.code, {"from": {"id": giver.pk}, "to": {"phone": friend.phone}}
    )
    assert response.status_code == 200, response.json()
    coupon.refresh_from_db()
    assert (coupon.customer, coupon.giver) == (friend, giver)


def test_a_link_scanned_from_the_qr_works_too(setup):
    till, _series, giver, friend, coupon = setup
    # path parameters take the bare code; the body takes refs: the code from the link
    response = transfer(
        till, coupon.code, {"from": {"card": giver.card_code}, "to": {"id": friend.pk}}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("case", "status", "code", "field"),
    [
        ("self", 400, "validation_error", "to"),
        ("not_transferable", 422, "coupon_not_applicable", None),
        ("not_holder", 422, "coupon_not_applicable", None),
        ("unknown_from", 404, "not_found", "from"),
        ("used", 422, "coupon_already_redeemed", None),
        ("bad_body", 400, "validation_error", None),
    ],
)
def test_refusals_move_nothing(setup, case, status, code, field):
    till, series, giver, friend, coupon = setup
    body = {"from": {"id": giver.pk}, "to": {"id": friend.pk}}
    if case == "self":
        body["to"] = {"id": giver.pk}
    elif case == "not_transferable":
        series.transferable = False
        series.save()
    elif case == "not_holder":
        body = {"from": {"id": friend.pk}, "to": {"id": giver.pk}}
    elif case == "unknown_from":
        body["from"] = {"phone": "+380501239999"}
    elif case == "used":
        Coupon.objects.filter(pk=coupon.pk).update(state=Coupon.State.REDEEMED)
    elif case == "bad_body":
        body = {"to": {"id": friend.pk}}
    customers = Customer.objects.count()
    response = transfer(till, coupon.code, body)
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert error["code"] == code
    if field:
        assert error["field"] == field
    coupon.refresh_from_db()
    assert coupon.customer == giver
    assert Customer.objects.count() == customers


def test_a_new_phone_as_friend_is_registered_but_not_on_refusal(setup):
    till, series, giver, _friend, coupon = setup
    series.transferable = False
    series.save()
    response = transfer(
        till, coupon.code, {"from": {"id": giver.pk}, "to": {"phone": "+380501238888"}}
    )
    assert response.status_code == 422
    assert not Customer.objects.filter(phone="+380501238888").exists()
    series.transferable = True
    series.save()
    response = transfer(
        till, coupon.code, {"from": {"id": giver.pk}, "to": {"phone": "+380501238888"}}
    )
    assert response.status_code == 200
    assert Customer.objects.filter(phone="+380501238888").exists()
