"""/j/<business>/<program>/: join with a one-time code, consent and the welcome (journey.md
"Join"); the wallet offers joining to a phone it does not know."""

from decimal import Decimal

import pytest
from django.urls import reverse

from coupons.models import Coupon
from customers.models import Customer, Enrolment, LedgerEntry

from .conftest import last_code

pytestmark = pytest.mark.django_db

NEW_PHONE = "+380509998877"


def join_url(shop):
    return reverse("public:join", args=[shop.business.slug, shop.program.key])


@pytest.fixture
def welcoming(shop):
    shop.program.welcome_points = Decimal("25.00")
    shop.program.welcome_series = shop.series
    shop.program.save()
    return shop


def join(client, url, phone, **fields):
    client.post(url, {"step": "send", "phone": phone})
    data = {"step": "verify", "code": last_code(phone), "name": "", **fields}
    return client.post(url, data)


def test_a_new_phone_joins_is_welcomed_and_lands_on_the_wallet(client, welcoming):
    shop = welcoming
    page = client.get(join_url(shop)).content.decode()
    assert shop.program.name in page and "25.00" in page

    response = join(client, join_url(shop), NEW_PHONE, name="Olena", consent="on")

    assert response.status_code == 302
    assert response["Location"] == reverse("public:wallet", args=[shop.business.slug])
    customer = Customer.objects.get(business=shop.business, phone=NEW_PHONE)
    assert (customer.name, customer.consent) == ("Olena", True)
    assert Enrolment.objects.filter(customer=customer, program=shop.program).exists()
    credits = LedgerEntry.objects.filter(account__customer=customer)
    assert [e.amount for e in credits] == [Decimal("25.00")]
    coupon = Coupon.objects.get(customer=customer)
    assert coupon.series == shop.series and coupon.state == Coupon.State.IN_WALLET
    wallet = client.get(response["Location"]).content.decode()
    assert "Welcome! You are a member now." in wallet and coupon.code in wallet


def test_without_consent_the_customer_accepts_no_messages(client, shop):
    join(client, join_url(shop), NEW_PHONE)
    assert Customer.objects.get(phone=NEW_PHONE).consent is False


def test_an_existing_member_joining_again_just_signs_in(client, welcoming):
    shop = welcoming
    response = join(client, join_url(shop), shop.customer.phone, name="Someone else")
    assert response.status_code == 302
    assert not LedgerEntry.objects.filter(
        account__customer=shop.customer, reason="welcome"
    ).exists()
    assert not Coupon.objects.filter(customer=shop.customer).exists()
    shop.customer.refresh_from_db()
    assert shop.customer.name != "Someone else"
    assert "already a member" in client.get(response["Location"]).content.decode()


def test_a_wrong_code_joins_nobody(client, shop):
    client.post(join_url(shop), {"step": "send", "phone": NEW_PHONE})
    response = client.post(join_url(shop), {"step": "verify", "code": "000000"})
    assert "The code is wrong or has expired." in response.content.decode()
    assert not Customer.objects.filter(phone=NEW_PHONE).exists()


def test_a_bad_phone_is_named(client, shop):
    response = client.post(join_url(shop), {"step": "send", "phone": "12"})
    assert response.status_code == 200
    assert 'class="field__error"' in response.content.decode()
    assert not Customer.objects.filter(business=shop.business).exclude(pk=shop.customer.pk)


def test_a_closed_program_and_another_business_answer_404(client, shop, other_shop):
    assert shop.program.key != other_shop.program.key
    foreign = reverse("public:join", args=[other_shop.business.slug, shop.program.key])
    assert client.get(foreign).status_code == 404
    unknown = reverse("public:join", args=[shop.business.slug, "no-such-program"])
    assert client.get(unknown).status_code == 404
    shop.program.join_open = False
    shop.program.save()
    assert client.get(join_url(shop)).status_code == 404


def test_the_wallet_offers_joining_to_an_unknown_phone(client, welcoming):
    shop = welcoming
    wallet = reverse("public:wallet", args=[shop.business.slug])
    client.post(wallet, {"step": "send", "phone": NEW_PHONE})
    response = client.post(wallet, {"step": "verify", "code": last_code(NEW_PHONE)})
    text = response.content.decode()
    assert 'data-testid="join-offer"' in text and join_url(shop) in text
    # the phone is proven: the join page asks no second code
    page = client.get(join_url(shop)).content.decode()
    assert 'value="join"' in page and 'name="code"' not in page
    response = client.post(join_url(shop), {"step": "join", "name": "Taras"})
    assert response.status_code == 302
    customer = Customer.objects.get(phone=NEW_PHONE)
    assert customer.name == "Taras"
    assert Coupon.objects.filter(customer=customer).count() == 1


def test_the_wallet_without_a_joinable_program_still_says_ask_at_the_till(client, shop):
    shop.program.join_open = False
    shop.program.save()
    wallet = reverse("public:wallet", args=[shop.business.slug])
    client.post(wallet, {"step": "send", "phone": NEW_PHONE})
    response = client.post(wallet, {"step": "verify", "code": last_code(NEW_PHONE)})
    assert "ask at the till to register" in response.content.decode()


def test_the_join_page_is_under_100_kb_with_its_assets(client, shop):
    from tests.terminal.public.page_weight import page_weight

    assert page_weight(client, join_url(shop)) < 100 * 1024
