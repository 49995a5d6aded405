"""Binding a customer to a bot from the wallet page (journey.md, Hear): the deep link's
one-time token, the webhooks that complete it, their proofs, delivery reports."""

import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Notification
from tests.factories import BusinessFactory, CustomerFactory

pytestmark = pytest.mark.django_db
SECRET = "hook-secret"
VIBER = "viber-auth"


@pytest.fixture(autouse=True)
def bots(settings):
    settings.PERKLINE_TELEGRAM_BOT_TOKEN = "123:abc"
    settings.PERKLINE_TELEGRAM_BOT_NAME = "PerkBot"
    settings.PERKLINE_TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.PERKLINE_VIBER_AUTH_TOKEN = VIBER
    settings.PERKLINE_VIBER_BOT_URI = "perkline"


@pytest.fixture
def business(db):
    return BusinessFactory(name="Kava Bar", language="uk")


@pytest.fixture
def customer(business):
    return CustomerFactory(business=business, language="uk", channel="sms")


@pytest.fixture
def wallet(customer):
    from terminal.views import public_auth

    client = Client()
    session = client.session
    session[public_auth.CUSTOMER_KEY] = {"business": customer.business_id, "customer": customer.pk}
    session.save()
    return client


def token_from(wallet, business, channel):
    answer = wallet.post(reverse("public:wallet_bot", args=[business.slug, channel]))
    assert answer.status_code == 302
    link = urlparse(answer["Location"])
    if channel == "telegram":
        assert (link.scheme, link.netloc, link.path) == ("https", "t.me", "/PerkBot")
        return parse_qs(link.query)["start"][0]
    assert link.scheme == "viber" and parse_qs(link.query)["chatURI"] == ["perkline"]
    return parse_qs(link.query)["context"][0]


def telegram(client, update, secret=SECRET):
    return client.post(
        "/hooks/telegram/",
        json.dumps(update),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


def viber(client, event, key=VIBER):
    body = json.dumps(event).encode()
    signature = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/hooks/viber/",
        body,
        content_type="application/json",
        headers={"X-Viber-Content-Signature": signature},
    )


def start(token, chat=555):
    return {"update_id": 1, "message": {"chat": {"id": chat}, "text": f"/start {token}"}}


def test_the_wallet_offers_the_bots(wallet, business):
    page = wallet.get(reverse("public:wallet", args=[business.slug])).content.decode()
    assert "Telegram" in page and "Viber" in page


def test_telegram_start_binds_the_chat_once(wallet, business, customer):
    token = token_from(wallet, business, "telegram")
    answer = telegram(Client(), start(token))
    assert answer.status_code == 200
    reply = answer.json()
    assert reply["method"] == "sendMessage" and reply["chat_id"] == 555
    assert "Kava Bar" in reply["text"]
    customer.refresh_from_db()
    assert (customer.telegram_chat_id, customer.channel) == ("555", "telegram")
    # the token is spent: another chat cannot take the customer with it
    again = telegram(Client(), start(token, chat=666)).json()
    assert "Kava Bar" not in again["text"]
    customer.refresh_from_db()
    assert customer.telegram_chat_id == "555"


def test_telegram_hook_needs_the_secret(wallet, business, customer):
    token = token_from(wallet, business, "telegram")
    assert telegram(Client(), start(token), secret="wrong").status_code == 403
    customer.refresh_from_db()
    assert customer.telegram_chat_id == ""


def test_viber_conversation_binds_and_delivery_is_recorded(wallet, business, customer):
    token = token_from(wallet, business, "viber")
    event = {"event": "conversation_started", "user": {"id": "VU1=="}, "context": token}
    answer = viber(Client(), event)
    assert answer.status_code == 200 and "Kava Bar" in answer.json()["text"]
    customer.refresh_from_db()
    assert (customer.viber_user_id, customer.channel) == ("VU1==", "viber")
    message = Notification.objects.create(
        business=business,
        customer=customer,
        channel="viber",
        recipient="VU1==",
        kind="welcome",
        body="x",
        state="sent",
        external_id="987",
    )
    assert viber(Client(), {"event": "delivered", "message_token": 987}).status_code == 200
    message.refresh_from_db()
    assert message.delivered_at is not None


def test_viber_message_with_the_token_binds(wallet, business, customer):
    token = token_from(wallet, business, "viber")
    event = {
        "event": "message",
        "sender": {"id": "VU2"},
        "message": {"type": "text", "text": token},
    }
    assert viber(Client(), event).status_code == 200
    customer.refresh_from_db()
    assert customer.viber_user_id == "VU2"


def test_viber_hook_needs_the_signature(wallet, business, customer):
    token = token_from(wallet, business, "viber")
    event = {"event": "conversation_started", "user": {"id": "VU1"}, "context": token}
    assert viber(Client(), event, key="forged").status_code == 403
    customer.refresh_from_db()
    assert customer.viber_user_id == ""


def test_a_token_binds_only_its_own_business_customer(wallet, business, customer):
    other = CustomerFactory(business=BusinessFactory(), telegram_chat_id="555")
    token = token_from(wallet, business, "telegram")
    telegram(Client(), start(token))
    other.refresh_from_db()
    assert other.telegram_chat_id == "555"  # another business's customer keeps their chat


def test_signed_out_gets_no_token(business):
    answer = Client().post(reverse("public:wallet_bot", args=[business.slug, "telegram"]))
    assert answer.status_code == 302 and answer["Location"].startswith("/w/")
