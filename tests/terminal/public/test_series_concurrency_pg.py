"""R19: "one per customer" on a promotion link holds under concurrent claims (PostgreSQL,
real threads, each request on its own database connection, as in several workers)."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import reverse

from coupons.models import Coupon, PromotionChannel
from terminal.views.public_auth import CUSTOMER_KEY

pytestmark = [pytest.mark.django_db(transaction=True)]

CLAIMS = 16


def signed_in_session(customer) -> str:
    """A session in which `customer` has proven their phone (as after a one-time code)."""
    session = SessionStore()
    session[CUSTOMER_KEY] = {"business": customer.business_id, "customer": customer.pk}
    session.create()
    return session.session_key


def test_16_concurrent_claims_through_one_link_give_one_coupon(shop):
    url = reverse("public:series", args=[shop.series.token]) + "?channel=instagram"
    session_key = signed_in_session(shop.customer)
    barrier = threading.Barrier(CLAIMS, timeout=60)

    def claim(_i):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        try:
            barrier.wait()
            response = client.post(url, {"step": "act", "channel": "instagram"})
            text = response.content.decode()
            if "The coupon is in your wallet now." in text:
                return response.status_code, "claimed"
            if "You already have this coupon in your wallet." in text:
                return response.status_code, "refused"
            return response.status_code, "other"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=CLAIMS) as pool:
        answers = Counter(pool.map(claim, range(CLAIMS)))

    assert answers == {(200, "claimed"): 1, (200, "refused"): CLAIMS - 1}
    assert Coupon.objects.filter(series=shop.series, customer=shop.customer).count() == 1
    shop.series.refresh_from_db()
    assert shop.series.issued_count == 1
    channel = PromotionChannel.objects.get(series=shop.series, name="instagram")
    assert channel.claims == 1
