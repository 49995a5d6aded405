"""The cashier page's check and the API's share every field but the goods: the same limits and
messages (terminal.api.serializers.CashierCheckSerializer), the page's field names kept."""

import pytest
from django.urls import reverse
from rest_framework.exceptions import ValidationError

from loyalty.checks.inputs import MAX_COUPONS, MAX_MANUAL_RULES
from terminal.api.check_request import parse_check
from terminal.errors import first_error
from terminal.views.checkpad import check_input

pytestmark = pytest.mark.django_db

LINE = {"code": "LATTE", "quantity": "1"}
POSITION = {"code": "LATTE", "price": "60.00", "quantity": "1"}


def api_error(body):
    with pytest.raises(ValidationError) as refused:
        parse_check({"positions": [POSITION], **body})
    return first_error(refused.value.detail)


@pytest.mark.parametrize(
    ("page", "api", "page_field"),
    [
        (
            {"coupons": [f"CODE{i}" for i in range(MAX_COUPONS + 1)]},
            {"coupons": [f"CODE{i}" for i in range(MAX_COUPONS + 1)]},
            "coupons",
        ),
        (
            {"manual_rules": list(range(1, MAX_MANUAL_RULES + 2))},
            {"manual_rules": list(range(1, MAX_MANUAL_RULES + 2))},
            "manual_rules",
        ),
        ({"manual_rules": [0]}, {"manual_rules": [0]}, "manual_rules[0]"),
        ({"pay_with_points": "-1"}, {"pay_with_points": "-1"}, "pay_with_points"),
        ({"pay_with_points": "1.001"}, {"pay_with_points": "1.001"}, "pay_with_points"),
        ({"customer_id": "x"}, {"customer": {"id": "x"}}, "customer_id"),
    ],
)
def test_page_and_api_refuse_alike(till, page, api, page_field):
    response = till.post(
        reverse("cashier:api_evaluate"), {"lines": [LINE], **page}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    _api_field, api_message = api_error(api)
    assert (error["field"], error["message"]) == (page_field, api_message)


def test_the_page_keeps_its_own_input_format(shop):
    check, _lines = check_input(
        business=shop.business,
        data={
            "lines": [LINE],
            "customer_id": str(shop.customer.pk),
            "coupons": [" ", "ABC-123 "],
            "pay_with_points": "1,5",
            "manual_rules": ["7"],
        },
    )
    assert check.customer == {"id": shop.customer.pk}
    assert check.coupons == ("ABC-123",)
    assert str(check.pay_with_points) == "1.50"
    assert check.manual_rules == (7,)
