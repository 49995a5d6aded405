"""The card as an Apple Wallet pass: download from the signed-in wallet, signature checked
by `openssl smime -verify` against a throwaway CA, Apple's web-service endpoints, pushes on
balance changes (journey.md "Carry")."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import PassRegistration, WalletPass
from customers.passes.push import ConsolePushBackend, push_pass_updates
from tests.pass_ca import TYPE_ID, make_pass_ca, verify_with_openssl
from tests.terminal.cashier.shop import give_points

from .conftest import last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def ca(settings, tmp_path):
    for name, value in make_pass_ca(tmp_path / "ca").items():
        setattr(settings, name, value)
    return tmp_path / "ca"


def sign_in(client, shop, customer=None):
    customer = customer or shop.customer
    wallet = reverse("public:wallet", args=[shop.business.slug])
    client.post(wallet, {"step": "send", "phone": customer.phone})
    client.post(wallet, {"step": "verify", "code": last_code(customer.phone)})
    return wallet


def files_of(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_pass_is_signed_and_verifies_with_openssl(client, shop, ca):
    wallet = sign_in(client, shop)
    page = client.get(wallet).content.decode()
    assert 'data-testid="add-to-wallet"' in page
    response = client.get(reverse("public:card_pkpass", args=[shop.business.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.pkpass"
    files = files_of(response.content)
    assert {"pass.json", "manifest.json", "signature", "icon.png", "logo.png"} <= set(files)
    manifest = json.loads(files["manifest.json"])
    for name, data in files.items():
        if name not in ("manifest.json", "signature"):
            assert manifest[name] == hashlib.sha1(data).hexdigest()  # noqa: S324
    assert "Verification successful" in verify_with_openssl(response.content, ca)

    content = json.loads(files["pass.json"])
    wallet_pass = WalletPass.objects.get(customer=shop.customer)
    assert content["passTypeIdentifier"] == TYPE_ID
    assert content["serialNumber"] == wallet_pass.serial
    assert content["authenticationToken"] == wallet_pass.auth_token
    assert content["webServiceURL"] == "http://testserver/passes/"
    assert content["organizationName"] == shop.business.name
    assert content["barcodes"][0]["message"] == shop.customer.card_code
    assert content["storeCard"]["primaryFields"][0]["value"] == "100.00"
    assert content["storeCard"]["auxiliaryFields"][0]["value"] == "Regular"


def test_a_tampered_pass_does_not_verify(client, shop, ca):
    sign_in(client, shop)
    body = client.get(reverse("public:card_pkpass", args=[shop.business.slug])).content
    files = files_of(body)
    files["manifest.json"] = files["manifest.json"].replace(b'"', b"'", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(subprocess.CalledProcessError):
        verify_with_openssl(out.getvalue(), ca)


def test_without_the_settings_there_is_no_button_and_no_pass(client, shop, settings):
    settings.PERKLINE_PKPASS_CERT = ""
    wallet = sign_in(client, shop)
    assert 'data-testid="add-to-wallet"' not in client.get(wallet).content.decode()
    assert client.get(reverse("public:card_pkpass", args=[shop.business.slug])).status_code == 404


def test_another_business_card_is_refused(client, shop, other_shop, ca):
    sign_in(client, shop)
    response = client.get(reverse("public:card_pkpass", args=[other_shop.business.slug]))
    assert response.status_code == 302  # not signed in there: back to its sign-in
    assert not WalletPass.objects.filter(business=other_shop.business).exists()


def test_signed_out_the_pass_is_not_given(client, shop, ca):
    response = client.get(reverse("public:card_pkpass", args=[shop.business.slug]))
    assert response.status_code == 302 and not WalletPass.objects.exists()


def auth(wallet_pass):
    return {"HTTP_AUTHORIZATION": f"ApplePass {wallet_pass.auth_token}"}


def test_the_web_service_registers_lists_serves_and_unregisters(client, shop, ca):
    sign_in(client, shop)
    client.get(reverse("public:card_pkpass", args=[shop.business.slug]))
    wallet_pass = WalletPass.objects.get(customer=shop.customer)
    base = f"/passes/v1/devices/DEVICE1/registrations/{TYPE_ID}"
    register = f"{base}/{wallet_pass.serial}"
    phone = Client()  # the phone's Wallet has no session

    assert (
        phone.post(register, {"pushToken": "tok"}, content_type="application/json").status_code
        == 401
    )
    bad = {"HTTP_AUTHORIZATION": "ApplePass wrong-token-wrong-token"}
    assert (
        phone.post(
            register, {"pushToken": "tok"}, content_type="application/json", **bad
        ).status_code
        == 401
    )
    created = phone.post(
        register, {"pushToken": "tok"}, content_type="application/json", **auth(wallet_pass)
    )
    assert created.status_code == 201
    again = phone.post(
        register, {"pushToken": "tok"}, content_type="application/json", **auth(wallet_pass)
    )
    assert again.status_code == 200
    assert PassRegistration.objects.get().push_token == "tok"

    listed = phone.get(base)
    assert listed.status_code == 200
    tag = listed.json()["lastUpdated"]
    assert listed.json()["serialNumbers"] == [wallet_pass.serial]
    assert phone.get(base, {"passesUpdatedSince": tag}).status_code == 204
    give_points(shop.customer, shop.program, "5.00")
    assert phone.get(base, {"passesUpdatedSince": tag}).json()["serialNumbers"] == [
        wallet_pass.serial
    ]

    latest = f"/passes/v1/passes/{TYPE_ID}/{wallet_pass.serial}"
    assert phone.get(latest).status_code == 401
    served = phone.get(latest, **auth(wallet_pass))
    assert served.status_code == 200
    content = json.loads(files_of(served.content)["pass.json"])
    assert content["storeCard"]["primaryFields"][0]["value"] == "105.00"
    assert (
        phone.get(
            latest, HTTP_IF_MODIFIED_SINCE=served["Last-Modified"], **auth(wallet_pass)
        ).status_code
        == 304
    )

    assert phone.delete(register, **auth(wallet_pass)).status_code == 200
    assert not PassRegistration.objects.exists()
    assert (
        phone.post("/passes/v1/log", {"logs": ["x"]}, content_type="application/json").status_code
        == 200
    )


def test_a_token_of_another_pass_is_refused(client, shop, other_shop, ca):
    mine = WalletPass.objects.create(business=shop.business, customer=shop.customer)
    theirs = WalletPass.objects.create(business=other_shop.business, customer=other_shop.customer)
    response = client.get(f"/passes/v1/passes/{TYPE_ID}/{theirs.serial}", **auth(mine))
    assert response.status_code == 401
    register = f"/passes/v1/devices/D/registrations/{TYPE_ID}/{theirs.serial}"
    response = client.post(
        register, {"pushToken": "t"}, content_type="application/json", **auth(mine)
    )
    assert response.status_code == 401 and not PassRegistration.objects.exists()


def test_balance_changes_push_the_registered_devices_once(shop, ca):
    ConsolePushBackend.sent.clear()
    wallet_pass = WalletPass.objects.create(business=shop.business, customer=shop.customer)
    PassRegistration.objects.create(
        business=shop.business, wallet_pass=wallet_pass, device_library_id="D", push_token="T"
    )
    assert push_pass_updates() == 1  # the first balance on the card
    assert push_pass_updates() == 0  # nothing moved since
    give_points(shop.customer, shop.program, "3.00")
    assert push_pass_updates() == 1
    assert ConsolePushBackend.sent == [("T", TYPE_ID), ("T", TYPE_ID)]
