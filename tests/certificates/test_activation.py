"""Activating gift certificates: coupons added, every refusal, random draws, limits."""

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from certificates.models import Activation, CertificateCode, CertificateSeries, GiftCertificate
from certificates.services import (
    activate_certificate,
    certificate_stats,
    find_certificate,
    generate_certificate_codes,
)
from core.errors import NotFound, Refused, ValidationFailed
from coupons.models import Coupon, CouponEvent
from coupons.services import issue_coupons, redeem_coupon
from tests.factories import (
    T0,
    CertificateSeriesFactory,
    CouponSeriesFactory,
    CustomerFactory,
    GiftCertificateFactory,
    PointOfSaleFactory,
    ProgramFactory,
    at,
)

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def certificate(program):
    cert = GiftCertificateFactory(
        program=program,
        public_code="WELCOME-KYIV",
        valid_from=date(2030, 1, 1),
        valid_to=date(2030, 12, 31),
    )
    CertificateSeriesFactory(
        certificate=cert, series=CouponSeriesFactory(program=program, key="croissant"), count=2
    )
    CertificateSeriesFactory(
        certificate=cert, series=CouponSeriesFactory(program=program, key="latte")
    )
    return cert


def activate(business, customer, code="welcome kyiv", **kwargs):
    kwargs.setdefault("at", T0)
    kwargs.setdefault("channel", "terminal")
    return activate_certificate(business=business, code=code, customer=customer, **kwargs)


def nothing_written():
    return not Activation.objects.exists() and not Coupon.objects.exists()


def test_activation_adds_the_bundle_to_the_wallet(business, certificate, customer, pos):
    result = activate(business, customer, point_of_sale=pos)
    assert result.certificate == certificate
    assert sorted(c.series.key for c in result.coupons) == ["croissant", "croissant", "latte"]
    assert all(c.state == Coupon.State.IN_WALLET and c.customer == customer for c in result.coupons)
    assert result.not_given == []
    assert result.message == "3 coupons have been added to your wallet"
    activation = Activation.objects.get()
    assert (activation.code, activation.customer, activation.channel, activation.point_of_sale) == (
        "WELCOME-KYIV",
        customer,
        "terminal",
        pos,
    )
    assert activation.at == T0 and activation.coupons_given == 3
    assert set(activation.coupons.all()) == set(result.coupons)
    certificate.refresh_from_db()
    assert certificate.uses_count == 1
    assert set(CouponEvent.objects.values_list("actor", flat=True)) == {
        "certificate:" + certificate.key
    }


def test_message_plural_and_translated(business, program, customer):
    cert = GiftCertificateFactory(program=program, public_code="ONE-COUPON")
    CertificateSeriesFactory(certificate=cert, series=CouponSeriesFactory(program=program))
    result = activate(business, customer, code="one-coupon")
    assert result.message == "1 coupon has been added to your wallet"


def test_not_found_is_404_and_the_same_for_another_business(business, certificate, customer):
    for code in ("NO-SUCH-CODE", ""):
        with pytest.raises(NotFound) as err:
            activate(business, customer, code=code)
        assert err.value.code == "certificate_not_found" and err.value.status == 404
    other = ProgramFactory().business
    with pytest.raises(NotFound) as err:
        activate(other, CustomerFactory(business=other), code="WELCOME-KYIV")
    assert err.value.code == "certificate_not_found"


def test_another_programs_point_of_sale_does_not_see_it(business, certificate, customer):
    pos = PointOfSaleFactory(program=ProgramFactory(business=business), business=business)
    with pytest.raises(NotFound):
        activate(business, customer, point_of_sale=pos)
    assert nothing_written()


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (datetime(2029, 12, 31, 23, 59, 59, tzinfo=KYIV), "certificate_not_yet_valid"),
        (datetime(2030, 1, 1, 0, 0, tzinfo=KYIV), None),
        (datetime(2030, 12, 31, 23, 59, 59, tzinfo=KYIV), None),
        (datetime(2031, 1, 1, 0, 0, tzinfo=KYIV), "certificate_expired"),
    ],
)
def test_dates_are_whole_days_in_the_business_time_zone(
    business, certificate, customer, when, code
):
    if code is None:
        assert activate(business, customer, at=when).coupons
        return
    with pytest.raises(Refused) as err:
        activate(business, customer, at=when)
    assert err.value.code == code and err.value.status == 422
    assert nothing_written()


def test_max_uses(business, certificate, make_customer):
    certificate.max_uses = 2
    certificate.save()
    activate(business, make_customer())
    activate(business, make_customer())
    with pytest.raises(Refused) as err:
        activate(business, make_customer())
    assert err.value.code == "certificate_exhausted"
    certificate.refresh_from_db()
    assert certificate.uses_count == 2 and Activation.objects.count() == 2


def test_per_customer_limit(business, certificate, customer, friend):
    certificate.max_uses_per_customer = 2
    certificate.save()
    activate(business, customer)
    activate(business, customer, at=at(days=1))
    with pytest.raises(Refused) as err:
        activate(business, customer, at=at(days=2))
    assert err.value.code == "certificate_customer_limit"
    activate(business, friend, at=at(days=2))
    assert Activation.objects.filter(customer=customer).count() == 2


def test_interval_says_when_the_next_activation_is_allowed(business, certificate, customer):
    certificate.min_interval_hours = 24
    certificate.save()
    activate(business, customer)
    with pytest.raises(Refused) as err:
        activate(business, customer, at=at(hours=23, minutes=59))
    assert err.value.code == "certificate_interval"
    assert err.value.as_dict()["next_allowed_at"] == at(hours=24).isoformat()
    activate(business, customer, at=at(hours=24))
    assert Activation.objects.count() == 2


def test_single_use_codes(business, certificate, customer, friend):
    [printed] = generate_certificate_codes(certificate=certificate, count=1, prefix="GF")
    assert printed.code.startswith("GF-")
    assert find_certificate(business=business, code=printed.code.lower()) == (certificate, printed)
    assert find_certificate(business=business, code="welcome-kyiv") == (certificate, None)
    activate(business, customer, code=printed.code)
    printed.refresh_from_db()
    assert printed.used_at == T0
    assert Activation.objects.get().code == printed.code
    with pytest.raises(Refused) as err:
        activate(business, friend, code=printed.code)
    assert err.value.code == "certificate_exhausted"
    assert Activation.objects.count() == 1


def test_out_of_stock_series_is_reported_and_the_rest_given(business, program, customer):
    cert = GiftCertificateFactory(program=program, public_code="PACK")
    CertificateSeriesFactory(
        certificate=cert, series=CouponSeriesFactory(program=program, key="plenty")
    )
    CertificateSeriesFactory(
        certificate=cert,
        series=CouponSeriesFactory(program=program, key="scarce", inventory=1),
        count=3,
    )
    result = activate(business, customer, code="PACK")
    assert sorted(c.series.key for c in result.coupons) == ["plenty", "scarce"]
    assert result.not_given == [{"series": "scarce", "count": 2, "code": "coupon_series_exhausted"}]
    assert result.message == "2 coupons have been added to your wallet"


def test_all_or_nothing_refuses_and_writes_nothing(business, program, customer):
    cert = GiftCertificateFactory(
        program=program, public_code="PACK", all_or_nothing=True, max_uses=5
    )
    plenty = CouponSeriesFactory(program=program, key="plenty")
    CertificateSeriesFactory(certificate=cert, series=plenty)
    CertificateSeriesFactory(
        certificate=cert, series=CouponSeriesFactory(program=program, key="gone", inventory=0)
    )
    with pytest.raises(Refused) as err:
        activate(business, customer, code="PACK")
    assert err.value.code == "coupon_series_exhausted"
    assert err.value.as_dict()["not_given"] == [
        {"series": "gone", "count": 1, "code": "coupon_series_exhausted"}
    ]
    assert nothing_written()
    cert.refresh_from_db()
    plenty.refresh_from_db()
    assert cert.uses_count == 0 and plenty.issued_count == 0


def test_nothing_at_all_to_give_is_refused(business, program, customer):
    cert = GiftCertificateFactory(program=program, public_code="EMPTY")
    CertificateSeriesFactory(
        certificate=cert, series=CouponSeriesFactory(program=program, inventory=0)
    )
    with pytest.raises(Refused) as err:
        activate(business, customer, code="EMPTY")
    assert err.value.code == "coupon_series_exhausted"
    assert nothing_written()


def test_random_count_draws_distinct_bundled_series_reproducibly(business, program, make_customer):
    cert = GiftCertificateFactory(program=program, public_code="LUCKY", random_count=2)
    keys = ["a", "b", "c", "d", "e"]
    for key in keys:
        CertificateSeriesFactory(
            certificate=cert, series=CouponSeriesFactory(program=program, key=key), count=2
        )
    CouponSeriesFactory(program=program, key="not-bundled")

    def draw(seed):
        result = activate(business, make_customer(), code="LUCKY", rng=random.Random(seed))
        return sorted(c.series.key for c in result.coupons)

    first = draw(7)
    assert len(first) == 4 and len(set(first)) == 2 and set(first) <= set(keys)
    assert all(first.count(key) == 2 for key in set(first))
    assert draw(7) == first
    draws = {tuple(draw(seed)) for seed in range(12)}
    assert len(draws) > 1  # different seeds draw different series


def test_random_count_not_below_the_bundle(business, program, customer):
    cert = GiftCertificateFactory(program=program, public_code="ALL", random_count=5)
    CertificateSeriesFactory(certificate=cert, series=CouponSeriesFactory(program=program))
    CertificateSeriesFactory(certificate=cert, series=CouponSeriesFactory(program=program))
    assert len(activate(business, customer, code="ALL").coupons) == 2


def test_unknown_channel(business, certificate, customer):
    with pytest.raises(ValidationFailed):
        activate(business, customer, channel="fax")


def test_certificate_stats(business, certificate, make_customer, pos):
    first = activate(business, make_customer(), at=T0)
    activate(business, make_customer(), at=T0 + timedelta(hours=1))
    activate(business, make_customer(), at=at(days=1))
    redeem_coupon(coupon=first.coupons[0], at=T0, customer=first.coupons[0].customer)
    stats = certificate_stats(certificate)
    assert stats["activations"] == 3 and stats["coupons_given"] == 9 and stats["redeemed"] == 1
    assert stats["per_day"] == [
        {"date": "2030-03-10", "activations": 2},
        {"date": "2030-03-11", "activations": 1},
    ]


def test_bundle_only_takes_series_of_the_certificates_program(program, certificate):
    from django.core.exceptions import ValidationError

    stranger = CouponSeriesFactory(program=ProgramFactory(business=program.business))
    row = CertificateSeries(business=program.business, certificate=certificate, series=stranger)
    with pytest.raises(ValidationError) as err:
        row.full_clean()
    assert "series" in err.value.message_dict


def test_public_code_is_normalised_on_save(program):
    cert = GiftCertificateFactory(program=program, public_code="summer 2030")
    assert GiftCertificate.objects.get(pk=cert.pk).public_code_norm == "SUMMER2030"
    code = CertificateCode.objects.create(
        business=program.business, certificate=cert, code="ab-cd-12"
    )
    assert code.code_norm == "ABCD12"


def test_coupons_of_issue_in_the_certificate_respect_inventory(business, program, customer):
    series = CouponSeriesFactory(program=program, inventory=1)
    issue_coupons(series=series, quantity=1, at=T0)
    cert = GiftCertificateFactory(program=program, public_code="LATE")
    CertificateSeriesFactory(certificate=cert, series=series)
    with pytest.raises(Refused) as err:
        activate(business, customer, code="LATE")
    assert err.value.code == "coupon_series_exhausted"


def test_import_single_use_codes(business, certificate, customer):
    from certificates.services import import_certificate_codes

    issue_coupons(series=CouponSeriesFactory(program=certificate.program), quantity=1, at=T0)
    taken = Coupon.objects.get().code
    report = import_certificate_codes(
        certificate=certificate, file=f"GIFT-0001\ngift 0001\n#\n{taken}\nGIFT-0002\n".encode()
    )
    assert report.as_dict() == {
        "lines": 5,
        "accepted": 2,
        "rejected": 3,
        "bad_format": 1,
        "duplicate_in_file": 1,
        "already_present": 1,
    }
    assert find_certificate(business=business, code="gift0002")[1].code == "GIFT-0002"
    activate(business, customer, code="gift-0001")
    assert CertificateCode.objects.get(code="GIFT-0001").used_at == T0
