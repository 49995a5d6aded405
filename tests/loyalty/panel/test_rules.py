"""The rule form: every field saved, validation messages on the field, version bumps."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from coupons.models import CouponSeries
from loyalty.models import Program, Rule
from tests.factories import (
    AccountTypeFactory,
    CustomerCategoryFactory,
    GoodsFactory,
    PointOfSaleFactory,
    ProgramFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db


def rule_data(**changes):
    data = {
        "name": "Coffee discount",
        "key": "coffee",
        "explanation": "10% off coffee",
        "is_active": "on",
        "mode": "auto",
        "priority": "5",
        "combine": "on",
        "action": "discount_goods_percent",
        "value": "10",
        "depends_measure": "",
        "depends_period": "",
        "credit_account": "bonus",
        "coupon_per": "check",
        "coupon_quantity": "1",
        "applies_to_sales": "all",
        "customer_identity": "any",
        "thresholds-TOTAL_FORMS": "3",
        "thresholds-INITIAL_FORMS": "0",
        "thresholds-MIN_NUM_FORMS": "0",
        "thresholds-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_new(client, program, **changes):
    return client.post(reverse("panel:rule_create", args=[program.pk]), rule_data(**changes))


def form_errors(response):
    assert response.status_code == 200
    return {k: " ".join(v) for k, v in response.context["form"].errors.items()}


def test_create_with_every_field(owner_client, program, pos):
    category = CustomerCategoryFactory(program=program)
    series = CouponSeries.objects.create(
        business=program.business, program=program, key="s", name="S"
    )
    version = program.version
    response = post_new(
        owner_client,
        program,
        action="issue_coupon_goods",
        value="",
        include_categories="coffee, bakery",
        include_goods="LATTE",
        exclude_goods="BEANS;DECAF",
        min_quantity="2",
        max_quantity="5.5",
        coupon_series=str(series.pk),
        coupon_per="item",
        coupon_quantity="2",
        depends_measure="quantity",
        depends_period="last_365_days",
        **{"thresholds-0-start": "3", "thresholds-0-value": "1",
           "thresholds-1-start": "10", "thresholds-1-value": "2"},
        applies_to_sales="repeat",
        customer_identity="identified",
        customer_categories=[category.pk],
        points_of_sale=[pos.pk],
        date_from="2026-01-01",
        date_to="2026-12-31",
        weekdays=["1", "2", "5"],
        time_from="08:00",
        time_to="20:00",
    )  # fmt: skip
    assert response.status_code == 302, form_errors(response)
    rule = Rule.objects.get(program=program, key="coffee")
    assert rule.business == program.business
    assert rule.include_categories == ["coffee", "bakery"]
    assert rule.exclude_goods == ["BEANS", "DECAF"]
    assert rule.thresholds == [{"from": "3", "value": "1"}, {"from": "10", "value": "2"}]
    assert (rule.min_quantity, rule.max_quantity) == (Decimal("2"), Decimal("5.5"))
    assert rule.coupon_series == series and rule.coupon_per == "item"
    assert rule.weekdays == [1, 2, 5]
    assert (rule.date_from, rule.time_to) == (date(2026, 1, 1), time(20, 0))
    assert list(rule.customer_categories.all()) == [category]
    assert list(rule.points_of_sale.all()) == [pos]
    program.refresh_from_db()
    assert program.version > version


def test_credit_to_an_account_type(owner_client, program):
    AccountTypeFactory(program=program, key="wallet")
    response = post_new(
        owner_client, program, action="credit_check_amount", value="5", credit_account="wallet"
    )
    assert response.status_code == 302
    assert Rule.objects.get().credit_account == "wallet"


def test_special_credit_with_days(owner_client, program):
    response = post_new(
        owner_client, program, action="credit_check_percent", value="5",
        credit_account="special", credit_expires_in_days="30", credit_activates_in_days="1",
    )  # fmt: skip
    assert response.status_code == 302
    assert Rule.objects.get().credit_expires_in_days == 30


@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"value": "120"}, "value", "above 100"),
        ({"value": "-1"}, "value", "negative"),
        ({"value": "1.234"}, "value", "decimal"),
        ({"value": "abc"}, "value", "number"),
        ({"value": ""}, "value", "value"),
        ({"min_quantity": "5", "max_quantity": "2"}, "max_quantity", "below the minimum"),
        ({"action": "discount_check_percent", "include_goods": "LATTE"}, "include_goods",
         "check action"),
        ({"action": "credit_check_amount", "credit_account": "nowhere"}, "credit_account",
         "valid choice"),
        ({"credit_expires_in_days": "30"}, "credit_expires_in_days", "special"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "before"),
        ({"weekdays": ["8"]}, "weekdays", "valid choice"),
        ({"key": "Bad key"}, "key", "lower-case"),
        ({"mode": "kiosk"}, "mode", "kiosk"),
        ({"priority": "x"}, "priority", "whole number"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(owner_client, program, changes, field, text):
    version = Program.objects.get(pk=program.pk).version
    errors = form_errors(post_new(owner_client, program, **changes))
    assert text in errors[field], errors
    assert not Rule.objects.exists()
    assert Program.objects.get(pk=program.pk).version == version


@pytest.mark.parametrize(
    "rows, text",
    [
        ({"0": ("100", "7"), "1": ("10", "1")}, "ascending"),
        ({"0": ("10", "7"), "1": ("10", "1")}, "same value"),
        ({"0": ("10", "170")}, "above 100"),
        ({"0": ("1.234", "5")}, "decimal"),
        ({"0": ("x", "5")}, "number"),
        ({"0": ("10", "")}, "required"),
    ],
)
def test_threshold_rows_are_checked(owner_client, program, rows, text):
    data = {"depends_measure": "amount", "depends_period": "check", "value": ""}
    for i, (start, value) in rows.items():
        data[f"thresholds-{i}-start"], data[f"thresholds-{i}-value"] = start, value
    response = post_new(owner_client, program, **data)
    form = response.context["form"]
    assert any(text in message for message in form.threshold_errors), form.threshold_errors
    assert "Thresholds" in response.content.decode()
    assert not Rule.objects.exists()


def test_thresholds_need_measure_and_period(owner_client, program):
    errors = form_errors(
        post_new(owner_client, program, **{"thresholds-0-start": "0", "thresholds-0-value": "1"})
    )
    assert "depends_measure" in errors and "depends_period" in errors


def test_issue_needs_a_series_of_this_program(owner_client, program):
    other_program = ProgramFactory(business=program.business)
    series = CouponSeries.objects.create(
        business=program.business, program=other_program, key="s", name="S"
    )
    errors = form_errors(
        post_new(owner_client, program, action="issue_coupon_check", value="",
                 coupon_series=str(series.pk))
    )  # fmt: skip
    assert "another program" in errors["coupon_series"]
    errors = form_errors(post_new(owner_client, program, action="issue_coupon_check", value=""))
    assert "series" in errors["coupon_series"]


def test_series_of_another_business_is_not_a_choice(owner_client, program):
    foreign_program = ProgramFactory()
    series = CouponSeries.objects.create(
        business=foreign_program.business, program=foreign_program, key="s", name="S"
    )
    errors = form_errors(
        post_new(owner_client, program, action="issue_coupon_check", value="",
                 coupon_series=str(series.pk))
    )  # fmt: skip
    assert "valid choice" in errors["coupon_series"]


def test_points_of_sale_of_another_program_are_refused(owner_client, program):
    other = PointOfSaleFactory(program=ProgramFactory(business=program.business))
    errors = form_errors(post_new(owner_client, program, points_of_sale=[other.pk]))
    assert "valid choice" in errors["points_of_sale"]


def test_special_price_warning_is_a_warning_not_an_error(owner_client, program):
    RuleFactory(program=program, priority=0, action="discount_check_percent", name="Tiers")
    response = post_new(
        owner_client, program, action="special_price", value="30", priority="5",
        include_goods="LATTE", follow=None,
    )  # fmt: skip
    assert response.status_code == 302
    rule = Rule.objects.get(key="coffee")
    page = owner_client.get(response["Location"])
    html = page.content.decode()
    assert "Tiers" in html and "special price" in html.lower()
    edit = owner_client.get(reverse("panel:rule_edit", args=[rule.pk]))
    assert edit.context["warning"]


def test_edit_and_delete_bump_the_version(owner_client, program):
    rule = RuleFactory(program=program, key="tiers")
    program.refresh_from_db()
    version = program.version
    url = reverse("panel:rule_edit", args=[rule.pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    response = owner_client.post(url, rule_data(key="tiers", name="Renamed"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Renamed"
    program.refresh_from_db()
    assert program.version > version
    version = program.version
    assert owner_client.get(reverse("panel:rule_delete", args=[rule.pk])).status_code == 200
    owner_client.post(reverse("panel:rule_delete", args=[rule.pk]))
    assert not Rule.objects.exists()
    program.refresh_from_db()
    assert program.version > version


def test_edit_shows_saved_thresholds(owner_client, program):
    rule = RuleFactory(
        program=program, value=None, depends_measure="amount", depends_period="check",
        thresholds=[{"from": "0", "value": "1"}, {"from": "100.01", "value": "7"}],
    )  # fmt: skip
    html = owner_client.get(reverse("panel:rule_edit", args=[rule.pk])).content.decode()
    assert 'value="100.01"' in html


def test_rule_list_shows_the_program_rules_in_order(owner_client, program):
    RuleFactory(program=program, name="Second", priority=10)
    RuleFactory(program=program, name="First", priority=0, explanation="shown at the till")
    RuleFactory(program=ProgramFactory(business=program.business), name="Elsewhere")
    html = owner_client.get(reverse("panel:rule_list", args=[program.pk])).content.decode()
    assert html.index("First") < html.index("Second")
    assert "shown at the till" in html and "Elsewhere" not in html


def test_rule_index_opens_the_first_program(owner_client, program):
    response = owner_client.get(reverse("panel:rule_index"))
    assert response["Location"] == reverse("panel:rule_list", args=[program.pk])


def test_rule_form_offers_goods_codes(owner_client, program):
    GoodsFactory(business=program.business, code="LATTE")
    GoodsFactory(code="FOREIGN")
    html = owner_client.get(reverse("panel:rule_create", args=[program.pk])).content.decode()
    assert 'value="LATTE"' in html and "FOREIGN" not in html
