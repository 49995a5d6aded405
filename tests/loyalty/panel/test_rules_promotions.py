"""The rule form and list for promotions.md: the new fields saved, bad input on its field,
each action's fields marked for showing, the conditions line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.models import Rule
from tests.factories import RuleFactory

from .test_rules import form_errors, post_new

pytestmark = pytest.mark.django_db

COMPONENTS = {
    "components-TOTAL_FORMS": "3",
    "components-INITIAL_FORMS": "0",
    "components-MIN_NUM_FORMS": "0",
    "components-MAX_NUM_FORMS": "1000",
}


def bundle(**rows):
    data = dict(COMPONENTS)
    data.update(rows)
    return data


def test_cheapest_units_rule_is_saved(owner_client, program):
    response = post_new(
        owner_client,
        program,
        action="discount_cheapest",
        value="100",
        include_categories="coffee",
        group_size="3",
        free_count="1",
        max_amount="120.00",
        quantity_limit="9",
        birthday_days_before="3",
        birthday_days_after="2",
    )
    assert response.status_code == 302, form_errors(response)
    rule = Rule.objects.get(program=program)
    assert (rule.group_size, rule.free_count) == (3, 1)
    assert (rule.max_amount, rule.quantity_limit) == (Decimal("120.00"), Decimal("9"))
    assert (rule.birthday_days_before, rule.birthday_days_after) == (3, 2)


def test_bundle_components_are_saved_and_shown_again(owner_client, program):
    response = post_new(
        owner_client,
        program,
        action="bundle_price",
        value="70.00",
        **bundle(
            **{
                "components-0-include_categories": "coffee",
                "components-0-quantity": "1",
                "components-1-include_categories": "bakery",
                "components-1-include_goods": "MUFFIN",
                "components-1-quantity": "2",
            }
        ),
    )
    assert response.status_code == 302, form_errors(response)
    rule = Rule.objects.get(program=program)
    assert rule.components == [
        {"include_categories": ["coffee"], "include_goods": [], "quantity": 1},
        {"include_categories": ["bakery"], "include_goods": ["MUFFIN"], "quantity": 2},
    ]
    page = owner_client.get(reverse("panel:rule_edit", args=[rule.pk])).content.decode()
    assert 'value="bakery"' in page and 'value="MUFFIN"' in page


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"action": "discount_cheapest", "group_size": "1", "free_count": "1"}, "group_size",
         "at least 2"),
        ({"action": "discount_cheapest", "group_size": "3", "free_count": "3"}, "free_count",
         "Fewer units"),
        ({"min_quantity": "3", "quantity_limit": "2"}, "quantity_limit", "below the minimum"),
        ({"action": "discount_check_amount", "birthday_days_before": "20",
          "birthday_days_after": "12"}, "birthday_days_after", "31 days"),
        ({"action": "issue_coupon_check", "max_amount": "5"}, "max_amount", "capped"),
        ({"group_size": "3"}, "group_size", "cheapest"),
    ],
)  # fmt: skip
def test_bad_promotion_input_names_the_field(owner_client, program, changes, field, text):
    errors = form_errors(post_new(owner_client, program, **changes))
    assert text in errors[field], errors
    assert not Rule.objects.exists()


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ({}, "at least two components"),
        ({"components-0-include_categories": "coffee"}, "at least two components"),
    ],
)
def test_an_empty_or_one_component_bundle_is_refused(owner_client, program, rows, text):
    response = post_new(owner_client, program, action="bundle_price", value="70", **bundle(**rows))
    assert text in " ".join(response.context["form"].component_errors)
    assert not Rule.objects.exists()


def test_a_bundle_price_below_zero_is_refused(owner_client, program):
    rows = {
        "components-0-include_categories": "coffee",
        "components-1-include_categories": "bakery",
    }
    errors = form_errors(
        post_new(owner_client, program, action="bundle_price", value="-1", **bundle(**rows))
    )
    assert "negative" in errors["value"]


def test_the_form_marks_each_actions_own_fields(owner_client, program):
    page = owner_client.get(reverse("panel:rule_create", args=[program.pk])).content.decode()
    assert 'data-cheapest-actions="discount_cheapest"' in page
    assert 'data-bundle-actions="bundle_price"' in page
    assert 'data-show-for="cheapest"' in page and 'data-show-for="bundle"' in page
    assert "How many units make a group" in page


def test_the_rules_list_shows_each_rules_conditions_in_one_line(owner_client, program):
    RuleFactory(
        program=program,
        name="Morning coffee",
        action="discount_goods_percent",
        value=Decimal("10"),
        include_categories=["coffee"],
        min_quantity=Decimal("2"),
        quantity_limit=Decimal("4"),
        weekdays=[1, 2, 3, 4, 5],
        birthday_days_before=3,
        birthday_days_after=3,
    )
    RuleFactory(
        program=program,
        key="deal",
        name="Meal deal",
        action="bundle_price",
        value=Decimal("70.00"),
        components=[
            {"include_categories": ["coffee"], "include_goods": [], "quantity": 1},
            {"include_categories": ["bakery"], "include_goods": [], "quantity": 1},
        ],
    )
    page = owner_client.get(reverse("panel:rule_list", args=[program.pk])).content.decode()
    assert "goods: coffee · from 2 units · only up to 4 units" in page
    assert "birthday: 3 days before to 3 after" in page
    assert "Mon–Fri" in page
    assert "coffee ×1 + bakery ×1 for 70.00" in page
