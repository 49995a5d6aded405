"""Certificate limits hold exactly under concurrent activations (PostgreSQL, real threads)."""

from collections import Counter

import pytest

from certificates.models import Activation, GiftCertificate
from certificates.services import activate_certificate
from coupons.models import Coupon
from customers.models import Customer
from tests.coupons.threads import run_concurrently
from tests.factories import (
    T0,
    CertificateSeriesFactory,
    CouponSeriesFactory,
    GiftCertificateFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


def activate(certificate_pk, customer_pk, *, at=T0):
    certificate = GiftCertificate.objects.select_related("business").get(pk=certificate_pk)
    customer = Customer.objects.get(pk=customer_pk)
    activate_certificate(
        business=certificate.business,
        code=certificate.public_code,
        customer=customer,
        channel="api",
        at=at,
    )


def test_max_uses_500_with_600_concurrent_activations(program):
    certificate = GiftCertificateFactory(program=program, public_code="R2-TEST", max_uses=500)
    CertificateSeriesFactory(certificate=certificate, series=CouponSeriesFactory(program=program))
    customers = Customer.objects.bulk_create(
        Customer(business=program.business, phone=f"+38067{i:07d}", card_code=f"R2C{i:06d}")
        for i in range(600)
    )
    ids = [c.pk for c in customers]
    results = Counter(run_concurrently(lambda i: activate(certificate.pk, ids[i]), 600, threads=20))
    assert results == {"ok": 500, "certificate_exhausted": 100}
    certificate.refresh_from_db()
    assert certificate.uses_count == 500
    assert Activation.objects.filter(certificate=certificate).count() == 500
    assert Coupon.objects.filter(customer__isnull=False).count() == 500


def test_per_customer_limit_with_concurrent_activations_by_one_customer(program, customer):
    certificate = GiftCertificateFactory(
        program=program, public_code="LIMIT-3", max_uses_per_customer=3
    )
    CertificateSeriesFactory(certificate=certificate, series=CouponSeriesFactory(program=program))
    results = Counter(run_concurrently(lambda i: activate(certificate.pk, customer.pk), 20))
    assert results == {"ok": 3, "certificate_customer_limit": 17}
    assert Activation.objects.filter(customer=customer).count() == 3
    assert Coupon.objects.filter(customer=customer).count() == 3


def test_interval_with_concurrent_activations_by_one_customer(program, customer):
    certificate = GiftCertificateFactory(
        program=program, public_code="DAILY", min_interval_hours=24
    )
    CertificateSeriesFactory(certificate=certificate, series=CouponSeriesFactory(program=program))
    results = Counter(run_concurrently(lambda i: activate(certificate.pk, customer.pk), 20))
    assert results == {"ok": 1, "certificate_interval": 19}
    assert Activation.objects.filter(customer=customer).count() == 1
