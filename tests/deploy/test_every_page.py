"""Issue 21: every panel, cashier, kiosk and public page (tests/pages.py walks them all)

- reads as Ukrainian in uk: no English word outside the data the business typed and a short
  list of names and formats;
- shows every time in the business's time zone, for a business in Europe/Kyiv and one in
  America/New_York.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models
from django.utils import timezone

from tests.pages import build_world, client_for, every_page
from tests.ui.text import latin_words, shown_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The walk looks up public codes: a throttle count that an earlier test committed to the
    database cache (transaction=True tests) would answer 429."""
    cache.clear()


# Names of things, formats and units that read the same in both languages.
ALLOWED = {
    "Perkline", "EN", "UK", "English", "CSV", "XLSX", "JSON", "PNG", "SVG", "SMS", "QR",
    "SKU", "UAH", "USD", "EUR", "ISO", "px", "ID", "API", "PIN", "OTP", "URL", "HTTP",
    "instagram", "SPRING", "CR", "GIFT", "UTF", "Enter", "JPEG", "Telegram", "Viber", "WASH",
}  # fmt: skip
# Addresses, zones, file names and codes: not words to translate.
NOT_WORDS = re.compile(
    r"\S+@\S+|https?://\S+|[A-Z][a-z]+/[A-Za-z_]+|\S+\.(json|csv|xlsx|png|svg)\b"
    r"|\b[A-Z]{2}\b|\b[A-Z0-9]+(-[A-Z0-9]+)+\b|\b[a-z0-9]+([-_][a-z0-9]+)+\b"
    r"|\b[a-z0-9_-]+(, ?[a-z0-9_-]+)+\b|\{[a-z_]+\}"
)


def typed_words(business) -> set[str]:
    """Words of the rows' own texts (names, titles, keys): the business's data."""
    words = set(latin_words(business.name))
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        rows = model.objects.all()
        if any(f.name == "business" for f in model._meta.concrete_fields):
            rows = rows.filter(business=business)
        elif model is not get_user_model():
            continue
        for values in rows.values_list(*[f.name for f in fields]):
            words.update(latin_words(" ".join(str(v) for v in values if v)))
    return words


def english_on(html: str, allowed: set[str]) -> list[str]:
    found = []
    for text in shown_text(html):
        for word in latin_words(NOT_WORDS.sub(" ", text)):
            if word not in allowed and word.strip("'’") not in allowed:
                found.append(text)
                break
    return found


def html_of(page) -> str | None:
    """The page's HTML in uk; None for a route that answers a file (CSV, pass, JSON).

    The code throttle's counters are cleared first: the walk opens every code page from
    one address, far past the budget a person has."""
    cache.clear()
    response = client_for(page, "uk").get(page.url)
    assert response.status_code == 200, page.name
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def test_every_page_reads_in_ukrainian():
    world = build_world()
    allowed = ALLOWED | typed_words(world.shop.business)
    problems = []
    for page in every_page(world):
        html = html_of(page)
        if html is None:
            continue
        for text in english_on(html, allowed):
            problems.append(f"{page.name}: {text[:120]}")
    assert not problems, "English on uk pages:\n" + "\n".join(problems)


def pin_times(business, moment):
    """Every time of the business's rows at `moment` (ends of validity a day later, so that
    coupons stay usable): the pages must then show its local time only."""
    later = moment + timedelta(days=1)
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        if not any(f.name == "business" for f in fields):
            continue
        stamps = [f.name for f in fields if isinstance(f, models.DateTimeField)]
        if not stamps:
            continue
        for name in stamps:  # only times that are set: a revoked_at stays empty
            value = later if name.startswith(("valid_to", "expires")) else moment
            rows = model.objects.filter(business=business, **{f"{name}__isnull": False})
            rows.update(**{name: value})


@pytest.mark.parametrize("zone", ["Europe/Kyiv", "America/New_York"])
def test_every_time_shown_is_the_business_local_time(zone):
    world = build_world()
    business = world.shop.business
    business.timezone = zone
    business.save(update_fields=["timezone"])
    moment = timezone.now().replace(second=0, microsecond=0)
    pin_times(business, moment)
    local = moment.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    utc = moment.strftime("%H:%M")
    shown_local, wrong = [], []
    for page in every_page(world):
        html = html_of(page)
        if html is None:
            continue
        text = " ".join(shown_text(html))
        if utc in text:
            wrong.append(f"{page.name} shows {utc} (UTC)")
        if local in text:
            shown_local.append(page.name)
    assert not wrong, "\n".join(wrong)
    # The pages that list times do show the local one.
    assert {
        "cashier:receipt",
        "cashier:sales",
        "panel:customer_detail",
        "panel:audit",
        "panel:coupon_detail",
        "panel:series_coupons",
        "public:wallet",
    } <= set(shown_local), shown_local
