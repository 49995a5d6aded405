"""The receipt and the check's result name credited points with the word their number asks
for: uk "+2,70 бала" after a number with decimals, not "бали" (core.plurals)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "word"), [("uk", "бала"), ("en", "points")])
def test_credited_points_read_the_fraction_form(shop, till, language, word):
    body = {"lines": [{"code": "LATTE", "quantity": "1"}], "customer_id": shop.customer.pk}
    till.cookies["django_language"] = language
    evaluated = till.post(
        reverse("cashier:api_evaluate"), body, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    assert evaluated.status_code == 200, evaluated.json()
    confirmed = till.post(
        reverse("cashier:api_confirm"), {**body, "token": "t-pw"}, content_type="application/json"
    )
    assert confirmed.status_code == 201, confirmed.json()
    receipt = till.get(confirmed.json()["receipt_url"], HTTP_ACCEPT_LANGUAGE=language)
    for html in (evaluated.json()["html"], receipt.content.decode()):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        # the rule's credit and the credited points: "+2,70 бала"
        words = re.findall(r"\+\d+[.,]\d{2} (\w+)", text)
        assert len(words) >= 2 and set(words) == {word}, text
