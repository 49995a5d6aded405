"""R19: the cashier page's guard against a double-tapped confirm holds across processes:
8 concurrent confirms with one token make one sale, and each answer points to it."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from loyalty.models import Sale

from .conftest import logged_in
from .shop import make_shop

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_confirms_with_one_token_make_one_sale():
    shop = make_shop()
    body = {"lines": [{"code": "LATTE", "quantity": "1"}], "token": "one-check"}
    barrier = threading.Barrier(8)

    def confirm(_i):
        client = logged_in(shop.cashier, shop.pos)  # each tap its own request and connection
        try:
            barrier.wait(timeout=30)
            response = client.post(
                reverse("cashier:api_confirm"), body, content_type="application/json"
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(confirm, range(8)))
    assert Sale.objects.filter(business=shop.business).count() == 1
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 7 + [201], results
    sale = Sale.objects.get(business=shop.business)
    assert {answer["sale"] for _, answer in results} == {sale.pk}


def test_one_token_of_another_cashier_is_another_check():
    shop = make_shop()
    body = {"lines": [{"code": "LATTE", "quantity": "1"}], "token": "same-text"}
    for user in (shop.cashier, shop.manager):
        client = logged_in(user, shop.pos)
        response = client.post(
            reverse("cashier:api_confirm"), body, content_type="application/json"
        )
        assert response.status_code == 201
    assert Sale.objects.filter(business=shop.business).count() == 2
