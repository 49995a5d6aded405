"""Every cashier route, walked with another business's ids: each answers 404.

The walk fails when a route is added to terminal/web_urls.py without being listed here.
"""

import pytest
from django.urls import reverse

from terminal import web_urls
from tests.terminal.cashier.test_sales import sell

pytestmark = pytest.mark.django_db


def _routes_with_ids():
    return {p.name for p in web_urls.urlpatterns if "<int:" in str(p.pattern)}


def test_every_route_with_an_id_is_walked():
    assert _routes_with_ids() == {"receipt", "cancel"}


def test_foreign_ids_answer_404(till, shop, other_shop):
    foreign_sale = sell(other_shop)
    for name in ("cashier:receipt", "cashier:cancel"):
        url = reverse(name, args=[foreign_sale.pk])
        assert till.get(url).status_code == 404, url
        assert till.post(url).status_code == 404, url
    foreign_sale.refresh_from_db()
    assert foreign_sale.status == "completed"

    # ids inside the query string and JSON bodies
    foreign = other_shop.customer.pk
    assert till.get(reverse("cashier:api_customer"), {"id": foreign}).status_code == 404
    for name, body in [
        (
            "cashier:api_evaluate",
            {"lines": [{"code": "LATTE", "quantity": "1"}], "customer_id": foreign},
        ),
        (
            "cashier:api_confirm",
            {"lines": [{"code": "LATTE", "quantity": "1"}], "customer_id": foreign},
        ),
        ("cashier:api_certificate", {"code": "X", "customer_id": foreign}),
    ]:
        response = till.post(reverse(name), body, content_type="application/json")
        assert response.status_code == 404, name
    # a foreign point of sale
    assert till.post(reverse("cashier:choose_pos"), {"pos": other_shop.pos.pk}).status_code == 404
    # a foreign card and phone are unknown here
    card = other_shop.customer.card_code
    assert till.get(reverse("cashier:api_customer"), {"card": card}).status_code == 404
    # the same phone in two businesses is two customers: this business's one answers
    phone = other_shop.customer.phone
    found = till.get(reverse("cashier:api_customer"), {"phone": phone}).json()
    assert found["customer"]["id"] == shop.customer.pk != other_shop.customer.pk


def test_foreign_goods_are_invisible(till, other_shop):
    items = till.get(reverse("cashier:api_goods"), {"q": "a"}).json()["items"]
    assert all(i["code"] in {"LATTE", "CROISSANT", "BEANS"} for i in items)
