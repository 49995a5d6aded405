"""The till's item grid: a point of sale's favourites and the active goods by category.

Two queries whatever the size of the catalogue; the grid holds at most GRID_LIMIT goods
(the typed search finds the rest).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.tenancy import scoped
from loyalty.models import Goods, PosFavourite

GRID_LIMIT = 400


@dataclass
class GridTab:
    key: str
    name: str
    goods: list = field(default_factory=list)


def till_grid(point_of_sale) -> list[GridTab]:
    """Tabs in order: "Favourites" (always, maybe empty), then each category by name, then
    goods without a category ("Other"). Only active goods."""
    favourites = [
        row.goods
        for row in PosFavourite.objects.filter(
            point_of_sale=point_of_sale, goods__is_active=True
        ).select_related("goods")
    ]
    tabs = [GridTab("favourites", _("Favourites"), favourites)]
    by_category: dict = {}
    other = GridTab("other", _("Other"))
    goods = (
        scoped(Goods, point_of_sale.business_id)
        .filter(is_active=True)
        .select_related("category")
        .order_by("category__name", "title", "pk")[:GRID_LIMIT]
    )
    for item in goods:
        if item.category is None:
            other.goods.append(item)
            continue
        tab = by_category.get(item.category_id)
        if tab is None:
            tab = by_category[item.category_id] = GridTab(
                f"c{item.category_id}", item.category.name
            )
            tabs.append(tab)
        tab.goods.append(item)
    if other.goods:
        tabs.append(other)
    return tabs
