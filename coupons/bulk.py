"""Coupons issued to customers chosen in the panel (checked rows or a whole category).

A CodeJob of kind "issue" (core.jobs) does the work, so a click on thousands of customers
returns at once and the job's page shows the progress.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import Refused, ValidationFailed
from customers.bulk import selected_customers

from .models import CodeJob
from .tasks import start_job


def issue_coupons_in_bulk(
    *, business, series, customer_ids=None, category=None, quantity=1, notify=True, staff=None
) -> CodeJob:
    """Queue an "issue" job of `series` for the selection; its CodeJob shows the progress."""
    if series.business_id != business.pk:
        raise ValidationFailed(_("Choose a coupon series of this business."), field="series")
    if series.is_archived:
        raise Refused(_("This coupon series has been archived."), code="series_archived",
                      field="series")  # fmt: skip
    if category is not None and category.program_id != series.program_id:
        raise ValidationFailed(
            _("The category and the coupon series belong to different programs."),
            field="series",
        )
    customers = selected_customers(business=business, customer_ids=customer_ids, category=category)
    if not customers.exists():
        raise ValidationFailed(_("No customer is selected."), field="customers")
    params = {"quantity": quantity, "notify": notify}
    if category is not None:
        params["category"] = category.pk
    else:
        params["customer_ids"] = list(customers.values_list("pk", flat=True))
    with transaction.atomic():
        return start_job(series=series, kind=CodeJob.Kind.ISSUE, params=params, created_by=staff)
