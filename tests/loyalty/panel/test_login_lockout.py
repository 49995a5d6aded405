"""R15: after 5 failed sign-ins for one login or 20 from one address within 15 minutes,
sign-in answers 429 with the minutes to wait, whatever the password."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery"


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        username="owner@a.example", email="owner@a.example", password=PASSWORD
    )


def sign_in(client, login, password, address="192.0.2.1", path=None):
    return client.post(
        path or reverse("panel:login"),
        {"username": login, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failures_lock_the_login_whatever_the_password(user):
    client = Client()
    for _ in range(5):
        assert sign_in(client, user.username, "wrong").status_code == 200
    locked = sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Try again in 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The login's letter case is no way round it.
    assert sign_in(client, user.username.upper(), PASSWORD).status_code == 429
    # From another address too: the login itself is locked.
    assert sign_in(Client(), user.username, PASSWORD, address="192.0.2.99").status_code == 429


def test_twenty_failures_from_one_address_lock_the_address(user):
    client = Client()
    for i in range(20):
        assert sign_in(client, f"guess{i}@a.example", "wrong").status_code == 200
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    # Another address signs in as usual.
    assert sign_in(Client(), user.username, PASSWORD, address="192.0.2.2").status_code == 302


def test_a_success_before_the_limit_signs_in(user):
    client = Client()
    for _ in range(4):
        sign_in(client, user.username, "wrong")
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_the_same_way(user):
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    path = "/admin/login/"
    for _ in range(5):
        assert sign_in(client, user.username, "wrong", path=path).status_code == 200
    assert sign_in(client, user.username, PASSWORD, path=path).status_code == 429


def test_the_lock_is_told_in_ukrainian(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="uk")
    for _ in range(5):
        sign_in(client, user.username, "wrong")
    locked = sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Спробуйте знову через 15 хвилин" in locked.content.decode()
