"""rule_errors: every check of rules.md, one row each; special_price_warning."""

from datetime import date, time
from decimal import Decimal

import pytest

from coupons.models import CouponSeries
from customers.models import AccountType, CustomerCategory
from loyalty.models import PointOfSale, Program, Rule
from loyalty.rules_validation import rule_error_details, rule_errors, special_price_warning
from tests.factories import BusinessFactory, ProgramFactory, RuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    program = ProgramFactory()
    AccountType.objects.create(
        business=program.business, program=program, key="wallet", name="Wallet"
    )
    return program


def make_series(program, key="gift", **fields):
    return CouponSeries.objects.create(
        business=program.business, program=program, key=key, name=key, **fields
    )


# (name, data on top of a valid base for its action, field, message fragment)
# `series` / `other_series` / `kiosk_series` / `other_pos` / `other_category` are
# placeholders filled in by the test.
INVALID = [
    ("no action", {"action": ""}, "action", "Choose an action"),
    ("unknown action", {"action": "give_everything"}, "action", "Unknown action"),
    ("unknown mode", {"mode": "sometimes"}, "mode", "Unknown mode"),
    ("kiosk with a discount", {"mode": "kiosk"}, "mode", "kiosk offer"),
    (
        "kiosk with a goods issue",
        {"mode": "kiosk", "action": "issue_coupon_goods", "value": None, "coupon_series": "series"},
        "mode",
        "kiosk offer",
    ),
    ("unknown applies_to_sales", {"applies_to_sales": "third"}, "applies_to_sales", "Unknown"),
    ("unknown identity", {"customer_identity": "famous"}, "customer_identity", "Unknown"),
    ("priority not whole", {"priority": "high"}, "priority", "whole number"),
    (
        "goods percent above 100",
        {"action": "discount_goods_percent", "value": Decimal("100.01")},
        "value",
        "above 100",
    ),
    ("check percent above 100", {"value": "101"}, "value", "above 100"),
    (
        "credit percent above 100",
        {"action": "credit_check_percent", "value": 150},
        "value",
        "above 100",
    ),
    ("negative discount", {"action": "discount_check_amount", "value": "-1"}, "value", "negative"),
    (
        "negative special price",
        {"action": "special_price", "value": Decimal("-0.01")},
        "value",
        "negative",
    ),
    ("value not a number", {"value": "ten"}, "value", "number"),
    ("value as float", {"value": 10.5}, "value", "number"),
    (
        "value with 3 places",
        {"action": "discount_check_amount", "value": "1.005"},
        "value",
        "2 decimal places",
    ),
    (
        "value too large",
        {"action": "discount_check_amount", "value": "10000000000"},
        "value",
        "too large",
    ),
    ("value missing", {"value": None}, "value", "Enter a value"),
    (
        "issue count not whole",
        {"action": "issue_coupon_check", "value": "1.5", "coupon_series": "series"},
        "value",
        "whole number",
    ),
    (
        "threshold percent above 100",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0", "value": "5"}, {"from": "100", "value": "120"}],
        },
        "thresholds[1].value",
        "above 100",
    ),
    (
        "negative threshold value",
        {
            "action": "discount_check_amount",
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0", "value": "-5"}],
        },
        "thresholds[0].value",
        "negative",
    ),
    (
        "negative threshold from",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "-1", "value": "5"}],
        },
        "thresholds[0].from",
        "negative",
    ),
    (
        "duplicate threshold from",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "100", "value": "5"}, {"from": "100.00", "value": "7"}],
        },
        "thresholds[1].from",
        "same value",
    ),
    (
        "descending thresholds",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "100", "value": "5"}, {"from": "50", "value": "7"}],
        },
        "thresholds[1].from",
        "ascending",
    ),
    (
        "amount threshold with 3 places",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0.005", "value": "5"}],
        },
        "thresholds[0].from",
        "2 decimal places",
    ),
    (
        "threshold row without value",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0"}],
        },
        "thresholds[0].value",
        "required",
    ),
    (
        "threshold row with extra keys",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0", "value": "1", "to": "5"}],
        },
        "thresholds[0]",
        "from",
    ),
    (
        "thresholds without measure",
        {"value": None, "depends_period": "check", "thresholds": [{"from": "0", "value": "5"}]},
        "depends_measure",
        "Choose what",
    ),
    (
        "thresholds without period",
        {"value": None, "depends_measure": "amount", "thresholds": [{"from": "0", "value": "5"}]},
        "depends_period",
        "Choose the period",
    ),
    (
        "depends_on without thresholds",
        {"depends_measure": "amount", "depends_period": "check", "thresholds": []},
        "thresholds",
        "at least one",
    ),
    (
        "unknown measure",
        {
            "depends_measure": "weight",
            "depends_period": "check",
            "thresholds": [{"from": "0", "value": "5"}],
        },
        "depends_measure",
        "Unknown measure",
    ),
    (
        "unknown period",
        {
            "depends_measure": "amount",
            "depends_period": "decade",
            "thresholds": [{"from": "0", "value": "5"}],
        },
        "depends_period",
        "Unknown period",
    ),
    (
        "max below min",
        {"action": "discount_goods_percent", "min_quantity": Decimal("3"), "max_quantity": "2"},
        "max_quantity",
        "below the minimum",
    ),
    (
        "zero max quantity",
        {"action": "discount_goods_percent", "max_quantity": "0"},
        "max_quantity",
        "greater",
    ),
    (
        "negative min quantity",
        {"action": "discount_goods_percent", "min_quantity": "-1"},
        "min_quantity",
        "negative",
    ),
    ("min quantity on a check action", {"min_quantity": "2"}, "min_quantity", "goods actions"),
    ("max quantity on a check action", {"max_quantity": "2"}, "max_quantity", "goods actions"),
    (
        "include goods on a check action",
        {"include_goods": ["LATTE"]},
        "include_goods",
        "check action",
    ),
    (
        "include categories on a check action",
        {"include_categories": ["coffee"]},
        "include_categories",
        "check action",
    ),
    (
        "exclude goods on a check credit",
        {"action": "credit_check_amount", "value": "5", "exclude_goods": ["BEANS"]},
        "exclude_goods",
        "check action",
    ),
    (
        "exclude categories on a check issue",
        {
            "action": "issue_coupon_check",
            "value": None,
            "coupon_series": "series",
            "exclude_categories": ["bakery"],
        },
        "exclude_categories",
        "check action",
    ),
    (
        "blank goods code",
        {"action": "discount_goods_percent", "include_goods": ["LATTE", " "]},
        "include_goods",
        "Row 2",
    ),
    (
        "goods list not a list",
        {"action": "discount_goods_percent", "include_goods": "LATTE"},
        "include_goods",
        "list",
    ),
    (
        "credit to an unknown account",
        {"action": "credit_check_percent", "credit_account": "gold"},
        "credit_account",
        "gold",
    ),
    (
        "expiry on bonus",
        {"action": "credit_check_percent", "credit_expires_in_days": 30},
        "credit_expires_in_days",
        "special",
    ),
    (
        "activation on an account type",
        {
            "action": "credit_check_percent",
            "credit_account": "wallet",
            "credit_activates_in_days": 1,
        },
        "credit_activates_in_days",
        "special",
    ),
    (
        "expiry on a discount",
        {"credit_account": "special", "credit_expires_in_days": 30},
        "credit_expires_in_days",
        "special",
    ),
    (
        "zero expiry days",
        {
            "action": "credit_check_percent",
            "credit_account": "special",
            "credit_expires_in_days": 0,
        },
        "credit_expires_in_days",
        "positive",
    ),
    (
        "issue without series",
        {"action": "issue_coupon_check", "value": None},
        "coupon_series",
        "Choose the coupon series",
    ),
    (
        "goods issue without series",
        {"action": "issue_coupon_goods", "value": None},
        "coupon_series",
        "Choose",
    ),
    (
        "series of another program",
        {"action": "issue_coupon_check", "value": None, "coupon_series": "other_series"},
        "coupon_series",
        "another program",
    ),
    ("series on a discount", {"coupon_series": "series"}, "coupon_series", "Only issue actions"),
    (
        "kiosk series without kiosk price",
        {"mode": "kiosk", "action": "issue_coupon_check", "value": None, "coupon_series": "series"},
        "coupon_series",
        "kiosk price",
    ),
    (
        "unknown per",
        {
            "action": "issue_coupon_goods",
            "value": None,
            "coupon_series": "series",
            "coupon_per": "week",
        },
        "coupon_per",
        "Unknown",
    ),
    (
        "zero coupons",
        {
            "action": "issue_coupon_check",
            "value": None,
            "coupon_series": "series",
            "coupon_quantity": 0,
        },
        "coupon_quantity",
        "at least one",
    ),
    ("weekday 0", {"weekdays": [0]}, "weekdays", "Row 1"),
    ("weekday 8", {"weekdays": [1, 8]}, "weekdays", "1 (Monday) to 7"),
    ("weekday as text", {"weekdays": ["mon"]}, "weekdays", "1 (Monday) to 7"),
    ("weekday twice", {"weekdays": [3, 3]}, "weekdays", "twice"),
    (
        "date_to before date_from",
        {"date_from": date(2027, 5, 2), "date_to": date(2027, 5, 1)},
        "date_to",
        "before",
    ),
    ("date not a date", {"date_from": "tomorrow"}, "date_from", "valid date"),
    (
        "point of sale of another program",
        {"points_of_sale": "other_pos"},
        "points_of_sale",
        "another program",
    ),
    (
        "category of another program",
        {"customer_categories": "other_category"},
        "customer_categories",
        "another program",
    ),
]


@pytest.fixture
def placeholders(program):
    other = ProgramFactory(business=program.business)
    return {
        "series": make_series(program),
        "kiosk_series": make_series(program, "kiosk", kiosk_price=Decimal("40.00")),
        "other_series": make_series(other, "elsewhere"),
        "other_pos": [
            PointOfSale.objects.create(
                business=program.business, program=other, key="far", name="Far"
            )
        ],
        "other_category": [
            CustomerCategory.objects.create(
                business=program.business, program=other, key="gold", name="Gold"
            )
        ],
    }


def fill(data, placeholders):
    return {k: placeholders.get(v, v) if isinstance(v, str) else v for k, v in data.items()}


BASE = {"action": "discount_check_percent", "value": Decimal("10"), "mode": "auto"}


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [(data, field, fragment) for _, data, field, fragment in INVALID],
    ids=[name for name, *_ in INVALID],
)
def test_each_check_names_its_field(program, placeholders, data, field, fragment):
    errors = rule_errors(program=program, data={**BASE, **fill(data, placeholders)})

    assert field.split("[")[0] in errors, errors
    assert fragment in errors[field.split("[")[0]]


VALID = [
    ("check percent", {}),
    ("percent of exactly 100", {"value": "100"}),
    (
        "special price 0",
        {
            "action": "special_price",
            "value": "0.00",
            "include_goods": ["CROISSANT"],
            "max_quantity": "1",
        },
    ),
    (
        "goods discount with quantities",
        {
            "action": "discount_goods_amount",
            "value": "5",
            "min_quantity": "0.5",
            "max_quantity": "0.5",
            "include_categories": ["coffee"],
            "exclude_goods": ["BEANS"],
        },
    ),
    (
        "thresholds without value",
        {
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "0", "value": "1"}, {"from": "100.01", "value": "7"}],
        },
    ),
    (
        "quantity thresholds with 3 places",
        {
            "action": "credit_goods_amount",
            "value": None,
            "depends_measure": "quantity",
            "depends_period": "last_365_days",
            "thresholds": [{"from": "0.250", "value": "1"}],
        },
    ),
    (
        "issue with quantity instead of value",
        {
            "action": "issue_coupon_goods",
            "value": None,
            "coupon_series": "series",
            "coupon_per": "item",
            "coupon_quantity": 2,
        },
    ),
    (
        "kiosk offer",
        {
            "mode": "kiosk",
            "action": "issue_coupon_check",
            "value": None,
            "coupon_series": "kiosk_series",
        },
    ),
    (
        "credit to special with days",
        {
            "action": "credit_check_percent",
            "credit_account": "special",
            "credit_expires_in_days": 90,
            "credit_activates_in_days": 0,
        },
    ),
    ("credit to an account type", {"action": "credit_check_amount", "credit_account": "wallet"}),
    (
        "full schedule",
        {
            "date_from": date(2027, 1, 1),
            "date_to": date(2027, 1, 1),
            "weekdays": [1, 7],
            "time_from": time(22),
            "time_to": time(2),
        },
    ),
    (
        "blank optional fields as a form gives them",
        {
            "depends_measure": "",
            "depends_period": "",
            "thresholds": [],
            "min_quantity": None,
            "include_goods": [],
            "weekdays": [],
            "coupon_series": None,
            "credit_account": "bonus",
            "credit_expires_in_days": None,
        },
    ),
]


@pytest.mark.parametrize("data", [d for _, d in VALID], ids=[n for n, _ in VALID])
def test_valid_rules_have_no_errors(program, placeholders, data):
    assert rule_errors(program=program, data={**BASE, **fill(data, placeholders)}) == {}


def test_details_keep_the_row_path_for_the_importer(program):
    details = rule_error_details(
        program=program,
        data={
            **BASE,
            "value": None,
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds": [{"from": "10", "value": "5"}, {"from": "5", "value": "500"}],
        },
    )
    assert [path for path, _ in details] == ["thresholds[1].from", "thresholds[1].value"]


def test_the_form_gets_the_first_message_per_field_with_its_row(program):
    errors = rule_errors(program=program, data={**BASE, "weekdays": [9, 0]})
    assert errors == {"weekdays": "Row 1: A weekday is a number from 1 (Monday) to 7 (Sunday)."}


def test_messages_are_plain_strings_in_the_active_language(program):
    from django.utils import translation

    with translation.override("uk"):
        errors = rule_errors(program=program, data={**BASE, "value": "150"})
    assert set(errors) == {"value"} and type(errors["value"]) is str


# special_price_warning -------------------------------------------------------------------


@pytest.fixture
def auto_program():
    return ProgramFactory(business=BusinessFactory())


def special(program, **fields):
    return RuleFactory(program=program, action="special_price", value=Decimal("30.00"), **fields)


def test_no_warning_for_a_special_price_evaluated_first(auto_program):
    rule = special(auto_program, priority=0)
    RuleFactory(program=auto_program, priority=5)
    assert special_price_warning(program=auto_program, rule=rule) is None


def test_warning_when_a_discount_comes_before_the_special_price(auto_program):
    RuleFactory(program=auto_program, priority=0, name="Ten percent")
    rule = special(auto_program, priority=5)
    warning = special_price_warning(program=auto_program, rule=rule)
    assert warning and "Ten percent" in warning


def test_same_priority_earlier_rule_counts_as_before(auto_program):
    RuleFactory(program=auto_program, priority=5)
    rule = special(auto_program, priority=5)
    assert special_price_warning(program=auto_program, rule=rule)
    unsaved = Rule(program=auto_program, action="special_price", combine=True, priority=5)
    assert special_price_warning(program=auto_program, rule=unsaved)


@pytest.mark.parametrize(
    "other",
    [
        {"is_active": False},
        {"mode": "manual"},
        {"mode": "coupon"},
        {"action": "special_price"},
        # A points rule changes no price (issue 21: the warning named one).
        {"action": "credit_check_percent", "mode": "auto"},
    ],
)
def test_inactive_non_auto_or_special_price_rules_do_not_count(auto_program, other):
    RuleFactory(program=auto_program, priority=0, **other)
    rule = special(auto_program, priority=5)
    assert special_price_warning(program=auto_program, rule=rule) is None


def test_no_warning_when_it_does_not_combine_or_is_not_a_special_price(auto_program):
    RuleFactory(program=auto_program, priority=0)
    assert (
        special_price_warning(
            program=auto_program, rule=special(auto_program, priority=5, combine=False)
        )
        is None
    )
    later = RuleFactory(program=auto_program, priority=9)
    assert special_price_warning(program=auto_program, rule=later) is None


def test_rules_of_other_programs_do_not_count(auto_program):
    RuleFactory(
        program=Program.objects.create(business=auto_program.business, key="x", name="X"),
        priority=0,
    )
    assert (
        special_price_warning(program=auto_program, rule=special(auto_program, priority=5)) is None
    )
