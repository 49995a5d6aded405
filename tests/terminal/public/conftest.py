import re

import pytest
from django.core.cache import cache

from customers.models import Notification
from tests.terminal.cashier.shop import make_shop


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def other_shop(db):
    return make_shop()


def last_code(phone: str) -> str:
    """The one-time code in the newest message to `phone` (the outbox row)."""
    body = Notification.objects.filter(recipient=phone, kind="one_time_code").latest("pk").body
    return re.search(r"\d{6}", body).group(0)


def send_code(client, url, phone):
    return client.post(url, {"step": "send", "phone": phone})


def verify(client, url, code):
    return client.post(url, {"step": "verify", "code": code})
