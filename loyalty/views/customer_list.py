"""The customer list with its filters and tier column (issue 21). Here rather than in
customers/views.py: a filter may ask who holds a series' coupon, and the filters are the
campaigns' segments (coupons sits above customers, design.md Layers). loyalty/urls.py
routes /customers/ here, before customers.urls."""

import json

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from coupons import campaigns
from customers.models import Enrolment
from customers.views import CustomerList
from loyalty.forms.customer_filters import CustomerFilterForm
from loyalty.models import Tier


class FilteredCustomerList(CustomerList):
    template_name = "customers/customer_list.html"

    def get_filters(self):
        if not hasattr(self, "_filters"):
            data = {k: v for k, v in self.request.GET.items() if k not in ("q", "sort", "page")}
            self._filters = CustomerFilterForm(data or None, business=self.request.business)
        return self._filters

    def get_queryset(self):
        qs = super().get_queryset()
        business = self.request.business
        segment = self.get_filters().current_segment()
        if segment is not None:
            qs = qs.filter(
                pk__in=campaigns.segment_customers(business, segment, reachable=False).values("pk")
            )
        # the category the customer holds among a program's tiers (a subquery of the row)
        tier = (
            Enrolment.objects.filter(
                customer=OuterRef("pk"),
                category__in=Tier.objects.filter(business=business).values("category"),
            )
            .order_by("program_id")
            .values("category__name")[:1]
        )
        return qs.annotate(tier=Subquery(tier))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.get_filters()
        segment = filters.current_segment()
        kept = {k: v for k, v in self.request.GET.items() if k not in ("sort", "page") and v}
        context.update(
            filter_form=filters,
            show_tier=Tier.objects.filter(business=self.request.business).exists(),
            filter_query=urlencode({k: v for k, v in kept.items() if k != "q"}),
            filtered=segment is not None,
            campaign_url=(
                reverse("panel:campaign_create")
                + "?"
                + urlencode({"segment": campaigns.MATCH, "parts": json.dumps(segment["parts"])})
                if segment
                else None
            ),
            campaign_label=_("Send a campaign to these customers"),
        )
        return context
