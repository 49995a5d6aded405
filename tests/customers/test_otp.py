"""One-time codes: hashed, 5 minutes, one active per phone and purpose, 5 attempts."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from customers import otp
from customers.models import Notification, OneTimeCode

pytestmark = pytest.mark.django_db


def sent_code(phone="+380501234567"):
    body = Notification.objects.filter(recipient=phone).order_by("-id").first().body
    return re.search(r"\d{6}", body).group()


def test_send_code_stores_a_hash_and_queues_an_sms(business, customer):
    record = otp.send_code(business=business, phone="050 123 45 67", purpose="kiosk", address=None)
    notification = Notification.objects.get()
    assert (notification.channel, notification.recipient, notification.kind) == (
        "sms",
        "+380501234567",
        "one_time_code",
    )
    assert notification.customer == customer
    code = sent_code()
    assert notification.body == f"{business.name}: your code is {code}. It is valid for 5 minutes."
    assert code not in record.code_hash and len(record.code_hash) == 64
    assert record.phone == "+380501234567"
    lifetime = record.expires_at - timezone.now()
    assert timedelta(minutes=4) < lifetime <= timedelta(minutes=5)


def test_the_right_code_verifies_once(business):
    otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    code = sent_code()
    assert otp.verify_code(business=business, phone="+380501234567", purpose="kiosk", code=code)
    assert not otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=code)
    assert OneTimeCode.objects.get().used_at is not None


def test_wrong_purpose_business_or_code(business):
    from tests.factories import BusinessFactory

    otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    assert not otp.verify_code(business=business, phone="0501234567", purpose="gift", code=code)
    assert not otp.verify_code(
        business=BusinessFactory(), phone="0501234567", purpose="kiosk", code=code
    )
    assert not otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=wrong)
    assert otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=code)


def test_five_wrong_attempts_burn_the_code(business):
    otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(otp.MAX_ATTEMPTS):
        assert not otp.verify_code(
            business=business, phone="0501234567", purpose="kiosk", code=wrong
        )
    assert not otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=code)
    assert OneTimeCode.objects.get().attempts == otp.MAX_ATTEMPTS


def test_a_new_code_invalidates_the_old_one(business):
    otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    old = sent_code()
    otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    new = sent_code()
    if old != new:
        assert not otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=old)
    assert otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code=new)


def test_an_expired_code_is_refused(business):
    record = otp.send_code(business=business, phone="0501234567", purpose="kiosk", address=None)
    OneTimeCode.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    assert not otp.verify_code(
        business=business, phone="0501234567", purpose="kiosk", code=sent_code()
    )


def test_no_code_sent_and_a_bad_phone(business):
    assert not otp.verify_code(business=business, phone="0501234567", purpose="kiosk", code="1")
    with pytest.raises(ValidationFailed) as err:
        otp.send_code(business=business, phone="garbage", purpose="kiosk", address=None)
    assert err.value.field == "phone"
