"""Sign-up, the guided set-up and the first-rule templates."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from coupons.models import CouponSeries
from loyalty.models import Brand, Business, Device, Membership, PointOfSale, Program, Rule
from loyalty.rules_validation import rule_errors
from loyalty.services.devices import hash_key
from tests.factories import CustomerCategoryFactory

pytestmark = pytest.mark.django_db

SETUP = {
    "name": "Bean There",
    "currency": "uah",
    "timezone": "Europe/Kyiv",
    "phone_region": "UA",
    "language": "uk",
    "brand_name": "Bean There Coffee",
    "program_name": "Coffee Club",
    "pos_name": "Podil",
    "pos_address": "Sahaidachnoho 1",
    "device_name": "Till 1",
}


def signed_up(email="new@example.com"):
    client = Client()
    response = client.post(
        reverse("panel:signup"),
        {"email": email, "password": "long-pass-phrase-9", "password_again": "long-pass-phrase-9"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("panel:onboarding")
    return client


def set_up(client, **changes):
    return client.post(reverse("panel:onboarding"), {**SETUP, **changes})


def test_sign_up_set_up_and_see_the_key_once():
    client = signed_up("New@Example.com")
    user = get_user_model().objects.get()
    assert user.username == "new@example.com" and user.email == "new@example.com"

    response = set_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:onboarding_key")
    business = Business.objects.get()
    assert (business.name, business.currency, business.language) == ("Bean There", "UAH", "uk")
    assert Membership.objects.get(business=business).user == user
    program = Program.objects.get(business=business)
    assert program.key == "coffee-club"
    assert list(program.brands.values_list("name", flat=True)) == ["Bean There Coffee"]
    assert Brand.objects.filter(business=business).count() == 1
    pos = PointOfSale.objects.get(business=business)
    assert (pos.key, pos.program) == ("podil", program)
    device = Device.objects.get(business=business)

    page = client.get(reverse("panel:onboarding_key"))
    key = page.context["key"]
    assert device.key_hash == hash_key(key)
    assert key in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    again = client.get(reverse("panel:onboarding_key"))
    assert again.status_code == 302 and key not in again.content.decode()

    assert client.get(reverse("panel:home")).status_code == 200  # the panel of the business


def test_sign_up_refuses_a_known_email_and_weak_or_differing_passwords():
    signed_up("taken@example.com")
    client = Client()
    url = reverse("panel:signup")
    body = client.post(
        url, {"email": "TAKEN@example.com", "password": "long-pass-phrase-9",
              "password_again": "long-pass-phrase-9"},
    ).content.decode()  # fmt: skip
    assert "already has a login" in body
    body = client.post(
        url, {"email": "a@example.com", "password": "123", "password_again": "123"}
    ).content.decode()
    assert "too short" in body
    body = client.post(
        url, {"email": "b@example.com", "password": "long-pass-phrase-9", "password_again": "x"}
    ).content.decode()
    assert "differ" in body
    assert get_user_model().objects.count() == 1


def test_a_bad_set_up_writes_nothing():
    client = signed_up()
    response = set_up(client, timezone="Mars/Olympus", currency="U1A")
    body = response.content.decode()
    assert response.status_code == 200
    assert "not a known time zone" in body and "three-letter code" in body
    assert not Business.objects.exists() and not Device.objects.exists()


def test_signup_and_setup_need_no_existing_business_but_a_login():
    assert Client().get(reverse("panel:onboarding")).status_code == 302
    assert Client().get(reverse("panel:signup")).status_code == 200


@pytest.fixture
def set_up_client():
    client = signed_up()
    set_up(client)
    client.get(reverse("panel:onboarding_key"))
    return client, Program.objects.get()


@pytest.mark.parametrize(
    ("template", "extra", "action"),
    [
        ("tiered", {}, Rule.Action.DISCOUNT_CHECK_PERCENT),
        ("cashback", {"goods_category": "coffee"}, Rule.Action.CREDIT_GOODS_PERCENT),
        ("welcome", {}, Rule.Action.ISSUE_COUPON_CHECK),
    ],
)
def test_rule_templates_make_valid_rules(set_up_client, template, extra, action):
    client, program = set_up_client
    response = client.post(
        reverse("panel:onboarding_rules"),
        {"template": template, "percent": "7", "valid_days": "30", **extra},
    )
    rule = Rule.objects.exclude(mode=Rule.Mode.COUPON).get(program=program)
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:rule_edit", args=[rule.pk])
    assert rule.action == action
    data = {f.name: getattr(rule, f.name) for f in Rule._meta.concrete_fields}
    assert rule_errors(program=program, data=data) == {}
    if template == "welcome":
        series = CouponSeries.objects.get(program=program)
        assert rule.coupon_series == series and rule.applies_to_sales == Rule.AppliesTo.FIRST
        assert series.reward_rule.value == Decimal("7.00")
    if template == "tiered":
        assert rule.thresholds[-1] == {"from": "1000.00", "value": "7"}
    program.refresh_from_db()
    assert program.version > 1


def test_category_coupon_template(set_up_client):
    client, program = set_up_client
    category = CustomerCategoryFactory(program=program, business=program.business, key="birthday")
    client.post(
        reverse("panel:onboarding_rules"),
        {"template": "category_coupon", "percent": "15", "valid_days": "31",
         "customer_category": category.pk},
    )  # fmt: skip
    rule = Rule.objects.get(program=program, action=Rule.Action.ISSUE_COUPON_CHECK)
    assert list(rule.customer_categories.all()) == [category]
    assert rule.coupon_series.valid_days == 31


def test_a_template_missing_its_parameter_is_refused(set_up_client):
    client, program = set_up_client
    response = client.post(
        reverse("panel:onboarding_rules"), {"template": "cashback", "percent": "5",
                                             "valid_days": "30"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Enter the code of a goods category" in response.content.decode()
    assert not Rule.objects.filter(program=program).exists()


def test_the_same_template_twice_is_refused_with_a_message(set_up_client):
    client, program = set_up_client
    data = {"template": "tiered", "percent": "5", "valid_days": "30"}
    client.post(reverse("panel:onboarding_rules"), data)
    body = client.post(reverse("panel:onboarding_rules"), data).content.decode()
    assert "already has a rule" in body
    assert Rule.objects.filter(program=program).count() == 1
