"""A program's rules as the engine sees them, compiled once per program version.

The cache is per process and keyed by (program id, version): any rule change bumps
`Program.version` (loyalty.signals), so a stale rule set is never used.
"""

import threading
from decimal import Decimal

from loyalty import engine
from loyalty.models import Rule

_cache: dict[tuple[int, int], "CompiledProgram"] = {}
_lock = threading.Lock()
_MAX_ENTRIES = 256


class CompiledProgram:
    def __init__(self, ruleset, rules_by_id, kiosk_rules, series_by_key):
        self.ruleset = ruleset
        self.rules_by_id = rules_by_id  # id -> engine.Rule (every mode, active only)
        self.kiosk_rules = kiosk_rules
        # The series that issue rules name (settings only: counters are read by UPDATEs).
        # A series edit bumps the program version too (loyalty.signals).
        self.series_by_key = series_by_key


def _dec(value):
    return None if value is None else Decimal(value)


def to_engine_rule(rule: Rule, order: int) -> engine.Rule:
    depends_on = None
    if rule.depends_measure and rule.depends_period and rule.thresholds:
        depends_on = engine.DependsOn(
            measure=rule.depends_measure,
            period=rule.depends_period,
            thresholds=tuple(
                engine.Threshold(from_=Decimal(str(t["from"])), value=Decimal(str(t["value"])))
                for t in sorted(rule.thresholds, key=lambda t: Decimal(str(t["from"])))
            ),
        )
    schedule = None
    if rule.date_from or rule.date_to or rule.weekdays or rule.time_from or rule.time_to:
        schedule = engine.Schedule(
            date_from=rule.date_from,
            date_to=rule.date_to,
            weekdays=frozenset(int(d) for d in rule.weekdays or ()),
            time_from=rule.time_from,
            time_to=rule.time_to,
        )
    credit = None
    if rule.action in Rule.CREDIT_ACTIONS:
        credit = engine.CreditTarget(
            account=rule.credit_account or "bonus",
            expires_in_days=rule.credit_expires_in_days,
            activates_in_days=rule.credit_activates_in_days,
        )
    coupon = None
    if rule.action in Rule.ISSUE_ACTIONS and rule.coupon_series is not None:
        coupon = engine.CouponIssueSpec(
            series=rule.coupon_series.key, per=rule.coupon_per, quantity=rule.coupon_quantity
        )
    return engine.Rule(
        id=rule.pk,
        key=rule.key,
        name=rule.name,
        explanation=rule.explanation,
        mode=rule.mode,
        priority=rule.priority,
        order=order,
        action=rule.action,
        combine=rule.combine,
        value=_dec(rule.value),
        depends_on=depends_on,
        min_quantity=_dec(rule.min_quantity),
        max_quantity=_dec(rule.max_quantity),
        credit=credit,
        coupon=coupon,
        applies_to_sales=rule.applies_to_sales,
        customer_identity=rule.customer_identity,
        customer_categories=frozenset(c.key for c in rule.customer_categories.all()),
        points_of_sale=frozenset(p.key for p in rule.points_of_sale.all()),
        include_categories=frozenset(rule.include_categories or ()),
        include_goods=frozenset(rule.include_goods or ()),
        exclude_categories=frozenset(rule.exclude_categories or ()),
        exclude_goods=frozenset(rule.exclude_goods or ()),
        schedule=schedule,
        **promotion_fields(rule),
    )


def promotion_fields(rule: Rule) -> dict:
    """promotions.md's fields of the engine's Rule, from the model's."""
    fields: dict = {
        "group_size": rule.group_size,
        "free_count": rule.free_count,
        "max_amount": _dec(rule.max_amount),
        "quantity_limit": _dec(rule.quantity_limit),
        "components": tuple(
            engine.BundleComponent(
                include_categories=frozenset(c.get("include_categories") or ()),
                include_goods=frozenset(c.get("include_goods") or ()),
                quantity=c.get("quantity", 1),
            )
            for c in rule.components or ()
        ),
    }
    if rule.birthday_days_before is not None or rule.birthday_days_after is not None:
        fields["birthday"] = engine.BirthdayWindow(
            rule.birthday_days_before or 0, rule.birthday_days_after or 0
        )
    return fields


def load_program_rules(program) -> CompiledProgram:
    """The compiled active rules of `program` (cached per version)."""
    cache_key = (program.pk, program.version)
    compiled = _cache.get(cache_key)
    if compiled is not None:
        return compiled
    rules = list(
        Rule.objects.filter(program_id=program.pk, is_active=True)
        .select_related("coupon_series__business")
        .prefetch_related("customer_categories", "points_of_sale")
        .order_by("created_at", "id")
    )
    engine_rules = [to_engine_rule(rule, order) for order, rule in enumerate(rules)]
    compiled = CompiledProgram(
        ruleset=engine.compile_rules(engine_rules),
        rules_by_id={r.id: r for r in engine_rules},
        kiosk_rules=[r for r in engine_rules if r.mode == "kiosk"],
        series_by_key={r.coupon_series.key: r.coupon_series for r in rules if r.coupon_series},
    )
    with _lock:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[cache_key] = compiled
    return compiled


def clear_cache():
    with _lock:
        _cache.clear()
