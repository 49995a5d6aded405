"""Cancel a confirmed sale: everything it did is reversed, once."""

from django.db import transaction
from django.utils import timezone

from coupons import services as coupon_services
from customers import ledger
from customers.models import Customer
from giftcards import services as giftcards
from loyalty.models import ReportState, Sale

from . import stamps


def cancel_sale(*, sale, device=None, staff=None, reason="", approved_by=None) -> Sale:
    """Cancel `sale` (idempotent: a second call changes nothing) and return it. `reason` and
    `approved_by` (the manager whose PIN allowed it) are kept on the sale."""
    with transaction.atomic():
        if sale.customer_id:
            # Same first lock as confirm (the customer row), so the two never deadlock.
            Customer.objects.select_for_update().filter(pk=sale.customer_id).first()
        sale = Sale.objects.select_for_update().get(pk=sale.pk)
        if sale.status == Sale.CANCELLED:
            return sale
        now = timezone.now()
        # First: it may refuse (a card sold on the sale has been spent from).
        giftcards.reverse_sale(sale=sale, at=now)
        ledger.reverse_sale_entries(sale=sale, at=now)
        coupon_services.restore_after_cancel(sale=sale, at=now)
        stamps.take_back(sale=sale, at=now)  # after: a reward still redeemed was used
        sale.status = Sale.CANCELLED
        sale.cancelled_at = now
        sale.cancel_reason = (reason or "").strip()[:200]
        sale.cancel_approved_by = approved_by
        sale.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancel_approved_by"])
        # The sale's day and the later ones (its coupons' and points' days) lose it.
        ReportState.unsettle(business_id=sale.business_id, at=sale.time)
    return sale
