"""The wallet's contents (journey.md "Carry"): points that expire soon with their date in
the business's time zone, and each coupon's terms."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import ledger

from .conftest import last_code

pytestmark = pytest.mark.django_db


def wallet(client, shop, language="en"):
    url = reverse("public:wallet", args=[shop.business.slug])
    client.cookies["django_language"] = language
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(
    ("language", "words"), [("en", "35.00 expire on"), ("uk", "35,00 згорять")]
)
def test_points_expiring_soon_show_the_date_in_the_business_time_zone(
    client, shop, language, words
):
    kyiv = ZoneInfo("Europe/Kyiv")
    # 23:30 UTC is already the next day in Kyiv
    now = timezone.now()
    expires = datetime(now.year, now.month, now.day, 23, 30, tzinfo=ZoneInfo("UTC")) + timedelta(
        days=5
    )
    account = ledger.get_account(customer=shop.customer, program=shop.program)
    ledger.credit(account=account, amount=Decimal("35.00"), at=now, expires_at=expires, reason="t")
    page = wallet(client, shop, language)
    assert words in page
    shown = page.split(words, 1)[1][:30]
    # the short date of the language (docs/what-people-see.md), Kyiv's day, not UTC's
    day = "%m/%d/%Y" if language == "en" else "%d.%m.%Y"
    assert expires.astimezone(kyiv).strftime(day) in shown, shown
    assert expires.strftime(day) not in shown, shown


def test_coupon_terms_are_shown(client, shop):
    shop.series.description = {"en": "Any hot drink, at the counter"}
    shop.series.min_spend = Decimal("150.00")
    shop.series.save()
    shop.wallet_coupon(shop.customer)
    page = wallet(client, shop)
    assert "Any hot drink, at the counter" in page
    assert "on a purchase of 150.00 or more" in page
