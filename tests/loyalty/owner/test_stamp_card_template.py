"""The guided set-up's stamp card template: one form saves a working card (the card, its
reward series and the reward rule that makes the coupon one free item)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coupons.models import Coupon
from loyalty.models import PointOfSale, Rule, StampCard
from loyalty.services.devices import issue_device
from tests.factories import CustomerFactory

from .test_onboarding import set_up_client  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def post_template(client, **changes):
    data = {
        "template": "stamp_card",
        "percent": "5",
        "valid_days": "30",
        "goods_category": "coffee",
        "stamps": "6",
    }
    return client.post(reverse("panel:onboarding_rules"), {**data, **changes})


def test_the_template_saves_a_working_card(set_up_client):  # noqa: F811
    client, program = set_up_client
    response = post_template(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("panel:stamp_card_list", args=[program.pk])
    card = StampCard.objects.get(program=program)
    assert (card.stamps, card.counts, card.include_categories) == (6, "units", ["coffee"])
    reward = card.reward.reward_rule
    assert (reward.mode, reward.action, reward.value, reward.max_quantity) == (
        Rule.Mode.COUPON,
        Rule.Action.DISCOUNT_GOODS_PERCENT,
        100,
        1,
    )

    # It works: 6 coffees fill the card; the reward makes one coffee free next time.
    pos = PointOfSale.objects.get(program=program)
    _device, key = issue_device(point_of_sale=pos, kind="terminal", name="T")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    CustomerFactory(business=program.business, phone="+380501112233")

    def check(n, **extra):
        line = {"code": "LATTE", "title": "Latte", "category": "coffee", "price": "60.00"}
        body = {"customer": {"phone": "+380501112233"}, "positions": [{**line, "quantity": n}]}
        return {**body, **extra}

    def confirm(body, key):
        return api.post("/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    for i in range(5):
        assert confirm(check("1"), f"k{i}").json()["stamps"][0]["rewards"] == 0
    sixth = confirm(check("1"), "k6")
    assert sixth.json()["stamps"][0]["rewards"] == 1
    code = sixth.json()["coupons_issued"][0]["code"]
    free = confirm(check("2", coupons=[code]), "k7")
    assert free.json()["discount"] == "60.00"
    assert Coupon.objects.get(code=code).state == Coupon.State.REDEEMED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"goods_category": ""}, "Enter the code of a goods category"),
        ({"stamps": "1"}, "greater than or equal to 2"),
        ({"stamps": ""}, "Enter how many stamps fill a card"),
    ],
)
def test_bad_template_input_writes_nothing(set_up_client, changes, message):  # noqa: F811
    client, program = set_up_client
    response = post_template(client, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StampCard.objects.exists()
    assert not Rule.objects.filter(program=program).exists()


def test_the_same_card_twice_is_refused(set_up_client):  # noqa: F811
    client, program = set_up_client
    post_template(client)
    response = post_template(client)
    assert "already has this stamp card" in response.content.decode()
    assert StampCard.objects.count() == 1
