"""Bulk actions on customers chosen in the panel: the selection, and a category change.

A selection is either customer ids (checked rows) or "everyone in a category". A category
change runs as a django-q2 task so that a click on thousands of customers returns at once
(it writes one enrolment per customer). Issuing coupons to a selection is a coupon job:
coupons.bulk.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from core.errors import ValidationFailed
from core.tenancy import scoped

from .models import Customer, CustomerCategory
from .services import set_category

log = logging.getLogger(__name__)


def selected_customers(*, business, customer_ids=None, category=None):
    """The business's customers among `customer_ids`, or everyone in `category`."""
    customers = scoped(Customer, business).order_by("pk")
    if category is not None:
        if category.business_id != business.pk:
            raise ValidationFailed(_("Choose a category of this business."), field="category")
        return customers.filter(
            enrolments__program_id=category.program_id, enrolments__category=category
        )
    return customers.filter(pk__in=list(customer_ids or []))


def change_category_in_bulk(
    *, business, target, customer_ids=None, category=None, staff=None
) -> int:
    """Queue moving the selection to `target` (a category of one program); returns how many
    customers will be moved."""
    if target.business_id != business.pk:
        raise ValidationFailed(_("Choose a category of this business."), field="target")
    customers = selected_customers(business=business, customer_ids=customer_ids, category=category)
    ids = list(customers.values_list("pk", flat=True))
    if not ids:
        raise ValidationFailed(_("No customer is selected."), field="customers")
    staff_id = getattr(staff, "pk", None)
    transaction.on_commit(
        lambda: async_task(
            "customers.bulk.run_category_change", business.pk, ids, target.pk, staff_id
        )
    )
    return len(ids)


def run_category_change(business_id: int, customer_ids: list, target_id: int, staff_id=None):
    """The task: one small transaction per customer (set_category), so a stop keeps what
    was done and a rerun finishes the rest."""
    target = CustomerCategory.objects.select_related("program").get(
        pk=target_id, business_id=business_id
    )
    staff = get_user_model().objects.filter(pk=staff_id).first() if staff_id else None
    customers = Customer.objects.filter(business_id=business_id, pk__in=customer_ids)
    moved = 0
    for customer in customers.order_by("pk").iterator():
        set_category(customer=customer, program=target.program, category=target, staff=staff)
        moved += 1
    log.info("moved %s customers to category %s", moved, target.pk)
    return moved
