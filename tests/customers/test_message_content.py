"""Every message carries what the customer needs (journey.md, Hear): the business's name,
the benefit, the code and its link, dates in the business's time zone; in the customer's
language, without the doubled full stop the old dates left ("2026 р..")."""

from datetime import UTC, datetime

import pytest

from coupons.models import Coupon
from coupons.services import issue_coupons, send_expiry_reminders, transfer_coupon
from customers import otp
from customers.models import Notification
from customers.notify import texts
from customers.notify.kinds import KINDS
from tests.factories import T0, CouponSeriesFactory, CustomerFactory, EnrolmentFactory, at

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "uk"]
# What the customer reads for the coupons below (valid 30 days from T0, 12:00 in Kyiv).
VALID_TO = {"en": "9 April 2030", "uk": "9 квітня 2030"}


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PERKLINE_PUBLIC_URL = "https://perk.example"


def make_customer(program, language, **fields):
    customer = CustomerFactory(business=program.business, language=language, **fields)
    EnrolmentFactory(customer=customer, business=program.business, program=program)
    return customer


def message(customer, kind):
    return Notification.objects.get(customer=customer, kind=kind)


def assert_clean(body):
    assert ".." not in body and "{" not in body and "  " not in body, body


@pytest.mark.parametrize("language", LANGUAGES)
def test_coupon_issued_names_benefit_code_link_and_date(program, language):
    program.business.name = "Kava Bar"
    program.business.save()
    customer = make_customer(program, language)
    series = CouponSeriesFactory(program=program, name="Free latte")
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer, notify=True)
    body = message(customer, "coupon_issued").body
    benefit = {"en": "Free latte", "uk": "Free latte (uk)"}[language]
    assert body.startswith("Kava Bar: ")
    assert benefit in body and coupon.code in body
    assert f"https://perk.example/c/{coupon.code}" in body
    assert VALID_TO[language] in body
    assert_clean(body)
    if language == "uk":
        assert "Код" in body and "діє до" in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reminder_gives_the_expiry_date_in_the_business_time_zone(program, language):
    customer = make_customer(program, language)
    series = CouponSeriesFactory(program=program, valid_days=10, expiry_reminder_hours=48)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer, notify=False)
    # 22:30 UTC is already the next day (01:30) in Kyiv
    Coupon.objects.filter(pk=coupon.pk).update(valid_to=datetime(2030, 3, 19, 22, 30, tzinfo=UTC))
    assert send_expiry_reminders(now=at(days=9)) == 1
    body = message(customer, "coupon_expiring").body
    assert {"en": "20 March 2030", "uk": "20 березня 2030"}[language] in body
    assert coupon.code in body and f"/c/{coupon.code}" in body
    assert program.business.name in body
    assert_clean(body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_time_code_names_the_business(program, language):
    make_customer(program, language, phone="+380501112233")
    otp.send_code(business=program.business, phone="+380501112233", purpose="t", address=None)
    body = Notification.objects.get(kind="one_time_code").body
    assert body.startswith(f"{program.business.name}: ")
    assert {"en": "your code is", "uk": "ваш код"}[language] in body
    assert_clean(body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_gift_names_the_friend_code_and_link(program, language):
    giver = make_customer(program, "en", name="Taras")
    receiver = make_customer(program, language)
    series = CouponSeriesFactory(program=program, transferable=True, notify_giver=True)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=giver, notify=False)
    transfer_coupon(coupon=coupon, giver=giver, receiver=receiver, at=at(hours=1))
    body = message(receiver, "coupon_received").body
    assert "Taras" in body and coupon.code in body and f"/c/{coupon.code}" in body
    assert_clean(body)
    told = message(giver, "gift_claimed").body
    assert receiver.name in told and series.name in told


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_business_template_is_used_in_the_customers_language(program, language):
    from customers.models import MessageTemplate

    MessageTemplate.objects.create(
        business=program.business, kind="coupon_issued", language="uk", body="Ваш {code}!"
    )
    texts.forget(program.business.pk)
    customer = make_customer(program, language)
    series = CouponSeriesFactory(program=program)
    [coupon] = issue_coupons(series=series, quantity=1, at=T0, customer=customer, notify=True)
    body = message(customer, "coupon_issued").body
    assert (body == f"Ваш {coupon.code}!") is (language == "uk")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_default_is_valid_and_fills_every_value(business, kind, language):
    """The defaults pass the templates page's own check and, with the sample customer, hold
    the values they promise (a kind's link, code and date placeholders all used)."""
    default = texts.default_text(kind, language)
    assert texts.check_text(business=business, kind=kind, language=language, text=default) == []
    if language == "uk":
        assert default != texts.default_text(kind, "en"), "not translated"
    sample = texts.sample_values(business, language)
    body = texts.compose(business=business, kind=kind, language=language, values=sample)
    assert body.startswith(business.name)
    for name in PROMISES[kind]:
        assert sample[name] in body, (kind, name)
    assert_clean(body)


PROMISES = {
    "one_time_code": ["code"],
    "coupon_issued": ["benefit", "code", "link", "valid_to"],
    "coupon_expiring": ["benefit", "code", "link", "valid_to"],
    "coupon_received": ["friend", "benefit", "code", "link"],
    "gift_claimed": ["friend", "benefit"],
    "gift_returned": ["benefit", "link"],
    "certificate_sent": ["benefit", "link"],
    "points_expiring": ["points", "valid_to", "balance", "link"],
    "tier_changed": ["tier", "link"],
    "stamp_card_reward": ["benefit", "code", "valid_to", "link"],
    "welcome": ["link"],  # no name: a phone registered at a till has none yet
    "campaign": ["benefit", "link"],
}
