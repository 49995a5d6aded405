"""One page, one format (issue 21, "One rule for time"): every date on the wallet (points
expiring, coupons' end, a gift offer's end, the history) is written in the language's short
format (Django's SHORT_DATE_FORMAT / SHORT_DATETIME_FORMAT) in the business's time zone."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import ledger

from .conftest import last_code

pytestmark = pytest.mark.django_db

# Anything a reader would take for a date: digit groups joined by . / - and month names.
DATE_LIKE = re.compile(
    r"(?<![\w.-])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?![\w-])"
    r"|\b(?:Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня"
    r"|жовтня|листопада|грудня)"
)
DATE = {"en": r"\d{2}/\d{2}/\d{4}", "uk": r"\d{2}\.\d{2}\.\d{4}"}
# A date with its time: en "12/07/2026 7:52 a.m." (or noon, midnight), uk "07.12.2026 07:52".
TIME = {"en": r" (?:\d{1,2}(?::\d{2})? [ap]\.m\.|noon|midnight)", "uk": r" \d{2}:\d{2}"}


def visible_text(page: str) -> str:
    page = re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)  # the QR codes' paths
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def wallet_page(client, shop, language):
    url = reverse("public:wallet", args=[shop.business.slug])
    client.cookies["django_language"] = language
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    return url


@pytest.mark.parametrize("language", ["en", "uk"])
def test_every_date_on_the_wallet_has_the_languages_one_format(client, shop, language):
    kyiv = ZoneInfo("Europe/Kyiv")
    now = timezone.now()
    account = ledger.get_account(customer=shop.customer, program=shop.program)
    # 23:30 UTC is the next day in Kyiv: the page must show Kyiv's day
    expires = datetime(now.year, now.month, now.day, 23, 30, tzinfo=ZoneInfo("UTC")) + timedelta(
        days=5
    )
    ledger.credit(account=account, amount=Decimal("35.00"), at=now, expires_at=expires, reason="t")
    ledger.credit(account=account, amount=Decimal("10.00"), at=now, reason="t")
    shop.series.transferable = True
    shop.series.save()
    ending = shop.wallet_coupon(shop.customer)
    ending.valid_to = now + timedelta(days=40, minutes=7)
    ending.save(update_fields=["valid_to"])
    offered = shop.wallet_coupon(shop.customer)
    offered.valid_to = now + timedelta(days=60)
    offered.save(update_fields=["valid_to"])
    url = wallet_page(client, shop, language)
    client.post(
        reverse("public:give", args=[shop.business.slug]),
        {"coupon": offered.pk, "how": "link"},
    )

    text = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())

    found = DATE_LIKE.findall(text)
    # points expiring, two coupons' ends, the gift's end, three history rows at least
    assert len(found) >= 7, text
    wrong = [d for d in found if not re.fullmatch(DATE[language], d)]
    assert not wrong, (wrong, text)
    expected_day = expires.astimezone(kyiv).date()
    day_text = expected_day.strftime("%m/%d/%Y" if language == "en" else "%d.%m.%Y")
    assert day_text in text
    # a date shown with its time carries it in the language's one time format
    moments = re.findall(DATE[language] + r" \S+(?: [ap]\.m\.)?", text)
    with_time = [m for m in moments if re.match(DATE[language] + r" \d", m)]
    assert len(with_time) >= 4, text  # coupons' ends, the gift's end, the history
    bad_times = [m for m in with_time if not re.fullmatch(DATE[language] + TIME[language], m)]
    assert not bad_times, bad_times
    coupon_end = timezone.localtime(ending.valid_to, kyiv)
    shown_end = coupon_end.strftime("%m/%d/%Y" if language == "en" else "%d.%m.%Y %H:%M")
    assert shown_end in text
