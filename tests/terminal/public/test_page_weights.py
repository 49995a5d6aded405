"""Every public page of issue 18 under 100 KB of HTML, CSS and script (journey.md), in both
languages."""

import pytest
from django.urls import reverse

from .page_weight import page_weight

pytestmark = pytest.mark.django_db

LIMIT = 100 * 1024


@pytest.mark.parametrize("language", ["en", "uk"])
def test_public_pages_of_the_customer_side_are_light(client, shop, language):
    client.cookies["django_language"] = language
    pages = [
        reverse("public:join", args=[shop.business.slug, shop.program.key]),
        reverse("public:wallet", args=[shop.business.slug]),
        reverse("kiosk:page"),
    ]
    for url in pages:
        assert page_weight(client, url) < LIMIT, url
    response = client.post(reverse("public:enter_code", args=[shop.business.slug]), {"code": "X"})
    assert response.status_code == 404
    assert len(response.content) < LIMIT
