"""/r/<token>: a member's invitation link on the wallet, the friend joining through it, and
one's own link refused (journey.md "Share", referral programme)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, Referral
from loyalty.services.referral import referral_link

from .conftest import last_code

pytestmark = pytest.mark.django_db

FRIEND = "+380509998877"


@pytest.fixture
def referring(shop):
    shop.program.referral_referrer_points = Decimal("50.00")
    shop.program.referral_friend_points = Decimal("10.00")
    shop.program.save()
    return shop


def wallet_of(client, shop, customer):
    client.post(
        reverse("public:wallet", args=[shop.business.slug]),
        {"step": "send", "phone": customer.phone},
    )
    client.post(
        reverse("public:wallet", args=[shop.business.slug]),
        {"step": "verify", "code": last_code(customer.phone)},
    )
    return client.get(reverse("public:wallet", args=[shop.business.slug])).content.decode()


def join_by(client, link_url, phone):
    response = client.get(link_url)
    assert response.status_code == 302
    join_url = response["Location"]
    client.post(join_url, {"step": "send", "phone": phone})
    return client.post(join_url, {"step": "verify", "code": last_code(phone), "name": ""})


def test_the_wallet_shows_the_members_link_and_a_friend_joins_by_it(client, referring):
    shop = referring
    member = shop.customer_with_points("0")
    page = wallet_of(client, shop, member)
    link = referral_link(customer=member, program=shop.program)
    assert f"/r/{link.token}" in page and 'data-testid="referral-link"' in page

    friend_client = client.__class__()
    response = join_by(friend_client, f"/r/{link.token}", FRIEND)

    assert response.status_code == 302
    friend = Customer.objects.get(business=shop.business, phone=FRIEND)
    assert Referral.objects.get(friend=friend).referrer == member


def test_the_wallet_has_no_link_without_a_referral_reward(client, shop):
    page = wallet_of(client, shop, shop.customer_with_points("0"))
    assert 'data-testid="referral-link"' not in page


def test_ones_own_link_is_refused_with_a_message(client, referring):
    shop = referring
    member = shop.customer_with_points("0")
    wallet_of(client, shop, member)
    link = referral_link(customer=member, program=shop.program)
    response = client.get(f"/r/{link.token}", follow=True)
    assert "This is your own invitation link" in response.content.decode()
    assert not Referral.objects.exists()


def test_joining_with_the_referrers_own_phone_is_refused(client, referring):
    shop = referring
    member = shop.customer_with_points("0")
    link = referral_link(customer=member, program=shop.program)
    response = join_by(client, f"/r/{link.token}", member.phone)
    assert response.status_code == 200
    assert "This is your own invitation link" in response.content.decode()
    assert not Referral.objects.exists()


def test_an_unknown_link_answers_404(client, referring):
    assert client.get("/r/no-such-token").status_code == 404


def test_the_link_answers_in_ukrainian(client, referring):
    shop = referring
    member = shop.customer_with_points("0")
    link = referral_link(customer=member, program=shop.program)
    client.cookies["django_language"] = "uk"
    response = client.get(f"/r/{link.token}", follow=True, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Друг запросив вас" in response.content.decode()
