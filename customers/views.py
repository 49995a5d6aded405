"""Panel pages for customers, customer categories and account types."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.permissions import panel_view
from core.tenancy import get_scoped, scoped
from core.views import PanelCreateView, PanelListView, PanelUpdateView
from customers.forms import (
    AccountTypeForm,
    AdjustmentForm,
    CustomerCategoryForm,
    CustomerForm,
    CustomerImportForm,
)
from customers.ledger import adjust, get_account
from customers.models import (
    AccountType,
    Customer,
    CustomerCategory,
    Enrolment,
    LedgerEntry,
    Lot,
)
from customers.phones import normalize_phone
from customers.selectors import balances, figures_of_customers
from customers.services import enrol, import_customers_csv, set_category
from customers.tiers import set_kept
from loyalty.models import Program

HISTORY_PAGE_SIZE = 50
IMPORT_EXAMPLE = (
    "phone,name,email,birthday,category,card\n0501234567,Olena,olena@example.com,1990-05-17,vip,"
)


class CustomerList(PanelListView):
    model = Customer
    template_name = "customers/customer_list.html"
    title = gettext_lazy("Customers")
    search_fields = ("name", "phone", "card_code")
    create_url_name = "panel:customer_create"

    # ?sort= keys: the columns an owner sorts by (issue 21); newest customers by default.
    SORTS = {
        "last_visit": ("-last_visit", "-pk"),
        "visits": ("-visits", "-pk"),
        "spend": ("-spend", "-pk"),
        "balance": ("-balance", "-pk"),
    }

    def get_queryset(self):
        # Correlated subqueries: computed for the page's 25 rows only, in the same query.
        return figures_of_customers(super().get_queryset()).order_by(
            *self.SORTS.get(self.request.GET.get("sort", ""), ("-created_at", "-pk"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sort"] = self.request.GET.get("sort", "")
        context["sort_choices"] = [
            ("", _("Newest")),
            ("last_visit", _("Last visit")),
            ("visits", _("Visits")),
            ("spend", _("Spent")),
            ("balance", _("Points")),
        ]
        return context

    def search(self, qs, term):
        condition = Q(name__icontains=term) | Q(card_code=term.upper())
        try:
            condition |= Q(phone=normalize_phone(term, self.request.business.phone_region))
        except DomainError:
            digits = "".join(ch for ch in term if ch.isdigit())
            if len(digits) >= 4:  # a part of a number: "4567"
                condition |= Q(phone__contains=digits)
        return qs.filter(condition)


def _categories(business, customer):
    """{program id: category} of the customer's enrolments."""
    enrolments = scoped(Enrolment, business).filter(customer=customer).select_related("category")
    return {e.program_id: e.category for e in enrolments}


def _save_customer(form, current=None):
    """Save the customer; a new one is enrolled in every program (chosen category or the
    program's default), an existing one changes only the categories that changed."""
    chosen = {program.pk: category for program, category in form.chosen_categories()}
    with transaction.atomic():
        customer = form.save()
        if current is None:
            for program in scoped(Program, customer.business_id):
                enrol(customer=customer, program=program, category=chosen.get(program.pk))
        else:
            for program, category in form.chosen_categories():
                if current.get(program.pk) != category:
                    set_category(customer=customer, program=program, category=category)
        for program, keep in form.chosen_keeps():
            set_kept(customer=customer, program=program, kept=keep)
    return customer


def _customer_form_page(request, form, title, cancel_url):
    return render(
        request,
        "panel/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel_url},
    )


@panel_view()
def customer_create(request):
    form = CustomerForm(request.POST or None, business=request.business)
    if request.method == "POST" and form.is_valid():
        customer = _save_customer(form)
        messages.success(request, _("Customer saved."))
        return redirect("panel:customer_detail", pk=customer.pk)
    return _customer_form_page(request, form, _("New customer"), reverse("panel:customer_list"))


@panel_view()
def customer_edit(request, pk):
    customer = get_scoped(Customer, request.business, pk=pk)
    current = _categories(request.business, customer)
    form = CustomerForm(
        request.POST or None, instance=customer, business=request.business, categories=current
    )
    if request.method == "POST" and form.is_valid():
        _save_customer(form, current)
        messages.success(request, _("Customer saved."))
        return redirect("panel:customer_detail", pk=customer.pk)
    return _customer_form_page(
        request,
        form,
        _("Edit customer %(name)s") % {"name": customer},
        reverse("panel:customer_detail", kwargs={"pk": customer.pk}),
    )


@panel_view()
def customer_detail(request, pk):
    business = request.business
    customer = get_scoped(Customer, business, pk=pk)
    form = AdjustmentForm(request.POST or None, business=business)
    if request.method == "POST" and form.is_valid() and _adjust(request, form, customer):
        return redirect("panel:customer_detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_detail.html",
        {
            **_customer_context(request, customer),
            "form": form,
        },
    )


def _adjust(request, form, customer):
    program, key = form.cleaned_data["account"]
    try:
        with transaction.atomic():
            account = get_account(customer=customer, program=program, key=key)
            adjust(
                account=account,
                amount=form.cleaned_data["amount"],
                staff=request.user,
                reason=form.cleaned_data["reason"],
            )
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return False
    messages.success(request, _("The adjustment is recorded."))
    return True


def _customer_context(request, customer):
    business = request.business
    programs = list(scoped(Program, business).order_by("name", "id"))
    program_names = {p.pk: p.name for p in programs}
    categories = _categories(business, customer)
    type_names = {(t.program_id, t.key): t.name for t in scoped(AccountType, business)}
    built_in = {"bonus": _("Bonus points"), "special": _("Special points")}

    def label(program_id, key):
        return built_in.get(key) or type_names.get((program_id, key), key)

    program_balances = [
        {
            "program": program,
            "category": categories.get(program.pk),
            "rows": [
                (label(program.pk, key), figures)
                for key, figures in balances(customer=customer, program=program).items()
            ],
        }
        for program in programs
    ]
    lots = list(
        scoped(Lot, business)
        .filter(account__customer=customer, remaining__gt=0)
        .select_related("account")
        .order_by("expires_at", "id")
    )
    entries = (
        scoped(LedgerEntry, business)
        .filter(account__customer=customer)
        .select_related("account", "staff")
        .order_by("-created_at", "-id")
    )
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in [*lots, *page.object_list]:
        account = row.account
        name = label(account.program_id, account.key)
        # The program's name only tells programs apart: one program, the account's name.
        if len(program_names) > 1:
            name = f"{program_names.get(account.program_id, '')} · {name}"
        row.account_label = name
    return {
        "customer": customer,
        "title": str(customer),
        "program_balances": program_balances,
        "lots": lots,
        "page_obj": page,
    }


@panel_view()
def customer_import(request):
    form = CustomerImportForm(
        request.POST or None, request.FILES or None, business=request.business
    )
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_customers_csv(
                business=request.business,
                program=form.cleaned_data["program"],
                file=form.cleaned_data["file"],
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            if report.ok:
                messages.success(
                    request,
                    _("%(count)s customers imported.") % {"count": report.created},
                )
                return redirect("panel:customer_list")
    return render(
        request,
        "panel/import.html",
        {
            "form": form,
            "report": report,
            "title": _("Import customers from CSV"),
            "example": IMPORT_EXAMPLE,
            "cancel_url_name": "panel:customer_list",
        },
    )


class CustomerCategoryList(PanelListView):
    model = CustomerCategory
    template_name = "customers/category_list.html"
    title = gettext_lazy("Customer categories")
    search_fields = ("name", "key")
    create_url_name = "panel:customer_category_create"
    select_related = ("program",)


class CustomerCategoryCreate(PanelCreateView):
    model = CustomerCategory
    form_class = CustomerCategoryForm
    success_url_name = "panel:customer_category_list"
    title = gettext_lazy("New customer category")


class CustomerCategoryUpdate(PanelUpdateView):
    model = CustomerCategory
    form_class = CustomerCategoryForm
    success_url_name = "panel:customer_category_list"
    title = gettext_lazy("Edit customer category")


class AccountTypeList(PanelListView):
    model = AccountType
    template_name = "customers/account_type_list.html"
    title = gettext_lazy("Account types")
    search_fields = ("name", "key")
    create_url_name = "panel:account_type_create"
    select_related = ("program",)


class AccountTypeCreate(PanelCreateView):
    model = AccountType
    form_class = AccountTypeForm
    success_url_name = "panel:account_type_list"
    title = gettext_lazy("New account type")


class AccountTypeUpdate(PanelUpdateView):
    model = AccountType
    form_class = AccountTypeForm
    success_url_name = "panel:account_type_list"
    title = gettext_lazy("Edit account type")
