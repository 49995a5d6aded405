"""Money: half-up rounding, largest-remainder distribution, totals to the cent."""

from decimal import Decimal

import pytest

from loyalty.engine import distribute, round_half_up
from loyalty.engine.money import distribute_cents

from .engine_builders import D, items, line_discounts, rule, run
from .engine_builders import check as make_check


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.0049", "0.00"),
        ("2.675", "2.68"),
        ("1.995", "2.00"),
        ("-0.005", "-0.01"),
    ],
)
def test_round_half_up(value, rounded):
    assert round_half_up(Decimal(value)) == Decimal(rounded)


def test_tea_and_cake_two_percent_is_thirty_cents():
    # 0.101 TEA at 40.00 (4.04) + 0.134 CAKE at 80.00 (10.72): 2% of 14.76 = 0.2952 -> 0.30
    result = run(
        [rule(1, "discount_check_percent", "2")], make_check(*items("TEA*0.101 CAKE*0.134"))
    )
    assert result.amount == D("14.76")
    assert result.discount == D("0.30")
    assert line_discounts(result) == ["0.08", "0.22"]


def test_goods_percent_rounds_per_line():
    result = run(
        [rule(1, "discount_goods_percent", "2")], make_check(*items("TEA*0.101 CAKE*0.134"))
    )
    assert line_discounts(result) == ["0.08", "0.21"]
    assert result.discount == D("0.29")


def test_line_amount_is_rounded_half_up():
    result = run([], make_check(*items("X*0.125@0.20 Y*3@0.33")))  # 0.025 -> 0.03; 0.99
    assert [p.amount for p in result.positions] == [D("0.03"), D("0.99")]
    assert result.amount == D("1.02")


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        ("10.00", ["60.00", "45.00"], ["5.71", "4.29"]),
        ("0.01", ["1.00", "1.00"], ["0.01", "0.00"]),  # tie: earlier first
        ("0.02", ["1.00", "1.00", "1.00"], ["0.01", "0.01", "0.00"]),
        ("0.01", ["1.00", "2.00"], ["0.00", "0.01"]),
        ("1.00", ["0.00", "3.00", "0.00"], ["0.00", "1.00", "0.00"]),
        ("3.00", ["1.00", "1.00", "1.00"], ["1.00", "1.00", "1.00"]),
        ("0.00", ["1.00"], ["0.00"]),
        ("5.00", ["0.00", "0.00"], ["0.00", "0.00"]),
    ],
)
def test_distribute(total, weights, shares):
    assert distribute(D(total), [D(w) for w in weights]) == [D(s) for s in shares]


def test_distribute_refuses_fractions_of_a_cent():
    with pytest.raises(ValueError):
        distribute(D("1.001"), [D("1")])


def test_check_discount_distributed_over_effective_amounts():
    rules = [
        rule(1, "discount_goods_percent", "50", include_goods=["LATTE"], priority=0),
        rule(2, "discount_check_amount", "10.00", priority=1),
    ]
    result = run(rules, make_check(*items("LATTE CROISSANT")))  # effective 30.00 + 45.00
    assert line_discounts(result) == ["34.00", "6.00"]


def test_distribute_cents_many_lines_adds_up():
    weights = [1, 2, 3, 5, 7, 11, 13, 0, 17]
    for total in range(sum(weights) + 1):
        shares = distribute_cents(total, weights)
        assert sum(shares) == total
        assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))
