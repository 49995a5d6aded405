"""Helpers shared by the terminal and kiosk views."""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import permissions

from core.errors import NotFound
from customers.services import get_or_register_by_phone
from loyalty.checks.context import resolve_customer
from loyalty.models import Device


class IsTerminal(permissions.BasePermission):
    message = "This endpoint needs a terminal device key."

    def has_permission(self, request, view):
        return isinstance(request.auth, Device) and request.auth.kind == Device.TERMINAL


class IsKiosk(permissions.BasePermission):
    message = "This endpoint needs a kiosk device key."

    def has_permission(self, request, view):
        return isinstance(request.auth, Device) and request.auth.kind == Device.KIOSK


def request_hash(data) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def customer_for_action(*, device, ref: dict):
    """The customer named in a coupon/certificate call; an unknown phone is registered
    where the program has auto_register (coupons.md "How coupons reach customers")."""
    pos = device.point_of_sale
    customer, new_phone = resolve_customer(business=pos.business, program=pos.program, ref=ref)
    if customer is None and new_phone:
        with transaction.atomic():
            customer, _created = get_or_register_by_phone(
                business=pos.business, program=pos.program, phone=new_phone
            )
    if customer is None:
        raise NotFound(_("No such customer."), field="customer")
    return customer
