"""The panel's "Gift cards" section (payments.md): series, cards with search, a card's
history, block and unblock with a reason, export, figures; another business's cards are
not there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.selectors import check_ledger
from giftcards.models import GiftCard, GiftCardSeries
from tests.factories import GiftCardFactory, GiftCardSeriesFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_creating_a_series(owner_client, program):
    response = owner_client.post(
        reverse("panel:gift_card_index"),
        {
            "program": program.pk,
            "key": "gift",
            "name": "Gift card",
            "code_prefix": "GC",
            "code_length": "10",
            "code_group": "5",
            "amounts_text": "500, 1000",
            "valid_months": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    series = GiftCardSeries.objects.get(key="gift")
    assert (series.amounts, series.valid_months) == (["500.00", "1000.00"], 12)


def test_a_weak_code_format_is_refused(owner_client, program):
    response = owner_client.post(
        reverse("panel:gift_card_index"),
        {"program": program.pk, "key": "g", "name": "G", "code_length": "4", "code_group": "0"},
    )
    assert response.status_code == 200
    assert not GiftCardSeries.objects.exists()


def test_cards_search_figures_and_export(owner_client, program):
    series = GiftCardSeriesFactory(program=program, key="gift")
    mine = GiftCardFactory(series=series, code="GC-AAAA-BBBB", balance=D("500.00"))
    GiftCardFactory(series=series, code="GC-CCCC-DDDD", balance=D("100.00"))
    foreign = GiftCardFactory(code="GC-EEEE-FFFF")
    page = owner_client.get(reverse("panel:gift_card_index"), {"q": "aaaa-bbbb"})
    text = page.content.decode()
    assert mine.code in text and "GC-CCCC-DDDD" not in text and foreign.code not in text
    full = owner_client.get(reverse("panel:gift_card_index")).content.decode()
    assert "600.00" in full  # sold and outstanding
    export = owner_client.get(reverse("panel:gift_card_export"))
    body = b"".join(export.streaming_content).decode()
    assert mine.code in body and foreign.code not in body


def test_block_and_unblock_with_a_reason(owner_client, program):
    card = GiftCardFactory(series__program=program, balance=D("50.00"))
    url = reverse("panel:gift_card_detail", args=[card.pk])
    refused = owner_client.post(url, {"action": "block", "reason": ""})
    assert refused.status_code == 200
    card.refresh_from_db()
    assert card.state == GiftCard.State.ACTIVE
    owner_client.post(url, {"action": "block", "reason": "Reported stolen"})
    card.refresh_from_db()
    assert (card.state, card.blocked_reason) == ("blocked", "Reported stolen")
    owner_client.post(url, {"action": "unblock", "reason": "Found again"})
    card.refresh_from_db()
    assert card.state == "active"
    history = owner_client.get(url).content.decode()
    assert "Reported stolen" in history and "Found again" in history
    assert check_ledger() == []


def test_another_business_card_is_not_found(owner_client):
    foreign = GiftCardFactory()
    assert owner_client.get(reverse("panel:gift_card_detail", args=[foreign.pk])).status_code == 404


def test_cashiers_do_not_see_the_section(cashier_client):
    assert cashier_client.get(reverse("panel:gift_card_index")).status_code in (302, 403)


def test_editing_a_series_keeps_its_key(owner_client, program):
    series = GiftCardSeriesFactory(program=program, key="gift", name="Gift")
    url = reverse("panel:gift_card_series_edit", args=[series.pk])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url,
        {
            "key": "changed",
            "name": "Gift card",
            "code_prefix": "GC",
            "code_length": "10",
            "code_group": "5",
            "amounts_text": "500",
            "reloadable": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    series.refresh_from_db()
    assert (series.key, series.name, series.amounts, series.reloadable) == (
        "gift",
        "Gift card",
        ["500.00"],
        True,
    )
