"""The customer list's filters (issue 21): each one a campaign segment of
coupons/campaigns.py, so that the list's current set becomes a campaign's "match" segment
with one button. Every value is checked by `campaigns.clean_segment`: one rule for the list
and the campaign."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.tenancy import scoped
from coupons import campaigns
from coupons.models import CouponSeries
from customers.models import CustomerCategory
from loyalty.models import Tier

DAYS = {"min_value": 1, "max_value": campaigns.MAX_DAYS}


class CustomerFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=CustomerCategory.objects.none(), required=False,
        empty_label=_("Any category"),
    )  # fmt: skip
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=CustomerCategory.objects.none(), required=False,
        empty_label=_("Any tier"),
    )  # fmt: skip
    not_seen = forms.IntegerField(label=_("Last visit over N days ago"), required=False, **DAYS)
    spent = forms.DecimalField(
        label=_("Spent over"), required=False, min_value=0, decimal_places=2, max_digits=14
    )
    spent_days = forms.IntegerField(label=_("in the last N days"), required=False, **DAYS)
    series = forms.ModelChoiceField(
        label=_("Holds a coupon of"), queryset=CouponSeries.objects.none(), required=False,
        empty_label=_("Any series"),
    )  # fmt: skip
    birthday = forms.IntegerField(
        label=_("Birthday in the next N days"), required=False, min_value=1,
        max_value=campaigns.MAX_BIRTHDAY_DAYS,
    )  # fmt: skip

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.business = business
        tiers = scoped(Tier, business).values("category_id")
        categories = scoped(CustomerCategory, business).order_by("name", "pk")
        self.fields["category"].queryset = categories
        self.fields["tier"].queryset = categories.filter(pk__in=tiers)
        self.fields["series"].queryset = scoped(CouponSeries, business).order_by("name", "pk")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "filter-input")

    def clean(self):
        data = super().clean()
        if data.get("spent") is not None and not data.get("spent_days"):
            data["spent_days"] = 30  # "spent over X" alone: the last 30 days
        try:
            self.segment = campaigns.clean_segment(
                self.business, {"kind": campaigns.MATCH, "parts": self._parts(data)}
            ) if self._parts(data) else None  # fmt: skip
        except ValidationFailed as error:
            self.add_error(None, error.message)
        return data

    @staticmethod
    def _parts(data) -> list[dict]:
        """One segment per filter set. A tier is the category the customer holds in a
        tiered program, so its part is a category part (no separate kind needed)."""
        parts = []
        for key in ("category", "tier"):
            if data.get(key):
                parts.append({"kind": "category", "category": data[key].pk})
        if data.get("not_seen"):
            parts.append({"kind": "not_seen", "days": data["not_seen"]})
        if data.get("spent") is not None:
            parts.append(
                {"kind": "spent", "amount": str(data["spent"]), "days": data["spent_days"]}
            )
        if data.get("series"):
            parts.append({"kind": "holds_series", "series": data["series"].pk})
        if data.get("birthday"):
            parts.append({"kind": "birthday", "days": data["birthday"]})
        return parts

    def current_segment(self) -> dict | None:
        """The valid filters as a campaign segment; None without filters or when invalid."""
        if not self.is_bound or not self.is_valid():
            return None
        return getattr(self, "segment", None)
