"""Send a certificate's link from its panel page to a phone or an e-mail (journey.md, Hear)."""

import pytest
from django.urls import reverse

from customers.models import Notification

pytestmark = pytest.mark.django_db


def send(client, certificate, **data):
    return client.post(reverse("panel:certificate_send", args=[certificate.pk]), data)


def test_send_to_a_phone_in_ukrainian(owner_client, certificate, settings):
    settings.PERKLINE_PUBLIC_URL = "https://perk.example"
    certificate.title = {"uk": "Вітальний набір"}
    certificate.save()
    answer = send(owner_client, certificate, to="050 123 45 67", language="uk")
    assert answer.status_code == 302
    message = Notification.objects.get(kind="certificate_sent")
    assert (message.channel, message.recipient) == ("sms", "+380501234567")
    assert "https://perk.example/g/WELCOME2030" in message.body
    assert "Вітальний набір" in message.body and "сертифікат" in message.body
    assert message.body.startswith(certificate.business.name)


def test_send_to_an_email_names_the_customer_language(owner_client, certificate, make_customer):
    make_customer(email="olena@example.com", language="uk")
    send(owner_client, certificate, to="Olena@Example.com")
    message = Notification.objects.get(kind="certificate_sent")
    assert (message.channel, message.recipient) == ("email", "olena@example.com")
    assert "Відкрийте його" in message.body and message.customer is not None


@pytest.mark.parametrize("to", ["", "not a phone", "a@b", "12"])
def test_bad_recipient_is_refused_and_nothing_queued(owner_client, certificate, to):
    answer = send(owner_client, certificate, to=to)
    assert answer.status_code == 302
    page = owner_client.get(answer["Location"]).content.decode()
    assert "Give a phone number or an e-mail address." in page
    assert not Notification.objects.exists()


def test_another_business_certificate_is_not_found(owner_client):
    from tests.factories import GiftCertificateFactory

    theirs = GiftCertificateFactory()
    assert send(owner_client, theirs, to="0501234567").status_code == 404
    assert not Notification.objects.exists()


def test_the_page_has_the_form(owner_client, certificate):
    page = owner_client.get(reverse("panel:certificate_detail", args=[certificate.pk]))
    assert reverse("panel:certificate_send", args=[certificate.pk]) in page.content.decode()
