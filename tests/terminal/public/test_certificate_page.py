"""/g/<code>: what a certificate holds, and activating it by phone with a one-time code."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Activation
from certificates.services import activate_certificate

from .conftest import last_code, send_code, verify

pytestmark = pytest.mark.django_db


def url(cert):
    return reverse("public:certificate", args=[cert.public_code])


def test_page_shows_the_bundle(client, shop):
    cert = shop.certificate(title={"en": "Spring gift", "uk": "Весняний подарунок"})
    text = client.get(url(cert)).content.decode()
    assert "Spring gift" in text
    assert "Welcome 10% off" in text and "× 2" in text
    uk = client.get(url(cert), HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Весняний подарунок" in uk


def test_activation_with_a_one_time_code(client, shop):
    cert = shop.certificate()
    send_code(client, url(cert), shop.customer.phone)
    response = verify(client, url(cert), last_code(shop.customer.phone))
    text = response.content.decode()
    assert "2 coupons have been added to your wallet" in text
    activation = Activation.objects.get(certificate=cert)
    assert (activation.customer, activation.channel) == (shop.customer, "public")
    assert shop.customer.coupons.count() == 2


def test_wrong_code_activates_nothing(client, shop):
    cert = shop.certificate()
    send_code(client, url(cert), shop.customer.phone)
    right = last_code(shop.customer.phone)
    response = verify(client, url(cert), f"{(int(right) + 1) % 10**6:06d}")
    assert "The code is wrong or has expired." in response.content.decode()
    assert not Activation.objects.exists()


def test_interval_refusal_names_the_next_allowed_time(client, shop):
    cert = shop.certificate(min_interval_hours=24)
    activate_certificate(
        business=shop.business, code=cert.public_code, customer=shop.customer, channel="api"
    )
    send_code(client, url(cert), shop.customer.phone)
    text = verify(client, url(cert), last_code(shop.customer.phone)).content.decode()
    assert "You can activate it again after" in text
    assert Activation.objects.count() == 1


def test_expired_certificate_is_refused(client, shop):
    cert = shop.certificate(valid_to=(timezone.now() - timedelta(days=3)).date())
    send_code(client, url(cert), shop.customer.phone)
    text = verify(client, url(cert), last_code(shop.customer.phone)).content.decode()
    assert "expired" in text.lower()
    assert not Activation.objects.exists()


def test_unknown_and_foreign_certificates_are_404(client, shop, other_shop):
    assert client.get(reverse("public:certificate", args=["NOPE"])).status_code == 404
    foreign = other_shop.certificate()
    response = client.get(url(foreign) + f"?b={shop.business.slug}")
    assert response.status_code == 404
