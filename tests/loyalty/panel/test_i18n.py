"""The panel speaks Ukrainian when asked (Accept-Language or the language cookie)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_accept_language_uk(owner_client, program):
    html = owner_client.get(reverse("panel:home"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert 'lang="uk"' in html
    assert "Клієнти" in html and "Програми" in html
    assert "Customers" not in html


def test_language_cookie_and_switcher(owner_client):
    response = owner_client.post("/i18n/setlang/", {"language": "uk", "next": "/goods/"})
    assert response.status_code == 302
    assert owner_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    html = owner_client.get(reverse("panel:goods_list")).content.decode()
    assert "Товари" in html


def test_login_page_in_ukrainian(client):
    html = client.get(reverse("panel:login"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Увійти" in html


def test_rule_form_help_and_choices_in_ukrainian(owner_client, program):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    html = owner_client.get(reverse("panel:rule_create", args=[program.pk])).content.decode()
    assert "Знижка на чек, %" in html  # an Action choice from the model
    assert "Неактивні правила ніколи не обчислюються." in html  # a help text


def test_english_by_default(owner_client):
    html = owner_client.get(reverse("panel:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Customers" in html
