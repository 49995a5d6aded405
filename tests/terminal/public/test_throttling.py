"""Public code look-ups and one-time code sends are limited per client address."""

import pytest
from django.urls import reverse

from core.throttle import parse_rate
from customers.models import OneTimeCode

pytestmark = pytest.mark.django_db


def test_parse_rate():
    assert parse_rate("30/min") == (30, 60)
    assert parse_rate("5/10min") == (5, 600)
    assert parse_rate("100/day") == (100, 86400)
    with pytest.raises(ValueError):
        parse_rate("lots")


@pytest.mark.parametrize("route", ["public:coupon", "public:certificate"])
def test_code_lookups_answer_429_with_retry_after(client, settings, route):
    settings.PERKLINE_PUBLIC_LOOKUP_RATE = "3/min"
    path = reverse(route, args=["GUESS-0000"])
    assert [client.get(path).status_code for _ in range(3)] == [404, 404, 404]
    throttled = client.get(path)
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert "Too many requests" in throttled.content.decode()


def test_lookups_are_counted_per_client_address(client, settings):
    settings.PERKLINE_PUBLIC_LOOKUP_RATE = "1/min"
    path = reverse("public:coupon", args=["GUESS-0000"])
    assert client.get(path, REMOTE_ADDR="10.0.0.1").status_code == 404
    assert client.get(path, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(path, REMOTE_ADDR="10.0.0.2").status_code == 404


def test_series_visits_are_throttled_too(client, settings, db):
    settings.PERKLINE_PUBLIC_LOOKUP_RATE = "1/min"
    path = reverse("public:series", args=["nope"])
    client.get(path)
    assert client.get(path).status_code == 429


def test_one_time_code_sends_answer_429(client, settings):
    from tests.terminal.cashier.shop import make_shop

    shop = make_shop()
    settings.PERKLINE_OTP_PHONE_RATE = "2/min"
    path = reverse("public:wallet", args=[shop.business.slug])
    for _ in range(2):
        assert client.post(path, {"step": "send", "phone": shop.customer.phone}).status_code == 200
    throttled = client.post(path, {"step": "send", "phone": shop.customer.phone})
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) >= 1
    assert OneTimeCode.objects.count() == 2


def test_one_phone_cannot_be_flooded_from_many_addresses(client, settings):
    from tests.terminal.cashier.shop import make_shop

    shop = make_shop()
    settings.PERKLINE_OTP_PHONE_RATE = "2/min"
    path = reverse("public:wallet", args=[shop.business.slug])
    statuses = [
        client.post(
            path, {"step": "send", "phone": shop.customer.phone}, REMOTE_ADDR=f"10.0.0.{i}"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
