"""Setup for the gift certificate pages: reuses the coupon panel fixtures."""

import pytest

from tests.coupons.panel.fixtures import *  # noqa: F403 - the coupon pages' fixtures
from tests.factories import CertificateSeriesFactory, CouponSeriesFactory, GiftCertificateFactory


@pytest.fixture
def second_series(program, coupon_rule):
    return CouponSeriesFactory(program=program, reward_rule=coupon_rule, name="Free croissant")


@pytest.fixture
def certificate(program, series):
    certificate = GiftCertificateFactory(
        program=program, name="Welcome pack", key="welcome", public_code="WELCOME2030"
    )
    CertificateSeriesFactory(certificate=certificate, series=series, count=2)
    return certificate


def certificate_data(program, rows, **overrides) -> dict:
    """The posted form: certificate fields and the bundle formset (``rows``: series, count)."""
    data = {
        "program": program.pk,
        "key": "spring-pack",
        "name": "Spring pack",
        "title_en": "Spring pack",
        "title_uk": "Весняний набір",
        "valid_from": "",
        "valid_to": "",
        "public_code": "spring-2030",
        "random_count": "",
        "max_uses": "",
        "max_uses_per_customer": "",
        "min_interval_hours": "",
        "bundle-TOTAL_FORMS": str(max(len(rows), 3)),
        "bundle-INITIAL_FORMS": "0",
        "bundle-MIN_NUM_FORMS": "0",
        "bundle-MAX_NUM_FORMS": "1000",
    }
    for index in range(max(len(rows), 3)):
        series, count = rows[index] if index < len(rows) else ("", "1")
        data[f"bundle-{index}-series"] = getattr(series, "pk", series)
        data[f"bundle-{index}-count"] = str(count)
    data.update(overrides)
    return data
