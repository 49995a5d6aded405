"""The wallet's code field (journey.md "Enter a code") opens a gift card's page too, from its
code in any spelling or its /gc/ link; another business's card and an unsold one are not
found, as on /gc/ itself."""

from decimal import Decimal

import pytest
from django.urls import reverse

from giftcards.models import GiftCard
from tests.factories import GiftCardFactory, GiftCardSeriesFactory

pytestmark = pytest.mark.django_db


def gift_card(shop, **fields):
    series = GiftCardSeriesFactory(program=shop.program, business=shop.business)
    return GiftCardFactory(series=series, **fields)


def enter(client, shop, code):
    return client.post(reverse("public:enter_code", args=[shop.business.slug]), {"code": code})


@pytest.mark.parametrize("spelling", ["plain", "link", "lower"])
def test_the_code_field_opens_a_gift_cards_page(client, shop, spelling):
    card = gift_card(shop, code="GC-CAFE-0001", balance=Decimal("250.00"))
    typed = {
        "plain": card.code,
        "link": f"https://elsewhere.example/gc/{card.code}",
        "lower": "gc cafe 0001",
    }[spelling]
    response = enter(client, shop, typed)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:gift_card", args=["GC-CAFE-0001"]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "250.00" in page.content.decode()


def test_another_business_card_and_an_unsold_card_are_not_found(client, shop, other_shop):
    foreign = gift_card(other_shop, code="GC-ELSE-0001")
    unsold = gift_card(shop, code="GC-STCK-0001", state=GiftCard.State.STOCK, balance=0)
    for code in (foreign.code, unsold.code):
        response = enter(client, shop, code)
        assert response.status_code == 404
        assert "No coupon, certificate or gift card has this code" in response.content.decode()


def test_the_field_says_it_takes_gift_cards(client, shop):
    page = client.get(reverse("public:wallet", args=[shop.business.slug])).content.decode()
    assert "Have a coupon, certificate or gift card code?" in page
