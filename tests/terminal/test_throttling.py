"""R8: code look-ups are throttled per device and per client address (429 + Retry-After);
checks are never throttled."""

import pytest
from django.core.cache import cache

from .conftest import LATTE, item, make_till

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def low_rate(settings):
    cache.clear()
    settings.PERKLINE_THROTTLE_CODES = "3/min"
    settings.PERKLINE_THROTTLE_CODES_ADDRESS = "5/min"
    yield
    cache.clear()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/terminal/customers/lookup?phone=+380501112233",
        "/api/v1/terminal/coupons/ABCD-EFGH-JK",
    ],
)
def test_code_lookups_are_throttled_per_device(path):
    till = make_till()
    statuses = [till.client.get(path).status_code for _ in range(4)]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[3] == 429
    throttled = till.client.get(path)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert throttled.json()["error"]["code"] == "throttled"


def test_per_address_limit_spans_devices():
    tills = [make_till(), make_till()]
    path = "/api/v1/terminal/coupons/ABCD-EFGH-JK"
    statuses = [tills[i % 2].client.get(path).status_code for i in range(6)]
    assert statuses[:5] == [404] * 5  # 3 per device is not reached: 3 + 2
    assert statuses[5] == 429  # the 6th from the same address


def test_checks_are_never_throttled():
    till = make_till()
    for _ in range(10):
        assert till.evaluate({"positions": [item(LATTE)]}).status_code == 200


def test_one_time_codes_at_the_kiosk_are_throttled():
    kiosk = make_till(kind="kiosk")
    statuses = [
        kiosk.client.post("/api/v1/kiosk/otp/verify", {"code": "000000"}, format="json").status_code
        for _ in range(4)
    ]
    assert statuses[3] == 429
