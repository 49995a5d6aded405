"""Staff invitations and revocation; device keys shown once and revoked."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from loyalty.models import Device, Membership
from loyalty.services.devices import hash_key
from tests.factories import BusinessFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def _link(message):
    """The invitation link's path, read from the e-mail."""
    return re.search(r"https?://[^/]+(/invitations/[^/\s]+/)", message.body).group(1)


def test_invite_a_new_cashier_who_then_logs_in(owner_client, business, pos, mailoutbox):
    response = owner_client.post(
        reverse("panel:staff_invite"),
        {"email": "Anna@Example.com", "role": "cashier", "points_of_sale": [pos.pk]},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user__username="anna@example.com").exists()
    [message] = mailoutbox
    assert message.to == ["anna@example.com"]
    anna = Client()
    accepted = anna.post(
        _link(message),
        {"first_name": "Anna", "password": "long-pass-123", "password_again": "long-pass-123"},
    )
    assert accepted["Location"] == "/terminal/"
    membership = Membership.objects.get(business=business, user__username="anna@example.com")
    assert membership.role == "cashier"
    assert list(membership.points_of_sale.all()) == [pos]
    login = Client().post(
        reverse("panel:login"), {"username": "anna@example.com", "password": "long-pass-123"}
    )
    assert login["Location"] == "/terminal/"


def test_invite_an_existing_user_of_another_business(owner_client, business, mailoutbox):
    user = UserFactory(email="shared@example.com")
    MembershipFactory(business=BusinessFactory(), user=user, role=Membership.OWNER)
    response = owner_client.post(
        reverse("panel:staff_invite"), {"email": "shared@example.com", "role": "manager"}
    )
    assert response.status_code == 302
    assert not user.memberships.filter(business=business).exists()  # not until they accept
    shared = Client()
    shared.force_login(user)
    shared.post(_link(mailoutbox[0]), {"answer": "accept"})
    assert user.memberships.get(business=business).role == "manager"
    assert user.check_password("pass-word-123")  # their password is untouched


def test_change_role_and_revoke(owner_client, business, manager):
    membership = Membership.objects.get(user=manager)
    url = reverse("panel:staff_edit", args=[membership.pk])
    assert owner_client.post(url, {"role": "owner"}).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "owner"
    owner_client.post(reverse("panel:staff_revoke", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.revoked_at is not None
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("panel:goods_list"))["Location"] == reverse("panel:home")


def test_revoked_person_can_be_invited_again(owner_client, business, manager, mailoutbox):
    membership = Membership.objects.get(user=manager)
    owner_client.post(reverse("panel:staff_revoke", args=[membership.pk]))
    owner_client.post(
        reverse("panel:staff_invite"), {"email": "manager@example.com", "role": "manager"}
    )
    membership.refresh_from_db()
    assert membership.revoked_at is not None  # back only when they accept
    client = Client()
    client.force_login(manager)
    client.post(_link(mailoutbox[0]), {"answer": "accept"})
    membership.refresh_from_db()
    assert membership.revoked_at is None


def test_last_owner_cannot_leave(owner_client, owner):
    membership = Membership.objects.get(user=owner)
    response = owner_client.post(
        reverse("panel:staff_edit", args=[membership.pk]), {"role": "manager"}
    )
    assert "at least one owner" in " ".join(response.context["form"].errors["role"])
    owner_client.post(reverse("panel:staff_revoke", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.role == "owner" and membership.revoked_at is None


def test_device_key_is_shown_once_and_works(owner_client, pos):
    response = owner_client.post(
        reverse("panel:device_create"), {"point_of_sale": pos.pk, "kind": "kiosk", "name": "Tab"}
    )
    device = Device.objects.get()
    assert response["Location"] == reverse("panel:device_key", args=[device.pk])
    page = owner_client.get(response["Location"])
    key = page.context["key"]
    assert key in page.content.decode()
    assert device.key_hash == hash_key(key) and key.startswith(device.key_prefix)
    again = owner_client.get(reverse("panel:device_key", args=[device.pk]))
    assert again.status_code == 302  # gone: shown once only
    listing = owner_client.get(reverse("panel:device_list")).content.decode()
    assert device.key_prefix in listing and key not in listing


def test_revoke_device(owner_client, pos):
    owner_client.post(
        reverse("panel:device_create"), {"point_of_sale": pos.pk, "kind": "terminal", "name": ""}
    )
    device = Device.objects.get()
    assert device.name  # defaulted from the point of sale
    owner_client.post(reverse("panel:device_revoke", args=[device.pk]))
    device.refresh_from_db()
    assert device.revoked_at is not None
