"""Login, roles, the business switcher and the empty page for staff without a business."""

import pytest
from django.test import Client
from django.urls import reverse

from loyalty.middleware import SESSION_KEY
from loyalty.models import Membership
from tests.factories import BusinessFactory, MembershipFactory, UserFactory

from .conftest import PASSWORD, logged_in

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("panel:goods_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("panel:login"))


def test_login_with_email_in_any_case_opens_the_dashboard(owner, business):
    client = Client()
    response = client.post(
        reverse("panel:login"), {"username": "OWNER@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:home")
    page = client.get(reverse("panel:home"))
    assert page.status_code == 200
    assert business.name in page.content.decode()


def test_wrong_password_is_refused(owner):
    response = Client().post(
        reverse("panel:login"), {"username": "owner@example.com", "password": "nope"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_logout(owner_client):
    response = owner_client.post(reverse("panel:logout"))
    assert response.status_code == 302
    assert owner_client.get(reverse("panel:home")).status_code == 302


def test_cashier_login_goes_to_the_cashier_pages(cashier):
    response = Client().post(
        reverse("panel:login"), {"username": "cashier@example.com", "password": PASSWORD}
    )
    assert response["Location"] == "/terminal/"


def test_cashier_gets_403_with_a_link_to_the_terminal(cashier_client):
    for name in ("home", "goods_list", "customer_list", "program_list"):
        response = cashier_client.get(reverse(f"panel:{name}"))
        assert response.status_code == 403
        assert 'href="/terminal/"' in response.content.decode()


@pytest.mark.parametrize("name", ["staff_list", "staff_invite", "business_settings"])
def test_manager_cannot_open_owner_pages(manager_client, name):
    response = manager_client.get(reverse(f"panel:{name}"))
    assert response.status_code == 403
    assert "/terminal/" not in response.content.decode()


@pytest.mark.parametrize("name", ["goods_list", "program_list", "rule_index", "device_list"])
def test_manager_opens_the_rest(manager_client, program, name):
    assert manager_client.get(reverse(f"panel:{name}"), follow=True).status_code == 200


def test_manager_has_no_staff_link_in_navigation(manager_client):
    html = manager_client.get(reverse("panel:home")).content.decode()
    assert reverse("panel:staff_list") not in html
    assert reverse("panel:goods_list") in html


def test_staff_without_membership_sees_a_friendly_page(db):
    client = logged_in(UserFactory(email="lonely@example.com"))
    response = client.get(reverse("panel:home"))
    assert response.status_code == 200
    assert "lonely@example.com" in response.content.decode()
    assert client.get(reverse("panel:goods_list"))["Location"] == reverse("panel:home")


def test_revoked_membership_gives_no_access(owner, business, manager):
    Membership.objects.filter(user=manager).update(revoked_at="2026-01-01T00:00Z")
    client = logged_in(manager)
    assert client.get(reverse("panel:goods_list"))["Location"] == reverse("panel:home")


def test_business_switcher(owner_client, owner, business):
    other = BusinessFactory(name="Second shop")
    MembershipFactory(business=other, user=owner, role=Membership.MANAGER)
    html = owner_client.get(reverse("panel:home")).content.decode()
    assert "Second shop" in html and 'name="business"' in html
    response = owner_client.post(reverse("panel:switch_business"), {"business": other.pk})
    assert response.status_code == 302
    assert owner_client.session[SESSION_KEY] == other.pk
    page = owner_client.get(reverse("panel:home"))
    assert page.wsgi_request.business == other
    # a manager there: the owner-only pages are closed in that business
    assert owner_client.get(reverse("panel:staff_list")).status_code == 403


def test_switching_to_a_business_without_membership_is_404(owner_client):
    stranger = BusinessFactory()
    response = owner_client.post(reverse("panel:switch_business"), {"business": stranger.pk})
    assert response.status_code == 404
    assert owner_client.post(reverse("panel:switch_business"), {"business": "x"}).status_code == 404
