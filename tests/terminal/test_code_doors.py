"""R13: every door that tells whether a code, card or phone exists counts toward the code
throttle; a check presenting no code is never throttled; at most 10 codes on one check."""

import pytest
from django.urls import reverse

from tests.terminal.cashier.conftest import logged_in
from tests.terminal.cashier.shop import make_shop

from .conftest import LATTE, item, make_till

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rate(settings):
    settings.PERKLINE_THROTTLE_CODES = "3/min"
    settings.PERKLINE_THROTTLE_CODES_ADDRESS = "100/min"


def unknown(n):
    return [f"NOPE-{i:04d}-ZZZZ" for i in range(n)]


def test_a_check_presents_at_most_ten_codes():
    till = make_till()
    response = till.evaluate({"positions": [item(LATTE)], "coupons": unknown(11)})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "coupons"
    response = till.confirm({"positions": [item(LATTE)], "coupons": unknown(11)})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "coupons"


def test_unknown_codes_on_evaluate_count_and_then_429():
    till = make_till()
    first = till.evaluate({"positions": [item(LATTE)], "coupons": unknown(2)})
    assert first.status_code == 200
    assert [n["code"] for n in first.json()["not_applied"]] == ["coupon_not_found"] * 2
    # 2 + 2 unknown codes > 3 a minute: the call that passes the budget is refused.
    second = till.evaluate({"positions": [item(LATTE)], "coupons": unknown(2)})
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "throttled"
    assert int(second["Retry-After"]) >= 1
    # Any later check presenting a code is refused before it is looked at...
    assert till.evaluate({"positions": [item(LATTE)], "coupons": unknown(1)}).status_code == 429
    # ... while a check with no code is never refused.
    for _ in range(5):
        assert till.evaluate({"positions": [item(LATTE)]}).status_code == 200
        assert till.confirm({"positions": [item(LATTE)]}, key=f"k{_}").status_code == 201


def test_fifty_unknown_codes_a_call_no_longer_slip_through():
    """The finding: 100 calls of 50 codes each in 5 s were never throttled."""
    till = make_till()
    statuses = [
        till.evaluate({"positions": [item(LATTE)], "coupons": unknown(10)}).status_code
        for _ in range(5)
    ]
    assert statuses == [429] * 5  # 10 unknown codes already pass a budget of 3


def test_unknown_codes_on_confirm_count():
    till = make_till()
    statuses = [
        till.confirm({"positions": [item(LATTE)], "coupons": unknown(1)}, key=f"c{i}").status_code
        for i in range(5)
    ]
    assert statuses[:3] == [422, 422, 422]
    assert statuses[3:] == [429, 429]


def test_registering_a_phone_that_exists_counts():
    till = make_till()
    path = "/api/v1/terminal/customers"
    assert till.client.post(path, {"phone": "+380501112233"}, format="json").status_code == 201
    statuses = [
        till.client.post(path, {"phone": "+380501112233"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # New phones are registrations, not guesses: never refused.
    for i in range(5):
        response = till.client.post(path, {"phone": f"+38050111{i:04d}"}, format="json")
        assert response.status_code == 201


@pytest.fixture
def shop():
    return make_shop()


def cashier_post(client, name, body):
    return client.post(reverse(name), body, content_type="application/json")


def test_cashier_page_customer_lookups_are_throttled(shop):
    client = logged_in(shop.cashier, shop.pos)
    url = reverse("cashier:api_customer")
    statuses = [client.get(url, {"phone": f"+38067000000{i}"}).status_code for i in range(4)]
    assert statuses == [404, 404, 404, 429]
    throttled = client.get(url, {"card": "ANY"})
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) >= 1


def test_cashier_page_certificate_lookups_are_throttled(shop):
    client = logged_in(shop.cashier, shop.pos)
    body = {"code": "NOPE-NOPE-NOPE", "customer_id": shop.customer.pk}
    statuses = [cashier_post(client, "cashier:api_certificate", body).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_cashier_page_register_of_a_known_phone_counts(shop):
    client = logged_in(shop.cashier, shop.pos)
    body = {"phone": shop.customer.phone}
    statuses = [cashier_post(client, "cashier:api_register", body).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_cashier_page_checks_with_unknown_codes_count(shop):
    client = logged_in(shop.cashier, shop.pos)
    body = {"lines": [{"code": "LATTE", "quantity": "1"}], "coupons": unknown(2)}
    assert cashier_post(client, "cashier:api_evaluate", body).status_code == 200
    assert cashier_post(client, "cashier:api_evaluate", body).status_code == 429
    plain = {"lines": [{"code": "LATTE", "quantity": "1"}]}
    assert cashier_post(client, "cashier:api_evaluate", plain).status_code == 200
