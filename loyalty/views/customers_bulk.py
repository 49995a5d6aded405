"""Bulk actions on the customer list: check rows (or take everyone in a category), then
issue coupons of a series or move them to a category. The work is in customers.bulk and
coupons.bulk."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.errors import DomainError
from core.permissions import panel_view
from core.tenancy import scoped
from coupons.bulk import issue_coupons_in_bulk
from coupons.models import CouponSeries
from customers.bulk import change_category_in_bulk
from customers.models import Customer, CustomerCategory

PAGE_SIZE = 25
MAX_QUANTITY = 10


class BulkActionForm(forms.Form):
    ISSUE, CATEGORY = "issue", "category"
    SELECTED, IN_CATEGORY = "selected", "in_category"

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[(ISSUE, _("Issue a coupon")), (CATEGORY, _("Change category"))],
        widget=forms.RadioSelect,
    )
    scope = forms.ChoiceField(
        label=_("Customers"),
        choices=[
            (SELECTED, _("The checked customers")),
            (IN_CATEGORY, _("Everyone in a category")),
        ],
        widget=forms.RadioSelect,
        initial=SELECTED,
    )
    customers = forms.ModelMultipleChoiceField(
        queryset=Customer.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    source_category = forms.ModelChoiceField(
        label=_("Everyone in"), queryset=CustomerCategory.objects.none(), required=False
    )
    series = forms.ModelChoiceField(
        label=_("Coupon series"), queryset=CouponSeries.objects.none(), required=False
    )
    quantity = forms.IntegerField(
        label=_("Coupons each"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )
    notify = forms.BooleanField(label=_("Send each customer a message"), required=False)
    target = forms.ModelChoiceField(
        label=_("New category"), queryset=CustomerCategory.objects.none(), required=False
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        categories = scoped(CustomerCategory, business).select_related("program")
        categories = categories.order_by("program__name", "name")
        self.fields["customers"].queryset = scoped(Customer, business)
        self.fields["source_category"].queryset = categories
        self.fields["target"].queryset = categories
        self.fields["series"].queryset = (
            scoped(CouponSeries, business).filter(is_archived=False).order_by("name")
        )
        for name in ("source_category", "target"):
            self.fields[name].label_from_instance = lambda c: f"{c.program.name} · {c.name}"

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.SELECTED and not data.get("customers"):
            self.add_error("scope", _("Check at least one customer in the list."))
        if data.get("scope") == self.IN_CATEGORY and not data.get("source_category"):
            self.add_error("source_category", _("Choose the category."))
        if data.get("action") == self.ISSUE and not data.get("series"):
            self.add_error("series", _("Choose the coupon series."))
        if data.get("action") == self.CATEGORY and not data.get("target"):
            self.add_error("target", _("Choose the new category."))
        return data


def _run(request, form):
    data = form.cleaned_data
    selection = (
        {"category": data["source_category"]}
        if data["scope"] == form.IN_CATEGORY
        else {"customer_ids": [c.pk for c in data["customers"]]}
    )
    if data["action"] == form.ISSUE:
        job = issue_coupons_in_bulk(
            business=request.business,
            series=data["series"],
            quantity=data["quantity"],
            notify=data["notify"],
            staff=request.user,
            **selection,
        )
        return redirect("panel:code_job", pk=job.pk)
    count = change_category_in_bulk(
        business=request.business, target=data["target"], staff=request.user, **selection
    )
    messages.success(
        request,
        ngettext(
            "%(n)d customer is being moved to “%(category)s”.",
            "%(n)d customers are being moved to “%(category)s”.",
            count,
        )
        % {"n": count, "category": data["target"].name},
    )
    return redirect("panel:customer_bulk")


@panel_view()
def customer_bulk(request):
    business = request.business
    form = BulkActionForm(request.POST or None, business=business)
    if request.method == "POST" and form.is_valid():
        try:
            return _run(request, form)
        except DomainError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
    term = request.GET.get("q", "").strip()
    customers = scoped(Customer, business).order_by("-created_at", "-pk")
    if term:
        customers = customers.filter(
            Q(name__icontains=term) | Q(phone__contains=term) | Q(card_code=term.upper())
        )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    checked = {str(pk) for pk in request.POST.getlist("customers")}
    return render(
        request,
        "panel/customers_bulk.html",
        {
            "title": _("Bulk actions on customers"),
            "form": form,
            "page": page,
            "search": term,
            "checked": checked,
        },
    )
