"""coupons.md: once a series has issued coupons, its reward rule's action and values lock."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from coupons import services as coupon_services
from coupons.models import CouponSeries
from loyalty.models import Rule

from .test_rules import form_errors, rule_data


def reward_rule(program):
    rule = Rule.objects.create(
        business=program.business, program=program, key="free-croissant", name="Free croissant",
        mode="coupon", action="special_price", value=Decimal("0.00"),
        include_goods=["CROISSANT"], max_quantity=Decimal("1"),
    )  # fmt: skip
    series = CouponSeries.objects.create(
        business=program.business, program=program, key="croissant", name="Croissant",
        reward_rule=rule, validity_type="relative", valid_days=30,
    )  # fmt: skip
    return rule, series


def post_edit(client, rule, **changes):
    fields = {
        "key": rule.key, "name": rule.name, "mode": "coupon", "action": "special_price",
        "value": "0.00", "include_goods": "CROISSANT", "max_quantity": "1",
    }  # fmt: skip
    data = rule_data(**{**fields, **changes})
    return client.post(reverse("panel:rule_edit", args=[rule.pk]), data)


def test_reward_can_change_before_any_issue(owner_client, program):
    rule, _series = reward_rule(program)
    response = post_edit(owner_client, rule, value="5.00")
    assert response.status_code == 302, form_errors(response)
    rule.refresh_from_db()
    assert rule.value == Decimal("5.00")


def test_reward_is_locked_once_issued(owner_client, program):
    rule, series = reward_rule(program)
    coupon_services.issue_coupons(series=series, quantity=1, at=timezone.now())
    response = post_edit(owner_client, rule, value="5.00")
    errors = form_errors(response)
    assert "value" in errors and "issued" in errors["value"]
    rule.refresh_from_db()
    assert rule.value == Decimal("0.00")
    # The name and explanation stay editable.
    response = post_edit(owner_client, rule, name="Croissant on us")
    assert response.status_code == 302, form_errors(response)
