"""The compile step: validated rules turned into what `evaluate` walks quickly.

Callers cache a RuleSet per program version. It holds the rules in evaluation order
(priority, then creation order, then id, so the result never depends on the order the
rules were given in), a dict by id, and per rule everything that can be worked out before
a check arrives: integer values, sorted thresholds, shared goods filters, action function.
"""

from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal

from . import actions as a
from . import promotions
from .errors import INVALID_RULE, EngineError
from .inputs import Check, Rule
from .matching import GoodsFilter
from .money import scaled_int
from .periods import CHECK
from .thresholds import compile_thresholds
from .validation import validate_rule


def compile_value(action: str, value: Decimal):
    """A rule's (or threshold row's) value in the form its action computes with."""
    if action in a.PERCENT_ACTIONS:
        num, den = value.as_integer_ratio()
        return (num, den * 100)
    if action in a.ISSUE_ACTIONS:
        return scaled_int(value, 0)
    return scaled_int(value, 2)


class CompiledRule:
    __slots__ = (
        "rule",
        "id",
        "key",
        "explanation",
        "mode",
        "sort_key",
        "action",
        "combine",
        "is_goods",
        "is_credit",
        "is_discount",
        "apply",
        "has_filters",
        "points_of_sale",
        "schedule",
        "customer_identity",
        "customer_categories",
        "applies_to_sales",
        "goods_filter",
        "min_units",
        "max_units",
        "value",
        "thresholds",
        "measure_amount",
        "period_is_check",
        "account",
        "activates_in",
        "expires_in",
        "series",
        "whole_units",
        "limit_units",
        "birthday",
    )

    def __init__(self, rule: Rule, goods_filter: GoodsFilter | None):
        action = rule.action
        self.rule = rule
        self.id = rule.id
        self.key = rule.key
        self.explanation = rule.explanation
        self.mode = rule.mode
        self.sort_key = (rule.priority, rule.order, rule.id)
        self.action = action
        self.combine = bool(rule.combine)
        self.is_goods = action in a.GOODS_ACTIONS
        self.is_credit = action in a.CREDIT_ACTIONS
        self.is_discount = action in a.DISCOUNT_ACTIONS
        per_item = rule.coupon is not None and rule.coupon.per == "item"
        self.apply = a.apply_function(action, per_item)

        self.points_of_sale = rule.points_of_sale
        self.schedule = rule.schedule
        self.customer_identity = rule.customer_identity
        self.customer_categories = rule.customer_categories
        self.applies_to_sales = rule.applies_to_sales
        self.has_filters = bool(
            rule.points_of_sale
            or rule.schedule is not None
            or rule.customer_identity != "any"
            or rule.customer_categories
            or rule.applies_to_sales != "all"
        )

        self.goods_filter = goods_filter
        self.min_units = None if rule.min_quantity is None else scaled_int(rule.min_quantity, 3)
        self.max_units = None if rule.max_quantity is None else scaled_int(rule.max_quantity, 3)

        if rule.value is not None:
            self.value = compile_value(action, Decimal(rule.value))
        elif action in a.ISSUE_ACTIONS and rule.coupon is not None:
            self.value = rule.coupon.quantity
        else:
            self.value = None
        depends_on = rule.depends_on
        if depends_on is None:
            self.thresholds = None
            self.measure_amount = False
            self.period_is_check = False
        else:
            self.thresholds = compile_thresholds(
                depends_on.measure,
                (
                    (Decimal(row.from_), compile_value(action, Decimal(row.value)))
                    for row in depends_on.thresholds
                ),
            )
            self.measure_amount = depends_on.measure == "amount"
            self.period_is_check = depends_on.period == CHECK

        credit = rule.credit
        self.account = credit.account if credit is not None else "bonus"
        special = credit if credit is not None and credit.account == "special" else None
        self.activates_in = (
            timedelta(days=special.activates_in_days)
            if special and special.activates_in_days
            else None
        )
        self.expires_in = (
            timedelta(days=special.expires_in_days)
            if special and special.expires_in_days is not None
            else None
        )
        self.series = rule.coupon.series if rule.coupon is not None else None
        # promotions.md; set by promotions.bind
        self.whole_units = False  # weighed lines never match
        self.limit_units = None  # quantity_limit in thousandths
        self.birthday = None  # BirthdayWindow

    def __repr__(self):
        return f"<CompiledRule {self.id} {self.key!r} {self.action}>"


class RuleSet:
    """Rules compiled for evaluation. Build with `compile_rules`."""

    def __init__(
        self,
        rules: tuple[Rule, ...],
        compiled: dict[int, CompiledRule],
        skipped: tuple[tuple[Rule, EngineError], ...] = (),
    ):
        self.rules = rules  # in evaluation order
        self.by_id: dict[int, Rule] = {r.id: r for r in rules}
        self.compiled = compiled
        ordered = [compiled[r.id] for r in rules]
        self.auto: tuple[CompiledRule, ...] = tuple(c for c in ordered if c.mode == "auto")
        self.manual: tuple[Rule, ...] = tuple(r for r in rules if r.mode == "manual")
        self.kiosk: tuple[Rule, ...] = tuple(r for r in rules if r.mode == "kiosk")
        # Whether any rule looks at the customer's past sales (first or repeat sale only).
        self.asks_for_past_sales = any(r.applies_to_sales != "all" for r in rules)
        self.skipped = skipped  # invalid rules left out by compile_rules(strict=False)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def get(self, rule_id: int) -> Rule | None:
        return self.by_id.get(rule_id)


def compile_rules(rules: Iterable[Rule], *, strict: bool = True) -> RuleSet:
    """Validate and compile the program's active rules (callers drop inactive ones).

    `strict` (default): an invalid rule or a repeated id raises EngineError("invalid_rule").
    Otherwise invalid rules are left out and listed in `RuleSet.skipped`, so that one bad row
    cannot stop a till.
    """
    valid: list[Rule] = []
    skipped: list[tuple[Rule, EngineError]] = []
    seen: set[int] = set()
    for rule in rules:
        try:
            if rule.id in seen:
                raise EngineError(INVALID_RULE, f"Rule id {rule.id} is given twice.", "id")
            validate_rule(rule)
        except EngineError as exc:
            if strict:
                raise
            skipped.append((rule, exc))
            continue
        seen.add(rule.id)
        valid.append(rule)
    valid.sort(key=lambda r: (r.priority, r.order, r.id))

    filters: dict[tuple, GoodsFilter] = {}
    compiled: dict[int, CompiledRule] = {}
    for rule in valid:
        goods_filter = None
        if rule.action in a.GOODS_ACTIONS:
            lists = (
                frozenset(rule.include_categories),
                frozenset(rule.include_goods),
                frozenset(rule.exclude_categories),
                frozenset(rule.exclude_goods),
            )
            if rule.components:
                lists = promotions.bundle_lists(rule)
            goods_filter = filters.get(lists)
            if goods_filter is None:
                goods_filter = filters[lists] = GoodsFilter(len(filters), *lists)
        compiled[rule.id] = CompiledRule(rule, goods_filter)
        promotions.bind(compiled[rule.id], rule, filters)
    return RuleSet(tuple(valid), compiled, tuple(skipped))


def history_rules(ruleset: RuleSet, check_mode_filter=None) -> list[Rule]:
    """The rules whose `depends_on.period` is not `check`, in evaluation order: the callers
    load `Check.history` for these only.

    `check_mode_filter`: None for every such rule; a Check for only the candidates of that
    check (its auto rules, its selected manual rules, the rules of its coupons); or an
    iterable of modes (a single mode string works too).
    """
    if check_mode_filter is None:
        wanted = None
    elif isinstance(check_mode_filter, Check):
        wanted_ids = set(check_mode_filter.manual_rule_ids)
        wanted_ids.update(c.rule_id for c in check_mode_filter.coupons)
        return [
            r
            for r in ruleset.rules
            if r.depends_on is not None
            and r.depends_on.period != CHECK
            and (
                r.mode == "auto"
                or (r.mode == "manual" and r.id in wanted_ids)
                or (r.mode == "coupon" and r.id in wanted_ids)
            )
        ]
    elif isinstance(check_mode_filter, str):
        wanted = {check_mode_filter}
    else:
        wanted = set(check_mode_filter)
    return [
        r
        for r in ruleset.rules
        if r.depends_on is not None
        and r.depends_on.period != CHECK
        and (wanted is None or r.mode in wanted)
    ]
