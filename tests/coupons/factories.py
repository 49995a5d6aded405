"""Factories for coupon series, coupons and gift certificates (shared by tests/certificates)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import factory

from certificates.models import CertificateSeries, GiftCertificate
from coupons.models import CouponSeries
from loyalty.models import Rule, Sale
from tests.factories import PointOfSaleFactory, ProgramFactory, RuleFactory

D = Decimal
T0 = datetime(2030, 3, 10, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv (EET, +02:00)


def at(days=0, hours=0, minutes=0, seconds=0):
    return T0 + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


class CouponSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouponSeries

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"series-{n}")
    name = factory.Sequence(lambda n: f"Series {n}")
    title = factory.LazyAttribute(lambda o: {"en": o.name, "uk": f"{o.name} (uk)"})
    reward_rule = factory.SubFactory(
        RuleFactory,
        program=factory.SelfAttribute("..program"),
        business=factory.SelfAttribute("..business"),
        mode=Rule.Mode.COUPON,
        action=Rule.Action.DISCOUNT_CHECK_PERCENT,
        value=D("10"),
    )
    validity_type = CouponSeries.Validity.RELATIVE
    delay_days = 0
    valid_days = 30
    code_prefix = "CR"
    code_length = 10
    code_group = 4


class TopUpSeriesFactory(CouponSeriesFactory):
    reward_rule = None
    top_up_amount = D("100.00")
    top_up_account = ""


class GiftCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiftCertificate

    program = factory.SubFactory(ProgramFactory)
    business = factory.SelfAttribute("program.business")
    key = factory.Sequence(lambda n: f"cert-{n}")
    name = factory.Sequence(lambda n: f"Certificate {n}")
    public_code = factory.Sequence(lambda n: f"WELCOME-{n:04d}")


def bundle(certificate, series, count=1):
    return CertificateSeries.objects.create(
        business=certificate.business, certificate=certificate, series=series, count=count
    )


def make_sale(program, customer=None, when=None, pos=None):
    pos = pos or PointOfSaleFactory(program=program, business=program.business)
    return Sale.objects.create(
        business=program.business,
        program=program,
        point_of_sale=pos,
        customer=customer,
        time=when or T0,
        amount=D("100.00"),
        discount=D("0.00"),
        amount_to_pay=D("100.00"),
        points_paid=D("0.00"),
        money_to_pay=D("100.00"),
    )
