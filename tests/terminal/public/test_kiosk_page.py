"""/kiosk/: the page itself (its behaviour is driven in tests/browser)."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def config_of(response):
    match = re.search(
        r'<script id="kiosk-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_kiosk_page_needs_no_login_and_points_at_the_kiosk_api(client):
    response = client.get(reverse("kiosk:page"))
    assert response.status_code == 200
    config = config_of(response)
    assert config["api"]["identify"] == "/api/v1/kiosk/identify"
    assert all(url.startswith("/api/v1/kiosk/") for url in config["api"].values())
    assert config["idleSeconds"] > 0
    assert response["X-Frame-Options"] == "DENY"


def test_kiosk_page_texts_in_ukrainian(client):
    response = client.get(reverse("kiosk:page"), HTTP_ACCEPT_LANGUAGE="uk")
    assert 'lang="uk"' in response.content.decode()
    assert config_of(response)["texts"]["buy"]


def test_kiosk_idle_timeout_is_a_setting(client, settings):
    settings.PERKLINE_KIOSK_IDLE_SECONDS = 15
    assert config_of(client.get(reverse("kiosk:page")))["idleSeconds"] == 15
