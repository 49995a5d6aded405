"""Sign-up under concurrent requests: one login per e-mail, the others a clean refusal."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from loyalty.services.onboarding import sign_up
from tests.coupons.threads import run_concurrently

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_concurrent_sign_ups_with_one_email_make_one_login():
    def attempt(_i):
        sign_up(email="New@Example.com", password="a-long-pass-phrase-17")

    results = Counter(run_concurrently(attempt, 8))
    assert results == {"ok": 1, "validation_error": 7}
    assert get_user_model().objects.filter(username="new@example.com").count() == 1
