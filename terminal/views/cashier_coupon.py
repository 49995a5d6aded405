"""The coupon look-up behind the check page's code field (issue 21): a mistyped or unusable
code is refused as it is entered, before it joins the check as a chip."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import NotFound, Refused, ValidationFailed
from core.tenancy import scoped
from coupons import selectors as coupon_selectors
from customers.models import Customer
from loyalty.checks.messages import shown_message

from ..code_budget import count_lookup
from .cashier_api import till_json

# Refusals that the rest of the check may still lift: the chip is kept with a note.
PENDING = {"customer_required", "min_spend_not_reached", "coupon_not_applicable"}


@require_GET
@till_json
def coupon(request):
    code = request.GET.get("code", "").strip()
    if not code:
        raise ValidationFailed(_("Enter the coupon's code."), field="code")
    count_lookup(request)  # the answer tells whether a code exists (R13)
    found = coupon_selectors.find_coupon(business=request.business, code=code)
    if found is None or found.series.program_id != request.pos.program_id:
        raise NotFound(_("No such coupon."), code="coupon_not_found", field="code")
    customer = None
    customer_id = request.GET.get("customer_id", "").strip()
    if customer_id.isdigit():
        customer = scoped(Customer, request.business).filter(pk=customer_id).first()
    answer = coupon_selectors.coupon_answer(
        found, customer=customer, point_of_sale=request.pos, at=timezone.now()
    )
    reason = answer["reason"]
    if reason and reason not in PENDING:
        raise Refused(shown_message(reason, ""), code=reason, field="code")
    return JsonResponse(
        {
            "code": found.code,
            "title": coupon_selectors.series_title(found.series, request.LANGUAGE_CODE),
            "note": shown_message(reason, "") if reason else "",
        }
    )
