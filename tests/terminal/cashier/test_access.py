"""Who reaches the cashier pages, and at which point of sale."""

import pytest
from django.urls import reverse

from loyalty.models import Membership
from terminal.views.access import POS_SESSION_KEY
from tests.factories import MembershipFactory, UserFactory

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("cashier:check"))
    assert response.status_code == 302
    assert reverse("panel:login") in response["Location"]


def test_json_endpoints_answer_403_json_without_login(client):
    response = client.post(reverse("cashier:api_evaluate"), {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_user_without_membership_is_refused(db):
    client = logged_in(UserFactory())
    response = client.get(reverse("cashier:choose_pos"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_cashier_without_pos_is_asked_to_choose(shop):
    client = logged_in(shop.cashier)
    response = client.get(reverse("cashier:check"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cashier:choose_pos")


def test_cashier_sees_only_assigned_points_of_sale(shop):
    client = logged_in(shop.cashier)
    page = client.get(reverse("cashier:choose_pos")).content.decode()
    assert shop.pos.name in page
    assert shop.other_pos.name not in page


def test_cashier_chooses_assigned_pos(shop):
    client = logged_in(shop.cashier)
    response = client.post(reverse("cashier:choose_pos"), {"pos": shop.pos.pk})
    assert response.status_code == 302
    assert client.session[POS_SESSION_KEY] == shop.pos.pk
    assert client.get(reverse("cashier:check")).status_code == 200


def test_cashier_at_unassigned_pos_is_forbidden(shop):
    client = logged_in(shop.cashier)
    response = client.post(reverse("cashier:choose_pos"), {"pos": shop.other_pos.pk})
    assert response.status_code == 403
    assert POS_SESSION_KEY not in client.session


def test_unassigned_pos_in_session_is_dropped(shop):
    """A cashier unassigned while working cannot keep using that point of sale."""
    client = logged_in(shop.cashier, shop.other_pos)
    assert client.get(reverse("cashier:check")).status_code == 302
    response = client.post(
        reverse("cashier:api_evaluate"), {"lines": []}, content_type="application/json"
    )
    assert response.status_code == 403


def test_manager_may_work_at_any_pos(shop):
    client = logged_in(shop.manager)
    page = client.get(reverse("cashier:choose_pos")).content.decode()
    assert shop.pos.name in page and shop.other_pos.name in page
    assert client.post(reverse("cashier:choose_pos"), {"pos": shop.other_pos.pk}).status_code == 302
    assert client.get(reverse("cashier:check")).status_code == 200


def test_revoked_membership_is_refused(shop):
    from django.utils import timezone

    Membership.objects.filter(user=shop.cashier).update(revoked_at=timezone.now())
    client = logged_in(shop.cashier, shop.pos)
    assert client.get(reverse("cashier:check")).status_code == 403


def test_user_of_two_businesses_switches(shop, other_shop):
    MembershipFactory(business=other_shop.business, user=shop.cashier, role=Membership.MANAGER)
    client = logged_in(shop.cashier)
    page = client.get(reverse("cashier:choose_pos")).content.decode()
    assert f'name="business" value="{other_shop.business.pk}"' in page
    response = client.post(reverse("cashier:choose_pos"), {"business": other_shop.business.pk})
    assert response.status_code == 302
    page = client.get(reverse("cashier:choose_pos")).content.decode()
    assert other_shop.pos.name in page
    assert client.post(reverse("cashier:choose_pos"), {"pos": other_shop.pos.pk}).status_code == 302
    # a business the person does not work for
    stranger = MembershipFactory().business
    assert client.post(reverse("cashier:choose_pos"), {"business": stranger.pk}).status_code == 404


def test_leave_pos(till):
    response = till.post(reverse("cashier:leave_pos"))
    assert response.status_code == 302
    assert POS_SESSION_KEY not in till.session


def test_check_page_lists_manual_rules_in_both_languages(till, shop):
    page = till.get(reverse("cashier:check")).content.decode()
    assert "Staff meal" in page and "Confirm sale" in page
    till.post("/i18n/setlang/", {"language": "uk", "next": "/terminal/check/"})
    page = till.get(reverse("cashier:check"))
    assert page.status_code == 200
    assert 'lang="uk"' in page.content.decode()
