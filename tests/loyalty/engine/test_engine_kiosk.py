"""Kiosk offers: kiosk rules filtered by point of sale, schedule and customer."""

from datetime import time

from loyalty.engine import Customer, Schedule, compile_rules, kiosk_offers

from .engine_builders import NOW, TZ, rule


def test_kiosk_offers_follow_the_filters():
    rules = [
        rule(1, "issue_coupon_check", mode="kiosk", priority=2),
        rule(2, "issue_coupon_check", mode="kiosk", points_of_sale=["mall"]),
        rule(3, "issue_coupon_check", mode="kiosk", customer_categories=["vip"], priority=1),
        rule(4, "issue_coupon_check", mode="kiosk", schedule=Schedule(time_from=time(13))),
        rule(5, "issue_coupon_check", mode="auto"),
    ]
    ruleset = compile_rules(rules)
    vip = Customer(1, category="vip")
    assert [r.id for r in kiosk_offers(ruleset, "center", NOW, TZ, vip)] == [3, 1]
    assert [r.id for r in kiosk_offers(ruleset, "mall", NOW, TZ, Customer(2))] == [2, 1]
