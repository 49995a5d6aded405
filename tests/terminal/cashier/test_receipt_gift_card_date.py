"""The receipt writes a sold gift card's end in the page's one date format (issue 21), not
as ISO text ("2027-12-07")."""

import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from giftcards.models import GiftCard
from tests.factories import GiftCardSeriesFactory

pytestmark = pytest.mark.django_db


def sell_a_card(till):
    """A latte and a gift card of the series "gift" for 500.00, confirmed at the till."""
    body = {
        "lines": [{"code": "LATTE", "quantity": "1"}],
        "gift_cards_sold": [{"series": "gift", "amount": "500.00"}],
        "token": "t-gc",
    }
    confirmed = till.post(reverse("cashier:api_confirm"), body, content_type="application/json")
    assert confirmed.status_code == 201, confirmed.json()
    return confirmed


@pytest.mark.parametrize(("language", "day"), [("en", "%m/%d/%Y"), ("uk", "%d.%m.%Y")])
def test_the_receipt_shows_a_sold_cards_end_in_the_short_format(shop, till, language, day):
    GiftCardSeriesFactory(program=shop.program, key="gift", valid_months=12)
    confirmed = sell_a_card(till)
    till.cookies["django_language"] = language
    receipt = till.get(confirmed.json()["receipt_url"], HTTP_ACCEPT_LANGUAGE=language)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", receipt.content.decode()))
    card = GiftCard.objects.get()
    end = card.valid_to.astimezone(ZoneInfo(shop.business.timezone)).strftime(day)
    assert end in text, text
    assert card.valid_to.strftime("%Y-%m-%d") not in text
    assert ("500,00" if language == "uk" else "500.00") in text


def test_a_card_of_a_series_with_an_end_date_ends_on_that_day(shop, till):
    """A series valid to 31.12 sells cards that end on 31.12 in the business's time zone
    (they were stored as the next midnight in the server's zone and shown as 01.01)."""
    GiftCardSeriesFactory(program=shop.program, key="gift", valid_to=date(2099, 12, 31))
    confirmed = sell_a_card(till)
    card = GiftCard.objects.get()
    local = card.valid_to.astimezone(ZoneInfo(shop.business.timezone))
    assert local.date() == date(2099, 12, 31)
    till.cookies["django_language"] = "uk"
    receipt = till.get(confirmed.json()["receipt_url"], HTTP_ACCEPT_LANGUAGE="uk")
    assert "31.12.2099" in receipt.content.decode()
    assert "01.01.2100" not in receipt.content.decode()
