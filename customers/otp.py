"""One-time codes sent by SMS to prove a customer holds a phone (kiosk, public pages).

Codes are stored as an HMAC keyed with SECRET_KEY, never in clear; one active code per
phone and purpose; a few attempts only.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import throttle

from .models import Customer, OneTimeCode
from .notify import enqueue, texts
from .phones import normalize_phone

CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def _hash(*, business_id: int, phone: str, purpose: str, code: str) -> str:
    message = f"{business_id}:{phone}:{purpose}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _active(business_id: int, phone: str, purpose: str, now):
    return OneTimeCode.objects.filter(
        business_id=business_id,
        phone=phone,
        purpose=purpose,
        used_at__isnull=True,
        expires_at__gt=now,
    )


def send_code(*, business, phone: str, purpose: str, address: str | None) -> OneTimeCode:
    """Sends a new 6-digit code to `phone`; an earlier active code stops working.

    Every page and API that sends codes comes through here, so the budgets of R15 (per
    phone, per client `address`) hold whichever door asks: past them core.throttle.Throttled
    is raised and nothing is sent."""
    phone = normalize_phone(phone, business.phone_region)
    throttle.count_otp_send(phone=phone, address=address)
    now = timezone.now()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _active(business.pk, phone, purpose, now).update(expires_at=now)
        otp = OneTimeCode.objects.create(
            business_id=business.pk,
            phone=phone,
            purpose=purpose,
            code_hash=_hash(business_id=business.pk, phone=phone, purpose=purpose, code=code),
            expires_at=now + CODE_TTL,
        )
        customer = Customer.objects.filter(business=business, phone=phone).first()
        enqueue(
            business=business,
            customer=customer,
            channel="sms",
            recipient=phone,
            kind="one_time_code",
            body=texts.compose(
                business=business,
                kind="one_time_code",
                language=texts.language_of(customer, business),
                values={"code": code},
            ),
        )
    return otp


def verify_code(*, business, phone: str, purpose: str, code: str) -> bool:
    """True once for the right code of the active one; after MAX_ATTEMPTS wrong tries the
    code is refused even when right."""
    phone = normalize_phone(phone, business.phone_region)
    now = timezone.now()
    with transaction.atomic():
        otp = (
            _active(business.pk, phone, purpose, now)
            .select_for_update()
            .order_by("-created_at", "-id")
            .first()
        )
        if otp is None or otp.attempts >= MAX_ATTEMPTS:
            return False
        expected = _hash(
            business_id=business.pk, phone=phone, purpose=purpose, code=(code or "").strip()
        )
        if not hmac.compare_digest(expected, otp.code_hash):
            otp.attempts += 1
            otp.save(update_fields=["attempts"])
            return False
        otp.used_at = now
        otp.save(update_fields=["used_at"])
        return True
