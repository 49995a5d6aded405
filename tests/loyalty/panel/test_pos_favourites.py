"""The point of sale's favourites page: owners and managers choose and order the goods of the
till's first grid tab; nothing of another business can be added or reached."""

from decimal import Decimal

from django.urls import reverse

from loyalty.models import PosFavourite
from tests.factories import BusinessFactory, GoodsFactory, PointOfSaleFactory

from .conftest import logged_in, member


def url(pos):
    return reverse("panel:pos_favourites", args=[pos.pk])


def codes(pos):
    return list(
        PosFavourite.objects.filter(point_of_sale=pos)
        .order_by("position")
        .values_list("goods__code", flat=True)
    )


def test_owner_adds_orders_and_removes(owner_client, business, pos):
    latte = GoodsFactory(business=business, code="LATTE", title="Latte")
    tea = GoodsFactory(business=business, code="TEA", title="Tea")
    bun = GoodsFactory(business=business, code="BUN", title="Bun")
    for goods in (latte, tea, bun):
        assert owner_client.post(url(pos), {"action": "add", "goods": goods.pk}).status_code == 302
    owner_client.post(url(pos), {"action": "add", "goods": tea.pk})  # twice: still once
    assert codes(pos) == ["LATTE", "TEA", "BUN"]

    owner_client.post(url(pos), {"action": "up", "goods": bun.pk})
    assert codes(pos) == ["LATTE", "BUN", "TEA"]
    owner_client.post(url(pos), {"action": "up", "goods": latte.pk})  # first stays first
    owner_client.post(url(pos), {"action": "down", "goods": latte.pk})
    assert codes(pos) == ["BUN", "LATTE", "TEA"]
    owner_client.post(url(pos), {"action": "remove", "goods": latte.pk})
    assert codes(pos) == ["BUN", "TEA"]
    assert list(
        PosFavourite.objects.filter(point_of_sale=pos)
        .order_by("position")
        .values_list("position", flat=True)
    ) == [0, 1]

    page = owner_client.get(url(pos))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Bun") < html.index("Tea")
    assert f'value="{latte.pk}"' in html  # back among the choices


def test_favourites_are_per_point_of_sale(owner_client, business, pos, program):
    other = PointOfSaleFactory(program=program, key="mall")
    latte = GoodsFactory(business=business)
    owner_client.post(url(pos), {"action": "add", "goods": latte.pk})
    assert codes(pos) == [latte.code]
    assert codes(other) == []


def test_manager_may_edit_cashier_may_not(manager_client, cashier_client, business, pos):
    latte = GoodsFactory(business=business)
    assert cashier_client.post(url(pos), {"action": "add", "goods": latte.pk}).status_code == 403
    assert codes(pos) == []
    manager_client.post(url(pos), {"action": "add", "goods": latte.pk})
    assert codes(pos) == [latte.code]


def test_goods_of_another_business_or_inactive_are_refused(owner_client, business, pos):
    foreign = GoodsFactory(business=BusinessFactory())
    inactive = GoodsFactory(business=business, is_active=False)
    for goods in (foreign, inactive):
        response = owner_client.post(url(pos), {"action": "add", "goods": goods.pk}, follow=True)
        assert "Choose an active goods item." in response.content.decode()
    for bad in ("", "abc", "-1"):
        owner_client.post(url(pos), {"action": "add", "goods": bad})
    assert PosFavourite.objects.count() == 0


def test_another_business_cannot_see_or_edit(pos, business):
    latte = GoodsFactory(business=business, price=Decimal("60.00"))
    other_owner = member(BusinessFactory(), "owner")
    client = logged_in(other_owner)
    assert client.get(url(pos)).status_code == 404
    assert client.post(url(pos), {"action": "add", "goods": latte.pk}).status_code == 404
    assert PosFavourite.objects.count() == 0


def test_the_list_links_the_page(owner_client, pos):
    assert url(pos) in owner_client.get(reverse("panel:pos_list")).content.decode()
