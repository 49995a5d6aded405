"""What the engine refuses: invalid rules at compile time, malformed checks at evaluate."""

import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from loyalty.engine import (
    CouponIssueSpec,
    CreditTarget,
    DependsOn,
    EngineError,
    Position,
    ProgramSettings,
    Schedule,
    Threshold,
    compile_rules,
    evaluate,
    validate_rule,
)

from .engine_builders import D, item, rule
from .engine_builders import check as make_check

CP, GP = "discount_check_percent", "discount_goods_percent"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (rule(1, CP, "10", mode="sometimes"), "mode"),
        (rule(1, "discount_everything", "10"), "action"),
        (rule(1, CP, "100.01"), "value"),
        (rule(1, "discount_goods_amount", "-1"), "value"),
        (rule(1, "discount_goods_amount", "0.001"), "value"),
        (rule(1, "issue_coupon_check", "1.5"), "value"),
        (rule(1, CP), "value"),
        (rule(1, CP, thresholds=[("0", "1"), ("10", "101")]), "depends_on.thresholds[1].value"),
        (rule(1, CP, thresholds=[("-1", "1")]), "depends_on.thresholds[0].from"),
        (rule(1, CP, thresholds=[("5", "1"), ("5.0", "2")]), "depends_on.thresholds[1].from"),
        (rule(1, CP, thresholds=[]), "depends_on.thresholds"),
        (rule(1, CP, thresholds=[("0", "1")], measure="weight"), "depends_on.measure"),
        (rule(1, CP, thresholds=[("0", "1")], period="decade"), "depends_on.period"),
        (rule(1, CP, "10", include_categories=["coffee"]), "include_categories"),
        (rule(1, CP, "10", exclude_goods=["BEANS"]), "exclude_goods"),
        (rule(1, CP, "10", min_quantity="1"), "min_quantity"),
        (rule(1, GP, "10", min_quantity="3", max_quantity="2"), "max_quantity"),
        (rule(1, GP, "10", max_quantity="0.0001"), "max_quantity"),
        (rule(1, CP, "10", applies_to_sales="second"), "applies_to_sales"),
        (rule(1, CP, "10", customer_identity="vip"), "customer_identity"),
        (rule(1, CP, "10", schedule=Schedule(weekdays=frozenset({0}))), "schedule.weekdays"),
        (
            rule(1, "credit_check_amount", "1", credit=CreditTarget("special", -1)),
            "credit.expires_in_days",
        ),
        (replace(rule(1, "issue_coupon_check"), coupon=None), "coupon.series"),
        (replace(rule(1, "issue_coupon_check"), coupon=CouponIssueSpec("s", "day")), "coupon.per"),
        (replace(rule(1, CP, "10"), value=10.0), "value"),  # floats are never money
    ],
)
def test_invalid_rules_name_the_field(bad, field):
    with pytest.raises(EngineError) as exc:
        validate_rule(bad)
    assert (exc.value.code, exc.value.field) == ("invalid_rule", field)
    assert field.split(".")[-1].split("[")[0] in exc.value.message
    with pytest.raises(EngineError):
        compile_rules([rule(2, CP, "1"), bad])


def test_valid_edge_rules():
    for ok in [
        rule(1, CP, "100"),
        rule(1, CP, "0"),
        rule(1, "issue_coupon_goods", coupon_quantity=0),
        rule(1, GP, "10", min_quantity="2", max_quantity="2"),
        replace(rule(1, CP, "10"), value=10),  # ints are accepted
        rule(1, CP, thresholds=[("0", "1")], period="check"),
    ]:
        validate_rule(ok)


def test_duplicate_ids_and_non_strict_compile():
    with pytest.raises(EngineError) as exc:
        compile_rules([rule(1, CP, "1"), rule(1, CP, "2")])
    assert exc.value.field == "id"
    ruleset = compile_rules([rule(1, CP, "1"), rule(2, CP, "101"), rule(1, CP, "2")], strict=False)
    assert [r.id for r in ruleset] == [1]
    assert [(r.id, e.field) for r, e in ruleset.skipped] == [(2, "value"), (1, "id")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time": datetime(2026, 3, 10, 12)}, "time"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"positions": (item("X", "0"),)}, "positions[0].quantity"),
        ({"positions": (item("X"), item("Y", "1.0001"))}, "positions[1].quantity"),
        ({"positions": (item("X", "1", "-1.00"),)}, "positions[0].price"),
        ({"positions": (item("X", "1", "1.005"),)}, "positions[0].price"),
        (
            {"positions": (Position("X", "X", "", Decimal("NaN"), Decimal("1")),)},
            "positions[0].price",
        ),
    ],
)
def test_malformed_checks(change, field):
    chk = replace(make_check(item("LATTE")), **change)
    with pytest.raises(EngineError) as exc:
        evaluate(compile_rules([]), chk, ProgramSettings())
    assert (exc.value.code, exc.value.field) == ("validation_error", field)


def test_settings_share_out_of_range():
    with pytest.raises(EngineError) as exc:
        evaluate(compile_rules([]), make_check(item("LATTE")), ProgramSettings(D("101")))
    assert exc.value.field == "max_points_share"


def test_empty_check_and_no_rules():
    result = evaluate(compile_rules([]), make_check(), ProgramSettings())
    assert (result.amount, result.discount, result.amount_to_pay) == (D("0.00"),) * 3
    result = evaluate(compile_rules([rule(1, CP, "10")]), make_check(), ProgramSettings())
    assert result.applied_rules == []


def test_engine_error_shape():
    error = EngineError("insufficient_points", "Not enough points.", "pay_with_points")
    assert error.as_dict() == {
        "code": "insufficient_points",
        "message": "Not enough points.",
        "field": "pay_with_points",
    }
    assert str(error) == "Not enough points."


def test_thresholds_given_in_any_order():
    rows = (Threshold(D("100.01"), D("7")), Threshold(D("0"), D("1")))
    r = replace(rule(1, CP, "1"), depends_on=DependsOn("amount", "check", rows))
    result = evaluate(compile_rules([r]), make_check(item("LATTE", "2")), ProgramSettings())
    assert result.discount == D("8.40")


def test_engine_imports_no_django():
    root = Path(__file__).resolve().parents[3]
    code = (
        "import sys; import loyalty.engine; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruleset_accessors():
    ruleset = compile_rules(
        [
            rule(2, CP, "1", mode="manual", priority=1),
            rule(1, CP, "1"),
            rule(3, CP, "1", mode="kiosk"),
        ]
    )
    assert len(ruleset) == 3
    assert [r.id for r in ruleset] == [1, 3, 2]
    assert ruleset.get(2).mode == "manual" and ruleset.get(9) is None
    assert [r.id for r in ruleset.manual] == [2]
    assert [r.id for r in ruleset.kiosk] == [3]


def test_int_values_and_quantities_are_accepted():
    r = replace(rule(1, "discount_goods_amount", "1"), value=5)
    chk = make_check(Position("X", "X", "", Decimal("20.00"), 2), pay_with_points=0)
    result = evaluate(compile_rules([r]), chk, ProgramSettings(100))
    assert (result.amount, result.discount) == (D("40.00"), D("10.00"))
