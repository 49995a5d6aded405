"""A manager's PIN that approves what a cashier may not do alone (issue 21): cancelling a
sale, where the business asks for it (Business.cancel_needs_approval).

The PIN is stored hashed on the manager's or owner's Membership; it is checked against
every live manager and owner of the business, so the manager who walks over types their
own PIN on the cashier's screen."""

import re

from django.contrib.auth.hashers import check_password, make_password
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from loyalty.models import Membership

PIN = re.compile(r"^\d{4,8}$")
APPROVERS = (Membership.OWNER, Membership.MANAGER)


def set_approval_pin(*, membership, pin: str) -> None:
    """Set (or with "" remove) the PIN of a manager's or owner's membership."""
    pin = (pin or "").strip()
    if pin and not PIN.match(pin):
        raise ValidationFailed(_("A PIN is 4 to 8 digits."), field="approval_pin")
    if pin and membership.role not in APPROVERS:
        raise ValidationFailed(_("Only managers and owners approve."), field="approval_pin")
    membership.approval_pin = make_password(pin) if pin else ""
    membership.save(update_fields=["approval_pin"])


def needs_approval(*, business, membership) -> bool:
    return bool(business.cancel_needs_approval) and membership.role not in APPROVERS


def approver(*, business, pin: str):
    """The user whose PIN `pin` is among the business's live managers and owners, or None."""
    pin = (pin or "").strip()
    if not PIN.match(pin):
        return None
    candidates = (
        Membership.objects.filter(business=business, role__in=APPROVERS, revoked_at=None)
        .exclude(approval_pin="")
        .select_related("user")
        .order_by("pk")
    )
    for membership in candidates:
        if check_password(pin, membership.approval_pin):
            return membership.user
    return None
