"""promotions.md: "4 of 6" with the stamps drawn on the cashier page's check result, the
receipt, the wallet page and the kiosk API."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from loyalty.services.devices import issue_device
from terminal.views.access import POS_SESSION_KEY
from tests.factories import CouponSeriesFactory, StampCardFactory
from tests.terminal.cashier.shop import make_shop
from tests.terminal.public.conftest import last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    cache.clear()
    shop = make_shop()
    series = CouponSeriesFactory(program=shop.program, key="free-coffee", name="Free coffee")
    StampCardFactory(
        program=shop.program,
        key="coffee6",
        name="Sixth coffee free",
        stamps=6,
        counts="units",
        include_categories=["coffee"],
        reward=series,
    )
    return shop


@pytest.fixture
def till(shop):
    client = Client()
    client.force_login(shop.cashier)
    session = client.session
    session[POS_SESSION_KEY] = shop.pos.pk
    session.save()
    return client


def post(client, name, body):
    return client.post(reverse(name), body, content_type="application/json")


def lattes(shop, n, **extra):
    return {
        "lines": [{"code": "LATTE", "quantity": str(n)}],
        "customer_id": shop.customer.pk,
        **extra,
    }


def drawn(html):
    """(stamped, empty) slots drawn."""
    return html.count('class="stamp stamp--on"'), html.count('class="stamp"')


def test_cashier_check_and_receipt_show_the_card(till, shop):
    assert post(till, "cashier:api_confirm", lattes(shop, 4, token="t-0")).status_code == 201
    html = post(till, "cashier:api_evaluate", lattes(shop, 3)).json()["html"]
    assert "Sixth coffee free" in html
    assert "1 of 6" in html  # 4 + 3: the card fills, 1 stamp carries over
    assert "Card full: 1 reward" in html
    assert drawn(html) == (1, 5)

    response = post(till, "cashier:api_confirm", lattes(shop, 3, token="t-1"))
    receipt = till.get(response.json()["receipt_url"]).content.decode()
    assert "1 of 6" in receipt and "Card full: 1 reward" in receipt
    assert "Free coffee" in receipt  # the reward coupon itself


def test_wallet_page_shows_the_card(client, shop, till):
    post(till, "cashier:api_confirm", lattes(shop, 4, token="t-0"))
    url = reverse("public:wallet", args=[shop.business.slug])
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    html = client.get(url).content.decode()
    assert "Sixth coffee free" in html and "4 of 6" in html
    assert drawn(html) == (4, 2)


def test_kiosk_identify_answers_the_cards(shop, till):
    post(till, "cashier:api_confirm", lattes(shop, 4, token="t-0"))
    shop.program.kiosk_requires_otp = False
    shop.program.save()
    _device, key = issue_device(point_of_sale=shop.pos, kind="kiosk", name="Kiosk 1")
    kiosk = APIClient()
    kiosk.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    body = kiosk.post("/api/v1/kiosk/identify", {"phone": shop.customer.phone}, format="json")
    assert body.status_code == 200, body.json()
    assert body.json()["stamps"] == [
        {"card": "coffee6", "name": "Sixth coffee free", "stamps": 4, "of": 6}
    ]
