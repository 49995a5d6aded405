"""A series' public claim link answers only where the series is claimable by anyone
(journey.md "Series and public claim")."""

import pytest
from django.urls import reverse

from coupons.models import Coupon

from .conftest import last_code

pytestmark = pytest.mark.django_db


def test_the_link_answers_404_when_public_claim_is_off(client, shop):
    shop.series.public_claim = False
    shop.series.save()
    page = reverse("public:series", args=[shop.series.token])

    assert client.get(page).status_code == 404
    client.post(page, {"step": "send", "phone": shop.customer.phone})
    assert client.get(page).status_code == 404
    assert not Coupon.objects.filter(series=shop.series).exists()


def test_turning_it_back_on_opens_the_link(client, shop):
    shop.series.public_claim = False
    shop.series.save()
    shop.series.public_claim = True
    shop.series.save()
    page = reverse("public:series", args=[shop.series.token])
    client.post(page, {"step": "send", "phone": shop.customer.phone})
    response = client.post(page, {"step": "verify", "code": last_code(shop.customer.phone)})
    assert "The coupon is in your wallet now." in response.content.decode()
