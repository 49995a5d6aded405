"""The till's item grid: a cashier taps a favourite and an item of a category tab, the lines
fill as from the search, the sale is confirmed with both. On a phone nothing scrolls sideways
and every button is a touch target."""

import pytest
from playwright.sync_api import expect

from loyalty.models import Sale
from tests.browser.test_cashier_flow import open_till
from tests.factories import PosFavouriteFactory
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tap_a_favourite_and_a_category_item_then_confirm(live_server, tablet, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    PosFavouriteFactory(point_of_sale=shop.pos, goods=shop.goods["CROISSANT"])
    page = tablet
    open_till(page, live_server)

    grid = page.locator("#item-grid")
    expect(grid.get_by_role("tab", name="Favourites")).to_have_attribute("aria-selected", "true")
    grid.locator("[role=tabpanel]:visible .item-grid__item", has_text="Croissant").click()
    grid.get_by_role("tab", name="Coffee").click()
    latte = grid.locator("[role=tabpanel]:visible .item-grid__item", has_text="Latte")
    latte.click()
    latte.click()
    expect(page.locator("#lines tr")).to_have_count(2)
    expect(page.locator("#lines tr:nth-child(2) input")).to_have_value("2")
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("165.00")
    shoot(page, "till-grid-01-check")

    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    sale = Sale.objects.get()
    assert sorted((p.code, p.quantity) for p in sale.positions.all()) == [
        ("CROISSANT", 1),
        ("LATTE", 2),
    ]
    assert page.js_errors == []


def test_the_grid_fits_a_phone_in_ukrainian(live_server, phone, shoot):
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    PosFavouriteFactory(point_of_sale=shop.pos, goods=shop.goods["LATTE"])
    page = phone
    page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])
    open_till(page, live_server)
    grid = page.locator("#item-grid")
    expect(grid.get_by_role("tab", name="Улюблені")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for box in grid.locator(".item-grid__tab, [role=tabpanel]:visible .item-grid__item").all():
        size = box.bounding_box()
        assert size["height"] >= 44 and size["width"] >= 44, size
    expect(grid.locator(".item-grid__price").first).to_have_text("60,00")
    grid.locator("[role=tabpanel]:visible .item-grid__item").first.click()
    expect(page.locator("#lines tr")).to_have_count(1)
    shoot(page, "till-grid-02-phone-uk")
    assert page.js_errors == []
