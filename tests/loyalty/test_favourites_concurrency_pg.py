"""A point of sale's favourites under concurrent edits (PostgreSQL, real threads): positions
stay 0..n-1 without duplicates, the same item is kept once, the cap holds."""

from collections import Counter

import pytest

from loyalty.models import PointOfSale, PosFavourite
from loyalty.services.favourites import MAX_FAVOURITES, add_favourite, move_favourite
from tests.coupons.threads import run_concurrently
from tests.factories import GoodsFactory, PointOfSaleFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def positions(pos):
    return list(
        PosFavourite.objects.filter(point_of_sale=pos)
        .order_by("position")
        .values_list("position", flat=True)
    )


def add(pos_pk, goods_pk):
    add_favourite(point_of_sale=PointOfSale.objects.get(pk=pos_pk), goods_id=goods_pk)


def test_concurrent_adds_get_distinct_positions_and_the_cap_holds():
    pos = PointOfSaleFactory()
    goods = [GoodsFactory(business=pos.business).pk for _ in range(MAX_FAVOURITES + 6)]
    results = Counter(run_concurrently(lambda i: add(pos.pk, goods[i]), len(goods), threads=12))
    assert results == {"ok": MAX_FAVOURITES, "validation_error": 6}
    assert positions(pos) == list(range(MAX_FAVOURITES))


def test_the_same_item_added_at_once_is_kept_once():
    pos = PointOfSaleFactory()
    latte = GoodsFactory(business=pos.business)
    assert set(run_concurrently(lambda i: add(pos.pk, latte.pk), 8)) == {"ok"}
    assert PosFavourite.objects.filter(point_of_sale=pos).count() == 1


def test_concurrent_moves_keep_positions_whole():
    pos = PointOfSaleFactory()
    goods = [GoodsFactory(business=pos.business).pk for _ in range(6)]
    for pk in goods:
        add(pos.pk, pk)

    def move(i):
        move_favourite(
            point_of_sale=PointOfSale.objects.get(pk=pos.pk),
            goods_id=goods[i % 6],
            offset=-1 if i % 2 else 1,
        )

    assert set(run_concurrently(move, 12)) == {"ok"}
    assert positions(pos) == list(range(6))
    assert sorted(
        PosFavourite.objects.filter(point_of_sale=pos).values_list("goods_id", flat=True)
    ) == sorted(goods)
