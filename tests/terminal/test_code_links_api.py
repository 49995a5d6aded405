"""The terminal API takes a coupon's public link wherever it takes its code (journey.md
"Links in every QR"): the till's scanner reads the link from the printed QR."""

import pytest
from django.utils import timezone

from coupons.models import Coupon
from coupons.services import issue_coupons
from tests.factories import CouponSeriesFactory

from .conftest import LATTE, item

pytestmark = pytest.mark.django_db


def test_a_coupon_link_is_applied_and_redeemed_like_its_code(till):
    series = CouponSeriesFactory(program=till.program, business=till.business)
    (coupon,) = issue_coupons(series=series, quantity=1, at=timezone.now())
    link = f"https://perkline.example/c/{coupon.code}"

    by_code = till.evaluate({"positions": [item(LATTE)], "coupons": [coupon.code]}).json()
    by_link = till.evaluate({"positions": [item(LATTE)], "coupons": [link]})
    assert by_link.status_code == 200
    assert by_link.json()["discount"] == by_code["discount"] != "0.00"

    answer = till.confirm({"positions": [item(LATTE)], "coupons": [link]}, key="l1")
    assert answer.status_code == 201, answer.json()
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.REDEEMED
