"""A point of sale's favourite goods: the first tab of the till's item grid.

Positions are renumbered 0..n-1 on every change, under a lock on the point of sale's row,
so two managers editing at once never leave two items at one position.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.tenancy import scoped
from loyalty.models import Goods, PointOfSale, PosFavourite

MAX_FAVOURITES = 48


def _locked(point_of_sale) -> None:
    PointOfSale.objects.select_for_update().filter(pk=point_of_sale.pk).first()


def add_favourite(*, point_of_sale, goods_id) -> PosFavourite:
    """Put an active goods item of the business at the end of the favourites (once)."""
    goods = (
        scoped(Goods, point_of_sale.business_id).filter(pk=goods_id, is_active=True).first()
        if str(goods_id).isdigit()
        else None
    )
    if goods is None:
        raise ValidationFailed(_("Choose an active goods item."), field="goods")
    with transaction.atomic():
        _locked(point_of_sale)
        existing = PosFavourite.objects.filter(point_of_sale=point_of_sale, goods=goods).first()
        if existing:
            return existing
        current = PosFavourite.objects.filter(point_of_sale=point_of_sale)
        if current.count() >= MAX_FAVOURITES:
            raise ValidationFailed(
                _("At most %(count)d favourites per point of sale.") % {"count": MAX_FAVOURITES},
                field="goods",
            )
        last = current.aggregate(last=Max("position"))["last"]
        return PosFavourite.objects.create(
            business_id=point_of_sale.business_id,
            point_of_sale=point_of_sale,
            goods=goods,
            position=0 if last is None else last + 1,
        )


def remove_favourite(*, point_of_sale, goods_id) -> None:
    with transaction.atomic():
        _locked(point_of_sale)
        PosFavourite.objects.filter(point_of_sale=point_of_sale, goods_id=goods_id).delete()
        _renumber(point_of_sale, _ordered(point_of_sale))


def move_favourite(*, point_of_sale, goods_id, offset: int) -> None:
    """Move one favourite `offset` places (-1 earlier, +1 later); at an end it stays."""
    with transaction.atomic():
        _locked(point_of_sale)
        rows = _ordered(point_of_sale)
        index = next((i for i, row in enumerate(rows) if str(row.goods_id) == str(goods_id)), None)
        if index is None:
            raise ValidationFailed(_("This item is not a favourite."), field="goods")
        target = min(max(index + offset, 0), len(rows) - 1)
        rows.insert(target, rows.pop(index))
        _renumber(point_of_sale, rows)


def _ordered(point_of_sale) -> list[PosFavourite]:
    return list(PosFavourite.objects.filter(point_of_sale=point_of_sale).order_by("position", "pk"))


def _renumber(point_of_sale, rows) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    PosFavourite.objects.bulk_update(changed, ["position"])
