"""Generic panel views: every row is loaded through core.tenancy for request.business.

Pages of every app (loyalty, coupons, certificates, customers) use these classes so that
they get the same role checks, tenant scoping, search, pagination and templates.
"""

from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, ListView, UpdateView

from core.permissions import PanelAccessMixin
from core.tenancy import get_scoped, scoped

PAGE_SIZE = 25


class BusinessScopedMixin(PanelAccessMixin):
    """Querysets filtered by tenancy.scoped; objects by get_scoped (404 for other tenants)."""

    model: Any = None  # set by each page; Any as Django's own mixins type it per view
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        qs = scoped(self.model, self.request.business)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def get_object(self, queryset=None):
        return get_scoped(
            queryset if queryset is not None else self.get_queryset(),
            self.request.business,
            pk=self.kwargs["pk"],
        )


class PanelListView(BusinessScopedMixin, ListView):
    """A paginated list with an optional `?q=` search over `search_fields`."""

    paginate_by = PAGE_SIZE
    search_fields = ()
    title = ""
    create_url_name = None

    def get_search(self):
        return self.request.GET.get("q", "").strip()

    def search(self, qs, term):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": term})
        return qs.filter(condition)

    def get_queryset(self):
        qs = super().get_queryset()
        term = self.get_search()
        if term and self.search_fields:
            qs = self.search(qs, term)
        return qs

    def paginate_queryset(self, queryset, page_size):
        if not queryset.ordered:  # GROUP BY (annotations) drops Meta.ordering
            queryset = queryset.order_by(*(self.model._meta.ordering or []), "pk")
        return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            search=self.get_search(),
            searchable=bool(self.search_fields),
            create_url=reverse(self.create_url_name) if self.create_url_name else None,
        )
        return context


class PanelFormMixin(BusinessScopedMixin):
    """Create and edit pages: the form gets `business`; success goes back to the list."""

    template_name: str | None = "panel/form_page.html"
    success_url_name: str | None = None
    title = ""
    saved_message = _("Saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["business"] = self.request.business
        return kwargs

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_title(self):
        return self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.get_title(), cancel_url=reverse(self.success_url_name))
        return context

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, self.saved_message)
        return HttpResponseRedirect(self.get_success_url())


class PanelCreateView(PanelFormMixin, CreateView):
    def get_object(self, queryset=None):
        return None

    def form_valid(self, form):
        form.instance.business = self.request.business  # never from the posted data
        return super().form_valid(form)


class PanelUpdateView(PanelFormMixin, UpdateView):
    pass
