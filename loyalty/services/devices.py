"""Device keys: created here (panel, onboarding and `issue_device_token`), shown once,
stored hashed. terminal.auth looks a request's key up by the same hash."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from core.errors import ValidationFailed
from loyalty.models import Device

KEY_PREFIX_LEN = 8


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_device_key() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def issue_device(*, point_of_sale, kind: str = Device.TERMINAL, name: str = "") -> tuple:
    """Create a device of `point_of_sale`; returns (device, key). The key is never stored."""
    if kind not in dict(Device.KINDS):
        raise ValidationFailed(f"Unknown device kind {kind!r}.", field="kind")
    key = new_device_key()
    device = Device.objects.create(
        business_id=point_of_sale.business_id,
        point_of_sale=point_of_sale,
        kind=kind,
        name=name or f"{point_of_sale.name} {kind}",
        key_prefix=key[:KEY_PREFIX_LEN],
        key_hash=hash_key(key),
    )
    return device, key


def revoke_device(*, device) -> Device:
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
    return device
