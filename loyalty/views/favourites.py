"""A point of sale's favourite goods (the till's first grid tab), edited by owners and managers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.permissions import panel_view
from core.tenancy import get_scoped, scoped
from loyalty.models import Goods, PointOfSale, PosFavourite
from loyalty.services.favourites import (
    MAX_FAVOURITES,
    add_favourite,
    move_favourite,
    remove_favourite,
)

ACTIONS = {
    "add": lambda pos, goods: add_favourite(point_of_sale=pos, goods_id=goods),
    "remove": lambda pos, goods: remove_favourite(point_of_sale=pos, goods_id=goods),
    "up": lambda pos, goods: move_favourite(point_of_sale=pos, goods_id=goods, offset=-1),
    "down": lambda pos, goods: move_favourite(point_of_sale=pos, goods_id=goods, offset=1),
}


@panel_view()
def pos_favourites(request, pk):
    pos = get_scoped(PointOfSale, request.business, pk=pk)
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        goods = (request.POST.get("goods") or "").strip()
        if action is None or not goods.isdigit():
            messages.error(request, _("Choose an active goods item."))
        else:
            try:
                action(pos, goods)
            except ValidationFailed as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
        return redirect("panel:pos_favourites", pk=pos.pk)
    favourites = list(
        PosFavourite.objects.filter(point_of_sale=pos).select_related("goods", "goods__category")
    )
    chosen = {f.goods_id for f in favourites}
    choices = [
        g
        for g in scoped(Goods, request.business)
        .filter(is_active=True)
        .select_related("category")
        .order_by("title", "pk")
        if g.pk not in chosen
    ]
    return render(
        request,
        "panel/pos_favourites.html",
        {
            "title": _("Favourites at %(pos)s") % {"pos": pos.name},
            "pos": pos,
            "favourites": favourites,
            "choices": choices,
            "full": len(favourites) >= MAX_FAVOURITES,
            "max_favourites": MAX_FAVOURITES,
        },
    )
