"""Evaluation of a check (rules.md "Evaluation order", "Combining", "Points payment").

1. Candidates: the auto rules, the selected manual rules, one application per coupon.
2. Filters; 3. order by (priority, creation order); 4. apply one by one on the effective
amounts left by the rules before; 5. values from thresholds; 6. points payment.

Reporting (`not_applied`): a selected manual rule or a presented coupon is always reported
when it does not apply, with its reason. An auto rule is reported only once its filters
have matched and only for the reasons a cashier may ask about: `min_quantity`,
`no_threshold`, `not_combinable`, `customer_required`; an auto rule whose goods are not on
the check, or that would change nothing, is left out silently.
"""

from decimal import Decimal

from .actions import State
from .errors import (
    CUSTOMER_REQUIRED,
    INSUFFICIENT_POINTS,
    POINTS_SHARE_EXCEEDED,
    REASON_MESSAGES,
    VALIDATION_ERROR,
    EngineError,
    Reason,
)
from .filters import Moment, filter_failure
from .inputs import Check, ProgramSettings
from .matching import GoodsIndex, cover_units
from .money import div_half_up, from_cents, scaled_int
from .promotions import birthday_failure, whole_lines
from .results import (
    AppliedRule,
    CouponIssue,
    Credit,
    EvaluationResult,
    NotApplied,
    PositionResult,
)
from .ruleset import CompiledRule, RuleSet
from .thresholds import pick_by_decimal, pick_by_units
from .validation import as_decimal

ZERO = Decimal(0)
DEFAULT_SETTINGS = ProgramSettings()


def _unit_cents(value, field: str) -> int:
    value = as_decimal(value)
    cents = None if value is None else scaled_int(value, 2)
    if cents is None or cents < 0:
        raise EngineError(VALIDATION_ERROR, "Expected a non-negative amount of 2 places.", field)
    return cents


def _lines(check: Check) -> tuple[list[int], list[int]]:
    """Quantities (thousandths) and line amounts (cents) of the check's positions."""
    qty: list[int] = []
    amounts: list[int] = []
    for i, p in enumerate(check.positions):
        given_price = as_decimal(p.price)
        price = None if given_price is None else scaled_int(given_price, 2)
        if price is None or price < 0:
            raise EngineError(
                VALIDATION_ERROR,
                "The price must be a non-negative amount of at most 2 decimal places.",
                f"positions[{i}].price",
            )
        given_units = as_decimal(p.quantity)
        units = None if given_units is None else scaled_int(given_units, 3)
        if units is None or units <= 0:
            raise EngineError(
                VALIDATION_ERROR,
                "The quantity must be positive, with at most 3 decimal places.",
                f"positions[{i}].quantity",
            )
        qty.append(units)
        amounts.append(div_half_up(price * units, 1000))
    return qty, amounts


def _moment(check: Check) -> Moment:
    if check.time.tzinfo is None or check.time.utcoffset() is None:
        raise EngineError(VALIDATION_ERROR, "The check's time must carry its offset.", "time")
    try:
        return Moment.of(check.time, check.timezone)
    except ValueError as exc:
        raise EngineError(VALIDATION_ERROR, str(exc), "timezone") from None


def _report(not_applied: list, cr: CompiledRule, ref: str | None, code: str) -> None:
    if ref is None:
        not_applied.append(NotApplied("rule", cr.key, code, REASON_MESSAGES[code], cr.id))
    else:
        not_applied.append(NotApplied("coupon", ref, code, REASON_MESSAGES[code], cr.id))


def _candidates(ruleset: RuleSet, check: Check, not_applied: list):
    """(compiled rule, coupon ref or None) in evaluation order."""
    if not check.manual_rule_ids and not check.coupons:
        return [(cr, None) for cr in ruleset.auto]
    compiled = ruleset.compiled
    # (order, coupon position, rule, the coupon's ref or None for a rule without coupon)
    entries: list[tuple[tuple[int, int, int], int, CompiledRule, str | None]] = [
        (cr.sort_key, 0, cr, None) for cr in ruleset.auto
    ]
    seen: set[int] = set()
    for rule_id in check.manual_rule_ids:
        if rule_id in seen:
            continue  # selected twice: applies once
        seen.add(rule_id)
        cr = compiled.get(rule_id)
        if cr is None or cr.mode != "manual":
            code = Reason.RULE_NOT_FOUND
            not_applied.append(NotApplied("rule", str(rule_id), code, REASON_MESSAGES[code]))
        else:
            entries.append((cr.sort_key, 0, cr, None))
    refs: set[str] = set()
    for n, coupon in enumerate(check.coupons, start=1):
        cr = compiled.get(coupon.rule_id)
        code = Reason.COUPON_NOT_APPLICABLE
        if coupon.ref in refs:
            not_applied.append(
                NotApplied("coupon", coupon.ref, code, "This coupon is already on the check.")
            )
        elif cr is None or cr.mode != "coupon":
            not_applied.append(NotApplied("coupon", coupon.ref, code, REASON_MESSAGES[code]))
        else:
            entries.append((cr.sort_key, n, cr, coupon.ref))
        refs.add(coupon.ref)
    entries.sort(key=lambda e: (e[0], e[1]))
    return [(e[2], e[3]) for e in entries]


def evaluate(
    ruleset: RuleSet, check: Check, settings: ProgramSettings = DEFAULT_SETTINGS
) -> EvaluationResult:
    """Evaluate `check` against `ruleset`; deterministic, writes nothing.

    Raises EngineError for a malformed check (`validation_error`, naming the field) and for
    a points payment that cannot be made (`customer_required`, `insufficient_points`,
    `points_share_exceeded`, field `pay_with_points`).
    """
    qty, amounts = _lines(check)
    moment = _moment(check)
    pay_cents = _unit_cents(check.pay_with_points, "pay_with_points")
    share = settings.max_points_share
    if not isinstance(share, Decimal | int) or not 0 <= share <= 100:
        raise EngineError(
            VALIDATION_ERROR, "max_points_share must be between 0 and 100.", "max_points_share"
        )

    customer = check.customer
    anonymous = customer is None
    point_of_sale = check.point_of_sale
    history = check.history
    state = State(qty, list(amounts))
    eff = state.eff
    total_units = sum(qty)
    goods = GoodsIndex(check.positions)
    state.goods = goods

    not_applied: list[NotApplied] = []
    applied: list[AppliedRule] = []
    credit_cents: list[tuple[int, CompiledRule, int]] = []  # (applied index, rule, cents)
    issued: list[CouponIssue] = []
    applied_any = False
    stopped = False

    for cr, ref in _candidates(ruleset, check, not_applied):
        auto = cr.mode == "auto"
        if cr.has_filters:
            reason = filter_failure(
                cr.points_of_sale,
                cr.schedule,
                cr.customer_identity,
                cr.customer_categories,
                cr.applies_to_sales,
                point_of_sale,
                moment,
                customer,
            )
            if reason is None and cr.birthday is not None:
                reason = birthday_failure(cr.birthday, customer, moment.date)
            if reason is not None:
                if not auto:
                    _report(not_applied, cr, ref, reason)
                continue
        if stopped:
            _report(not_applied, cr, ref, Reason.NOT_COMBINABLE)
            continue

        idx = cover = None
        units = 0
        if cr.is_goods:
            idx = goods.matched(cr.goods_filter)
            if cr.whole_units:
                idx = whole_lines(idx, qty)
            if not idx:
                if not auto:
                    _report(not_applied, cr, ref, Reason.NO_MATCHING_GOODS)
                continue
            units = sum([qty[i] for i in idx])
            if cr.min_units is not None and units < cr.min_units:
                _report(not_applied, cr, ref, Reason.MIN_QUANTITY)
                continue
            if cr.limit_units is not None and units > cr.limit_units:
                _report(not_applied, cr, ref, Reason.QUANTITY_LIMIT)
                continue
            if cr.max_units is not None:
                cover = cover_units(idx, qty, cr.max_units)

        thresholds = cr.thresholds
        if thresholds is None:
            value = cr.value
        else:
            if cr.period_is_check:
                if cr.measure_amount:
                    measure = sum([eff[i] for i in idx]) if idx is not None else state.total
                else:
                    measure = units if cr.is_goods else total_units
                value = pick_by_units(thresholds, measure)
            else:
                figures = None if anonymous else history.get(cr.id)
                if figures is None:
                    figure = ZERO
                elif cr.measure_amount:
                    figure = figures.amount
                else:
                    figure = figures.quantity
                value = pick_by_decimal(thresholds, figure)
            if value is None:
                _report(not_applied, cr, ref, Reason.NO_THRESHOLD)
                continue

        if not cr.combine and applied_any:
            _report(not_applied, cr, ref, Reason.NOT_COMBINABLE)
            continue
        if anonymous and cr.is_credit:
            _report(not_applied, cr, ref, Reason.CUSTOMER_REQUIRED)
            continue

        discount, credit, coupons = cr.apply(state, idx, cover, value)
        if not (discount or credit or coupons):
            if not auto:
                _report(not_applied, cr, ref, Reason.NO_EFFECT)
            continue

        applied_any = True
        if credit:
            credit_cents.append((len(applied), cr, credit))
        if coupons:
            issued.append(CouponIssue(cr.series, coupons, cr.id, cr.key))
        applied.append(
            AppliedRule(
                cr.id,
                cr.key,
                cr.explanation,
                from_cents(discount),
                from_cents(credit),
                coupons,
                ref,
            )
        )
        if not cr.combine:
            stopped = True

    # Points payment, after all rules.
    to_pay = state.total
    if pay_cents:
        if customer is None:
            raise EngineError(
                CUSTOMER_REQUIRED, "Identify the customer to pay with points.", "pay_with_points"
            )
        if from_cents(pay_cents) > customer.spendable_points:
            raise EngineError(
                INSUFFICIENT_POINTS,
                "The customer's spendable points are fewer than asked.",
                "pay_with_points",
            )
        num, den = Decimal(share).as_integer_ratio()
        limit = min(div_half_up(to_pay * num, den * 100), to_pay)
        if pay_cents > limit:
            raise EngineError(
                POINTS_SHARE_EXCEEDED,
                f"At most {from_cents(limit)} of this check can be paid with points.",
                "pay_with_points",
            )
    money_to_pay = to_pay - pay_cents

    scale = pay_cents and not settings.credit_on_points_payment
    credits: list[Credit] = []
    at = check.time
    for n, cr, cents in credit_cents:
        if scale:
            cents = div_half_up(cents * money_to_pay, to_pay)
            applied[n].credit = from_cents(cents)
            if not cents:
                continue
        credits.append(
            Credit(
                cr.account,
                from_cents(cents),
                None if cr.activates_in is None else at + cr.activates_in,
                None if cr.expires_in is None else at + cr.expires_in,
                cr.id,
                cr.key,
            )
        )

    positions = check.positions
    amount = sum(amounts)
    return EvaluationResult(
        amount=from_cents(amount),
        discount=from_cents(amount - to_pay),
        amount_to_pay=from_cents(to_pay),
        points_paid=from_cents(pay_cents),
        money_to_pay=from_cents(money_to_pay),
        positions=[
            PositionResult(
                i,
                p.code,
                p.quantity,
                from_cents(amounts[i]),
                from_cents(amounts[i] - eff[i]),
                from_cents(eff[i]),
            )
            for i, p in enumerate(positions)
        ],
        applied_rules=applied,
        credits=credits,
        coupons_issued=issued,
        not_applied=not_applied,
    )
