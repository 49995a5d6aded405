"""Points read with the word their number asks for (issue 21, uk complete): Ukrainian takes
the genitive singular after a number written with decimals ("100,00 бала", "1,50 бала"),
and one / few / many after a whole number ("1 бал", "2 бали", "5 балів"); English writes
"points" after any number with decimals."""

import json
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from .conftest import last_code

pytestmark = pytest.mark.django_db

NEW_PHONE = "+380509998866"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("uk", ["100,00 бала", "1,50 бала", "1 бал", "2 бали", "5 балів", "21 бал", "12 балів"]),
        ("en", ["100.00 points", "1.50 points", "1 point", "2 points", "5 points", "21 points",
                "12 points"]),
    ],
)  # fmt: skip
def test_the_point_count_filter_picks_the_form_of_the_number_as_shown(language, expected):
    template = Template(
        "{% load shown %}{{ a|point_count }}|{{ b|point_count }}|{{ c|point_count:0 }}|"
        "{{ d|point_count:0 }}|{{ e|point_count:0 }}|{{ f|point_count:0 }}|{{ g|point_count:0 }}"
    )
    values = dict(a="100.00", b=Decimal("1.5"), c=1, d=2, e=Decimal("5"), f=21, g=12)
    with translation.override(language):
        assert template.render(Context(values)).split("|") == expected


def wallet(client, shop, language):
    url = reverse("public:wallet", args=[shop.business.slug])
    client.cookies["django_language"] = language
    client.post(url, {"step": "send", "phone": shop.customer.phone})
    client.post(url, {"step": "verify", "code": last_code(shop.customer.phone)})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.parametrize(("language", "shown"), [("uk", "100,00 бала"), ("en", "100.00 points")])
def test_the_wallet_balance_reads_the_fraction_form(client, shop, language, shown):
    # the shop's customer holds 100.00 points
    page = wallet(client, shop, language)
    balance = re.search(r'<dl class="balances">.*?</dl>', page, re.S).group(0)
    assert shown in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", balance))
    assert "100,00 бали" not in page


def test_the_join_page_and_welcome_read_the_fraction_form_in_uk(client, shop):
    shop.program.welcome_points = Decimal("25.00")
    shop.program.save()
    url = reverse("public:join", args=[shop.business.slug, shop.program.key])
    client.cookies["django_language"] = "uk"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "25,00 бала" in page and "25,00 балів" not in page
    client.post(url, {"step": "send", "phone": NEW_PHONE})
    joined = client.post(url, {"step": "verify", "code": last_code(NEW_PHONE), "name": ""})
    wallet_page = client.get(joined["Location"], HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Вітальні бали на вашій картці: 25,00 бала." in wallet_page


def test_the_kiosk_writes_an_offers_price_with_the_fraction_form_in_uk(client):
    client.cookies["django_language"] = "uk"
    html = client.get("/kiosk/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    config = re.search(r'<script id="kiosk-config" type="application/json">(.*?)</script>', html)
    texts = json.loads(config.group(1))["texts"]
    assert texts["price"] == "%(price)s бала"  # the script fills in "50,00"
