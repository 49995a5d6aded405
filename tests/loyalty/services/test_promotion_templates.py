"""The guided set-up's promotion templates (promotions.md "Templates"): each service saves a
rule the engine applies as the worked examples say, checked over the terminal API; bad input
is refused naming the form's field and writes nothing."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from coupons.models import CouponSeries
from customers.models import CustomerCategory, Enrolment
from loyalty.checks.ruleset import clear_cache
from loyalty.models import Rule, Tier, TierPolicy
from loyalty.services.promotion_templates import (
    Component,
    TierLevel,
    apply_birthday_gift,
    apply_cashback_every_check,
    apply_meal_deal,
    apply_nth_free,
    apply_tiers,
)
from tests.factories import CustomerFactory, EnrolmentFactory, SaleFactory
from tests.terminal.conftest import item, make_till

pytestmark = pytest.mark.django_db
D = Decimal

LATTE = ("LATTE", "60.00", "coffee")
ESPRESSO = ("ESPRESSO", "40.00", "coffee")
CROISSANT = ("CROISSANT", "35.00", "bakery")
MUFFIN = ("MUFFIN", "45.00", "bakery")


@pytest.fixture
def till():
    clear_cache()
    return make_till()


def lines(body):
    return [p["discount"] for p in body["positions"]]


def customer(till, phone="+380501112233", **fields):
    person = CustomerFactory(business=till.business, phone=phone, **fields)
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    return person


def test_cashback_every_check_needs_no_category(till):
    rule = apply_cashback_every_check(program=till.program, percent=D("5"))
    assert (rule.action, rule.value, rule.include_categories) == ("credit_check_percent", 5, [])
    customer(till)
    body = till.evaluate(
        {"customer": {"phone": "+380501112233"}, "positions": [item(LATTE), item(CROISSANT)]}
    ).json()
    assert [c["amount"] for c in body["credits"]] == ["4.75"]  # 5% of 95.00, any goods


def test_nth_free_is_example_1(till):
    rule = apply_nth_free(program=till.program, goods_category="coffee", every=3)
    assert (rule.action, rule.group_size, rule.free_count, rule.value) == (
        "discount_cheapest",
        3,
        1,
        100,
    )
    body = till.evaluate({"positions": [item(LATTE, "2"), item(ESPRESSO)]}).json()
    assert (lines(body), body["amount_to_pay"]) == (["0.00", "40.00"], "120.00")
    body = till.evaluate({"positions": [item(LATTE, "5"), item(ESPRESSO)]}).json()
    assert (lines(body), body["amount_to_pay"]) == (["60.00", "40.00"], "240.00")
    body = till.evaluate({"positions": [item(LATTE, "2")]}).json()
    assert [(n["ref"], n["code"]) for n in body["not_applied"]] == [(rule.key, "min_quantity")]


def test_meal_deal_is_example_2(till):
    apply_meal_deal(
        program=till.program,
        components=[Component("category", "coffee"), Component("category", "bakery")],
        price=D("70.00"),
    )
    positions = [item(LATTE), item(MUFFIN), item(ESPRESSO), item(CROISSANT)]
    body = till.evaluate({"positions": positions}).json()
    assert lines(body) == ["20.00", "15.00", "2.67", "2.33"]
    assert body["amount_to_pay"] == "140.00"


def test_meal_deal_of_goods_codes(till):
    apply_meal_deal(
        program=till.program,
        components=[
            Component("goods", "LATTE, ESPRESSO"),
            Component("goods", "CROISSANT", quantity=2),
            Component("category", ""),
        ],
        price=D("100.00"),
    )
    # LATTE + 2 CROISSANT (130.00) -> 100.00; a MUFFIN is not in the deal.
    positions = [item(LATTE), item(CROISSANT, "2"), item(MUFFIN)]
    body = till.evaluate({"positions": positions}).json()
    assert body["discount"] == "30.00"
    assert lines(body)[2] == "0.00"


def born(days_ago):
    today = timezone.now().astimezone(ZoneInfo("Europe/Kyiv")).date()
    return (today - timedelta(days=days_ago)).replace(year=1992)


@pytest.mark.parametrize(
    ("gift", "value", "expect"),
    [
        ("discount", D("10"), {"discount": "6.00"}),
        ("points", D("100"), {"credits": ["100.00"]}),
        ("coupon", D("15"), {"coupons": 1}),
    ],
)
def test_birthday_gift_is_example_7(till, gift, value, expect):
    rule = apply_birthday_gift(
        program=till.program, gift=gift, value=value, days_before=3, days_after=3
    )
    assert (rule.birthday_days_before, rule.birthday_days_after) == (3, 3)
    customer(till, "+380501111111", birthday=born(3))
    customer(till, "+380501111113", birthday=born(4))
    customer(till, "+380501111115")

    def check(phone):
        body = {"positions": [item(LATTE)]}
        if phone:
            body["customer"] = {"phone": phone}
        answer = till.evaluate(body).json()
        return {
            "discount": answer["discount"],
            "credits": [c["amount"] for c in answer["credits"]],
            "coupons": len(answer["coupons_issued"]),
        }

    nothing = {"discount": "0.00", "credits": [], "coupons": 0}
    assert check("+380501111111") == {**nothing, **expect}
    assert check("+380501111113") == nothing  # 4 days after: outside
    assert check("+380501111115") == nothing  # no birthday
    assert check(None) == nothing  # anonymous
    if gift == "coupon":
        series = CouponSeries.objects.get(program=till.program, key="birthday-coupon")
        assert series.reward_rule.value == D("15")


def test_tiers_are_example_6(till):
    policy = apply_tiers(
        program=till.program,
        measure="spend",
        period="last_365_days",
        benefit="discount",
        levels=[
            TierLevel("Silver", D("1000"), D("3")),
            TierLevel("Gold", D("5000"), D("5")),
            TierLevel("", None, None),
        ],
    )
    tiers = list(policy.tiers.select_related("category"))
    assert [(t.category.name, t.threshold) for t in tiers] == [
        ("Silver", D("1000")),
        ("Gold", D("5000")),
    ]
    silver, gold = (t.category for t in tiers)
    person = customer(till)
    Enrolment.objects.filter(customer=person).update(category=silver)
    SaleFactory(
        program=till.program,
        pos=till.pos,
        customer=person,
        amount=D("4950.00"),
        time=timezone.now() - timedelta(days=10),
    )
    body = {"customer": {"phone": "+380501112233"}, "positions": [item(LATTE, "2")]}
    # This check's rules see Silver (3% of 120.00), after the confirm the customer is Gold.
    confirmed = till.confirm(body)
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["discount"] == "3.60"
    assert Enrolment.objects.get(customer=person).category == gold
    assert till.evaluate(body, HTTP_IDEMPOTENCY_KEY="x").json()["discount"] == "6.00"


def test_tiers_with_points_back_and_three_levels(till):
    apply_tiers(
        program=till.program,
        measure="visits",
        period="all_time",
        benefit="points",
        levels=[
            TierLevel("Silver", D("5"), None),
            TierLevel("Gold", D("10"), D("2")),
            TierLevel("Platinum", D("20"), D("4")),
        ],
    )
    rules = Rule.objects.filter(program=till.program).order_by("key")
    assert [(r.key, r.action, r.value) for r in rules] == [
        ("tier-gold-points", "credit_check_percent", 2),
        ("tier-platinum-points", "credit_check_percent", 4),
    ]
    assert [c.name for c in rules[0].customer_categories.all()] == ["Gold"]


def tiers(program, **changes):
    arguments = {
        "program": program,
        "measure": "spend",
        "period": "last_365_days",
        "benefit": "discount",
        "levels": [TierLevel("Silver", D("1000"), D("3")), TierLevel("Gold", D("5000"), D("5"))],
    }
    return apply_tiers(**{**arguments, **changes})


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda p: apply_cashback_every_check(program=p, percent=None), "percent"),
        (lambda p: apply_cashback_every_check(program=p, percent=D("120")), "percent"),
        (lambda p: apply_nth_free(program=p, goods_category=" ", every=3), "goods_category"),
        (lambda p: apply_nth_free(program=p, goods_category="coffee", every=1), "every"),
        (lambda p: apply_nth_free(program=p, goods_category="coffee", every=None), "every"),
        (
            lambda p: apply_meal_deal(
                program=p, components=[Component("category", "coffee")], price=D("70")
            ),
            "component_2",
        ),
        (
            lambda p: apply_meal_deal(
                program=p,
                components=[Component("category", "coffee"), Component("category", "bakery")],
                price=D("-1"),
            ),
            "price",
        ),
        (
            lambda p: apply_meal_deal(
                program=p,
                components=[Component("category", "coffee"), Component("goods", "x" * 90)],
                price=D("70"),
            ),
            "component_2",
        ),
        (
            lambda p: apply_birthday_gift(
                program=p, gift="coupon", value=D("10"), days_before=20, days_after=20
            ),
            "days_after",
        ),
        (
            lambda p: apply_birthday_gift(
                program=p, gift="discount", value=D("150"), days_before=3, days_after=3
            ),
            "value",
        ),
        (
            lambda p: apply_birthday_gift(
                program=p, gift="cake", value=D("1"), days_before=3, days_after=3
            ),
            "gift",
        ),
        (
            lambda p: tiers(
                p, levels=[TierLevel("Silver", D("5000"), None), TierLevel("Gold", D("1000"), None)]
            ),
            "tier_2_from",
        ),
        (lambda p: tiers(p, levels=[TierLevel("Gold", D("5000"), None)]), "tier_2_name"),
        (
            lambda p: tiers(
                p, levels=[TierLevel("Silver", D("1000"), None), TierLevel("", D("5000"), None)]
            ),
            "tier_2_name",
        ),
        (
            lambda p: tiers(
                p, levels=[TierLevel("Silver", None, None), TierLevel("Gold", D("5000"), None)]
            ),
            "tier_1_from",
        ),
        (
            lambda p: tiers(
                p,
                measure="visits",
                levels=[TierLevel("Silver", D("2.5"), None), TierLevel("Gold", D("5"), None)],
            ),
            "tier_1_from",
        ),
        (lambda p: tiers(p, measure="money"), "measure"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(till, make, field):
    with pytest.raises(ValidationFailed) as refused:
        make(till.program)
    assert refused.value.field == field, refused.value.message
    assert not Rule.objects.filter(program=till.program).exists()
    assert not CouponSeries.objects.filter(program=till.program).exists()
    assert not TierPolicy.objects.exists() and not Tier.objects.exists()
    assert not CustomerCategory.objects.filter(program=till.program).exclude(key="regular").exists()


def test_the_same_template_twice_is_refused(till):
    apply_nth_free(program=till.program, goods_category="coffee", every=3)
    with pytest.raises(ValidationFailed) as refused:
        apply_nth_free(program=till.program, goods_category="coffee", every=3)
    assert refused.value.field == "goods_category"
    apply_birthday_gift(program=till.program, gift="coupon", value=D("10"), days_before=0,
                        days_after=0)  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        apply_birthday_gift(program=till.program, gift="coupon", value=D("10"), days_before=0,
                            days_after=0)  # fmt: skip
    assert refused.value.field == "gift"
    assert CouponSeries.objects.filter(program=till.program).count() == 1
    tiers(till.program)
    with pytest.raises(ValidationFailed) as refused:
        tiers(till.program)
    assert refused.value.field == "measure"
    assert Tier.objects.count() == 2


def test_tiers_named_in_ukrainian(till):
    tiers(
        till.program,
        levels=[TierLevel("Срібний", D("1000"), D("3")), TierLevel("Золотий", D("5000"), D("5"))],
    )
    names = sorted(
        (t.category.name, t.category.key) for t in Tier.objects.select_related("category")
    )
    assert names == [("Золотий", "tier-2"), ("Срібний", "tier-1")]
    with pytest.raises(ValidationFailed) as refused:
        apply_tiers(
            program=make_till().program,
            measure="spend",
            period="all_time",
            benefit="points",
            levels=[TierLevel("Срібний", D("1"), None), TierLevel("срібний", D("2"), None)],
        )
    assert refused.value.field == "tier_2_name"
