"""The check page's item grid: a "Favourites" tab of this point of sale first, then the
active goods by category; a constant number of queries whatever the catalogue's size."""

import re
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import GoodsCategoryFactory, GoodsFactory, PosFavouriteFactory

from .conftest import logged_in


def page(client) -> str:
    response = client.get(reverse("cashier:check"))
    assert response.status_code == 200
    return response.content.decode()


def tabs(html):
    return re.findall(r'role="tab"[^>]*data-tab="([^"]+)"[^>]*>([^<]+)<', html)


def panel(html, key):
    match = re.search(rf'id="grid-panel-{key}"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1)


def test_favourites_first_then_categories(shop, till):
    PosFavouriteFactory(point_of_sale=shop.pos, goods=shop.goods["CROISSANT"], position=0)
    PosFavouriteFactory(point_of_sale=shop.pos, goods=shop.goods["LATTE"], position=1)
    GoodsFactory(business=shop.business, code="WATER", title="Water", price=Decimal("20.00"))
    GoodsFactory(business=shop.business, code="OLD", title="Old", is_active=False)
    html = page(till)
    names = [name for _key, name in tabs(html)]
    assert names == ["Favourites", "Bakery", "Coffee", "Other"]
    favourites = panel(html, "favourites")
    assert favourites.index('data-code="CROISSANT"') < favourites.index('data-code="LATTE"')
    coffee = panel(html, f"c{shop.goods['LATTE'].category_id}")
    assert 'data-code="BEANS"' in coffee and 'data-price="350.00"' in coffee
    assert 'data-code="WATER"' in panel(html, "other")
    assert 'data-code="OLD"' not in html
    assert "terminal/grid.js" in html


def test_favourites_are_this_point_of_sale_s(shop):
    PosFavouriteFactory(point_of_sale=shop.other_pos, goods=shop.goods["BEANS"])
    html = page(logged_in(shop.cashier, shop.pos))
    assert "data-code" not in panel(html, "favourites")
    assert "No favourites at this point of sale yet." in html


def test_grid_never_shows_another_business(shop, other_shop, till):
    GoodsFactory(business=other_shop.business, code="FOREIGN", title="Foreign")
    PosFavouriteFactory(point_of_sale=other_shop.pos, goods=other_shop.goods["LATTE"])
    html = page(till)
    assert "FOREIGN" not in html
    assert "data-code" not in panel(html, "favourites")


def test_only_managers_get_the_edit_link(shop):
    link = reverse("panel:pos_favourites", args=[shop.pos.pk])
    assert link not in page(logged_in(shop.cashier, shop.pos))
    assert link in page(logged_in(shop.manager, shop.pos))


def test_prices_are_shown_in_the_language_s_format(shop, till):
    html = till.get(reverse("cashier:check"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Улюблені" in html
    assert '<span class="item-grid__price">60,00</span>' in html


def test_query_count_does_not_grow_with_the_catalogue(shop, till):
    page(till)  # warm the rule cache
    with CaptureQueriesContext(connection) as small:
        page(till)
    for n in range(5):
        category = GoodsCategoryFactory(business=shop.business, code=f"cat{n}", name=f"Cat {n}")
        for m in range(8):
            goods = GoodsFactory(business=shop.business, category=category)
            if m == 0:
                PosFavouriteFactory(point_of_sale=shop.pos, goods=goods)
    with CaptureQueriesContext(connection) as large:
        html = page(till)
    assert html.count("item-grid__item") >= 43
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
