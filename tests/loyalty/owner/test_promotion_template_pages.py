"""The guided set-up's promotion template pages: each a short form (GET 200), saved in one
POST, the rule then in the rules list with its one-line conditions; bad input named."""

import html

import pytest
from django.urls import reverse

from customers.models import Enrolment
from loyalty.models import Rule, Tier

from .test_onboarding import set_up_client  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CASES = {
    "cashback_every_check": (
        {"percent": "5"},
        "5% back in points on every check",
        "",
    ),
    "nth_free": (
        {"goods_category": "coffee", "every": "3"},
        "coffee: 1 free in every 3",
        "every 3 units: the 1 cheapest 100% off · goods: coffee",
    ),
    "meal_deal": (
        {
            "component_1": "coffee",
            "component_1_kind": "category",
            "component_1_quantity": "1",
            "component_2": "CROISSANT",
            "component_2_kind": "goods",
            "component_2_quantity": "1",
            "component_3": "",
            "component_3_kind": "category",
            "component_3_quantity": "1",
            "price": "70",
        },
        "Meal deal: coffee + CROISSANT for 70.00",
        "coffee ×1 + CROISSANT ×1 for 70.00",
    ),
    "birthday_gift": (
        {"gift": "points", "value": "100", "days_before": "3", "days_after": "3", "valid_days": ""},
        "Birthday gift: 100 points",
        "identified customers · birthday: 3 days before to 3 after",
    ),
    "tiers": (
        {
            "measure": "spend",
            "period": "last_365_days",
            "benefit": "discount",
            "tier_1_name": "Silver",
            "tier_1_from": "1000",
            "tier_1_percent": "3",
            "tier_2_name": "Gold",
            "tier_2_from": "5000",
            "tier_2_percent": "5",
            "tier_3_name": "",
            "tier_3_from": "",
            "tier_3_percent": "",
        },
        "Gold: 5% off every check",
        "identified customers · customers: Gold",
    ),
}


def url(name, program):
    return f"{reverse('panel:promotion_template', args=[name])}?program={program.pk}"


@pytest.mark.parametrize("name", list(CASES))
def test_each_template_page_saves_a_rule_shown_in_the_rules_list(set_up_client, name):  # noqa: F811
    client, program = set_up_client
    data, rule_name, conditions = CASES[name]
    page = client.get(url(name, program))
    assert page.status_code == 200
    for field in data:
        assert f'name="{field}"' in page.content.decode()

    response = client.post(url(name, program), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    if name == "tiers":
        assert response["Location"] == reverse("panel:tier_edit", args=[program.pk])
        assert [t.category.name for t in Tier.objects.order_by("threshold")] == ["Silver", "Gold"]
    else:
        assert response["Location"] == reverse("panel:rule_list", args=[program.pk])
    assert Rule.objects.filter(program=program, name=rule_name).exists()
    listing = html.unescape(client.get(reverse("panel:rule_list", args=[program.pk])).text)
    assert rule_name in listing
    assert conditions in listing
    program.refresh_from_db()
    assert program.version > 1


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("nth_free", {"every": "1"}, "greater than or equal to 2"),
        ("nth_free", {"goods_category": ""}, "This field is required"),
        ("meal_deal", {"component_2": ""}, "A meal deal needs at least two components."),
        ("birthday_gift", {"days_before": "20", "days_after": "20"}, "at most 31 days"),
        ("tiers", {"tier_2_from": "500"}, "above the one before"),
    ],
)
def test_bad_input_is_shown_on_the_field_and_writes_nothing(set_up_client, name, changes, message):  # noqa: F811
    client, program = set_up_client
    data = {**CASES[name][0], **changes}
    response = client.post(url(name, program), data)
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert message in content
    assert not Rule.objects.filter(program=program).exists()
    assert not Tier.objects.exists()


def test_the_templates_are_offered_in_the_guided_set_up_and_the_rules_list(set_up_client):  # noqa: F811
    client, program = set_up_client
    page = client.get(reverse("panel:onboarding_rules")).content.decode()
    for name in CASES:
        assert reverse("panel:promotion_template", args=[name]) in page
    rules = client.get(reverse("panel:rule_list", args=[program.pk])).content.decode()
    assert f"{reverse('panel:onboarding_rules')}?program={program.pk}" in rules


def test_unknown_template_and_other_business_program(set_up_client):  # noqa: F811
    client, program = set_up_client
    assert client.get(reverse("panel:promotion_template", args=["nope"])).status_code == 404
    from tests.factories import ProgramFactory

    other = ProgramFactory()
    response = client.post(url("cashback_every_check", other), {"percent": "5"})
    # Another business's program is never chosen: the rule lands in the owner's own.
    assert response.status_code == 302
    assert not Rule.objects.filter(program=other).exists()
    assert Rule.objects.filter(program=program).count() == 1
    assert not Enrolment.objects.exists()


def test_the_pages_and_the_saved_rule_in_ukrainian(set_up_client):  # noqa: F811
    client, program = set_up_client
    uk = {"HTTP_ACCEPT_LANGUAGE": "uk"}
    page = html.unescape(client.get(url("meal_deal", program), **uk).content.decode())
    assert "Комплекс: кава й круасан за одну ціну" in page
    assert "Ціна комплексу" in page
    links = html.unescape(client.get(reverse("panel:onboarding_rules"), **uk).content.decode())
    assert "Готові акції" in links and "Кожна N-на кава безкоштовно" in links
    data = {**CASES["meal_deal"][0], "component_2": ""}
    response = client.post(url("meal_deal", program), data, **uk)
    assert "Комплекс має складатися щонайменше з двох позицій." in response.content.decode()
    client.post(url("nth_free", program), {"goods_category": "coffee", "every": "3"}, **uk)
    assert Rule.objects.get(program=program).name == "coffee: 1 безкоштовно з кожних 3"
