"""promotions.md's rule fields in the program document: round trip and bad input by path."""

import copy

import pytest

from loyalty.models import Business, Rule
from loyalty.program_io import ProgramImportError, export_program, import_program

from .conftest import load_demo, nothing_in

pytestmark = pytest.mark.django_db

PROMOTION_RULES = [
    {"key": "third-coffee", "name": "Third coffee free", "action": "discount_cheapest",
     "group_size": 3, "free_count": 1, "value": "100", "include_categories": ["coffee"]},
    {"key": "meal-deal", "name": "Meal deal", "action": "bundle_price", "value": "70.00",
     "components": [{"include_categories": ["coffee"], "quantity": 1},
                    {"include_categories": ["bakery"], "include_goods": ["MUFFIN"],
                     "quantity": 2}],
     "max_quantity": "2.000"},
    {"key": "capped", "name": "Capped", "action": "discount_check_percent", "value": "20",
     "max_amount": "50.00"},
    {"key": "two-max", "name": "Two max", "action": "discount_goods_percent", "value": "10",
     "include_categories": ["coffee"], "quantity_limit": 2},
    {"key": "birthday", "name": "Birthday", "action": "credit_check_amount", "value": "100",
     "credit": {"account": "bonus"}, "birthday": {"days_before": 3, "days_after": 3}},
]  # fmt: skip


def with_promotions(rules=PROMOTION_RULES) -> dict:
    doc = load_demo()
    doc["rules"] = doc.get("rules", []) + copy.deepcopy(rules)
    return doc


def test_promotion_rules_import_and_export_round_trip(business):
    program = import_program(with_promotions(), business=business).program
    rules = {r.key: r for r in Rule.objects.filter(program=program)}
    assert (rules["third-coffee"].group_size, rules["third-coffee"].free_count) == (3, 1)
    assert rules["meal-deal"].components[1] == {
        "include_categories": ["bakery"],
        "include_goods": ["MUFFIN"],
        "quantity": 2,
    }
    assert str(rules["capped"].max_amount) == "50.00"
    assert str(rules["two-max"].quantity_limit) == "2.000"
    assert (rules["birthday"].birthday_days_before, rules["birthday"].birthday_days_after) == (3, 3)

    exported = export_program(program)
    by_key = {r["key"]: r for r in exported["rules"]}
    assert by_key["third-coffee"]["group_size"] == 3
    assert by_key["meal-deal"]["components"][0] == {
        "include_categories": ["coffee"],
        "quantity": 1,
    }
    assert by_key["capped"]["max_amount"] == "50.00"
    assert by_key["birthday"]["birthday"] == {"days_before": 3, "days_after": 3}
    fresh = Business.objects.create(name="Fresh", slug="fresh")
    copied = import_program(copy.deepcopy(exported), business=fresh).program
    assert export_program(copied) == exported
    again = import_program(copy.deepcopy(exported), business=business)
    assert not again.changed


BAD = [
    ("group below 2", 0, {"group_size": 1}, "group_size"),
    ("free not below group", 0, {"free_count": 3}, "free_count"),
    ("empty bundle", 1, {"components": []}, "components"),
    ("one-component bundle", 1, {"components": [{"include_categories": ["coffee"]}]},
     "components"),
    ("bundle price below 0", 1, {"value": "-1.00"}, "value"),
    ("component of 0 units", 1,
     {"components": [{"include_categories": ["coffee"], "quantity": 0},
                     {"include_categories": ["bakery"]}]}, "components[0].quantity"),
    ("limit below min", 3, {"min_quantity": "3", "quantity_limit": 2}, "quantity_limit"),
    ("cap on a coupon issue", 2, {"action": "issue_coupon_check", "value": None,
                                  "coupon": {"series": "free-croissant"}}, "max_amount"),
    ("birthday over 31 days", 4, {"birthday": {"days_before": 20, "days_after": 12}},
     "birthday.days_after"),
    ("negative birthday days", 4, {"birthday": {"days_before": -1}}, "birthday.days_before"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("index", "changes", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_promotion_fields_are_refused_by_path(business, index, changes, field):
    rules = copy.deepcopy(PROMOTION_RULES)
    rules[index].update(changes)
    rules[index] = {k: v for k, v in rules[index].items() if v is not None}
    doc = with_promotions(rules)
    position = len(load_demo().get("rules", [])) + index
    with pytest.raises(ProgramImportError) as caught:
        import_program(doc, business=business)
    paths = [p for p, _ in caught.value.errors]
    assert f"rules[{position}].{field}" in paths, caught.value.errors
    assert nothing_in(business)
