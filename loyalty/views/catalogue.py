"""Goods categories, goods and the goods CSV import."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.permissions import panel_view
from core.views import PanelCreateView, PanelListView, PanelUpdateView
from loyalty.forms.catalogue import GoodsCategoryForm, GoodsForm, GoodsImportForm
from loyalty.models import Goods, GoodsCategory
from loyalty.services.catalogue import import_goods_csv


class GoodsCategoryList(PanelListView):
    model = GoodsCategory
    template_name = "panel/category_list.html"
    title = gettext_lazy("Goods categories")
    search_fields = ("name", "code")
    create_url_name = "panel:category_create"

    def get_queryset(self):
        return super().get_queryset().annotate(goods_count=Count("goods"))


class GoodsCategoryCreate(PanelCreateView):
    model = GoodsCategory
    form_class = GoodsCategoryForm
    success_url_name = "panel:category_list"
    title = gettext_lazy("New goods category")


class GoodsCategoryUpdate(PanelUpdateView):
    model = GoodsCategory
    form_class = GoodsCategoryForm
    success_url_name = "panel:category_list"
    title = gettext_lazy("Edit goods category")


class GoodsList(PanelListView):
    model = Goods
    template_name = "panel/goods_list.html"
    title = gettext_lazy("Goods")
    search_fields = ("title", "code", "category__code", "category__name")
    create_url_name = "panel:goods_create"
    select_related = ("category",)


class GoodsCreate(PanelCreateView):
    model = Goods
    form_class = GoodsForm
    success_url_name = "panel:goods_list"
    title = gettext_lazy("New goods item")


class GoodsUpdate(PanelUpdateView):
    model = Goods
    form_class = GoodsForm
    success_url_name = "panel:goods_list"
    title = gettext_lazy("Edit goods item")


@panel_view()
def goods_import(request):
    form = GoodsImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_goods_csv(business=request.business, file=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            if report.ok:
                messages.success(
                    request,
                    _(
                        "Imported: %(created)s new, %(updated)s updated goods; %(cats)s new "
                        "categories."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "cats": report.categories_created,
                    },
                )
                return redirect("panel:goods_list")
    return render(
        request,
        "panel/import.html",
        {
            "form": form,
            "report": report,
            "title": _("Import goods from CSV"),
            "example": "code,title,category,price\nLATTE,Latte,coffee,60.00",
            "cancel_url_name": "panel:goods_list",
        },
    )
