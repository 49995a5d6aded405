"""A program as one JSON-ready document (docs/program-format.md).

Objects refer to each other by key, never by id; decimals are strings. Lists are ordered by
key (stable diffs under version control), rules by priority then creation order, so that
importing the document into an empty program recreates the same evaluation order.
"""

from certificates.models import CertificateSeries, GiftCertificate
from core.tenancy import scoped
from coupons.models import CouponSeries
from customers.models import AccountType, CustomerCategory
from giftcards.models import GiftCardSeries
from loyalty.models import Goods, GoodsCategory, PointOfSale, Rule, StampCard, TierPolicy

from . import values
from .schema import FORMAT


def export_program(program) -> dict:
    business = program.business_id
    series = list(
        scoped(CouponSeries, business)
        .filter(program=program)
        .select_related("reward_rule")
        .order_by("key")
    )
    rules = list(
        scoped(Rule, business)
        .filter(program=program)
        .select_related("coupon_series")
        .prefetch_related("points_of_sale", "customer_categories")
        .order_by("priority", "created_at", "id")
    )
    return {
        "format": FORMAT,
        "program": _program(program),
        "points_of_sale": [
            {"key": pos.key, "name": pos.name, "address": pos.address}
            for pos in scoped(PointOfSale, business).filter(program=program).order_by("key")
        ],
        "customer_categories": [
            {"key": cat.key, "name": cat.name, "default": cat.is_default}
            for cat in scoped(CustomerCategory, business).filter(program=program).order_by("key")
        ],
        "account_types": [
            {"key": at.key, "name": at.name, "kind": at.kind}
            | ({"pays_for": at.pays_for} if at.pays_for else {})
            for at in scoped(AccountType, business).filter(program=program).order_by("key")
        ],
        "gift_card_series": [
            _gift_card_series(gs)
            for gs in scoped(GiftCardSeries, business).filter(program=program).order_by("key")
        ],
        "categories": [
            {"code": cat.code, "name": cat.name}
            for cat in scoped(GoodsCategory, business).order_by("code")
        ],
        "goods": [
            {
                "code": item.code,
                "title": item.title,
                "category": item.category.code if item.category else None,
                "price": values.money(item.price),
                "is_active": item.is_active,
            }
            for item in scoped(Goods, business).select_related("category").order_by("code")
        ],
        "coupon_series": [_series(s) for s in series],
        "rules": [_rule(rule) for rule in rules],
        "certificates": _certificates(program),
        "stamp_cards": _stamp_cards(program),
        **_tiers(program),
    }


def _gift_card_series(series) -> dict:
    if series.amounts:
        allowed: dict = {"fixed": list(series.amounts)}
    else:
        allowed = {"min": values.money(series.min_amount), "max": values.money(series.max_amount)}
    if series.valid_months:
        validity: dict = {"months": series.valid_months}
    else:
        validity = {
            "valid_from": values.day(series.valid_from),
            "valid_to": values.day(series.valid_to),
        }
    return {
        "key": series.key,
        "name": series.name,
        "code_format": {
            "prefix": series.code_prefix,
            "length": series.code_length,
            "group": series.code_group,
        },
        "values": allowed,
        "validity": validity,
        "reloadable": series.reloadable,
    }


def _program(program) -> dict:
    out = {"key": program.key, "name": program.name}
    brands = sorted(program.brands.values_list("name", flat=True))
    if len(brands) == 1:
        out["brand"] = brands[0]
    elif brands:
        out["brands"] = brands
    out.update(
        {
            "max_points_share": values.money(program.max_points_share),
            "credit_on_points_payment": program.credit_on_points_payment,
            "auto_register": program.auto_register,
            "kiosk_requires_otp": program.kiosk_requires_otp,
            "join_open": program.join_open,
            "welcome_points": values.money(program.welcome_points),
            "welcome_series": program.welcome_series.key if program.welcome_series else None,
            "referral": _referral(program),
        }
    )
    return out


def _referral(program) -> dict | None:
    """program-format.md `program.referral`: each side's points and/or coupon series."""
    if not program.referral_on:
        return None
    out = {}
    for side in ("referrer", "friend"):
        points = getattr(program, f"referral_{side}_points")
        series = getattr(program, f"referral_{side}_series")
        reward = {}
        if points:
            reward["points"] = values.money(points)
        if series is not None:
            reward["series"] = series.key
        if reward:
            out[side] = reward
    return out


def _series(series) -> dict:
    if series.reward_rule_id:
        reward = {"rule": series.reward_rule.key}
    elif series.top_up_amount is not None:
        reward = {
            "top_up": {
                "account": series.top_up_account or "bonus",
                "amount": values.money(series.top_up_amount),
            }
        }
    else:
        reward = None
    if series.validity_type == CouponSeries.Validity.RANGE:
        validity = {
            "type": "range",
            "valid_from": values.day(series.valid_from),
            "valid_to": values.day(series.valid_to),
        }
    elif series.validity_type == CouponSeries.Validity.HOURS:
        validity = {"type": "hours", "valid_hours": series.valid_hours}
    else:
        validity = {
            "type": "relative",
            "delay_days": series.delay_days,
            "valid_days": series.valid_days,
        }
    reminder = series.expiry_reminder_hours
    return {
        "key": series.key,
        "name": series.name,
        "title": series.title,
        "description": series.description,
        "reward": reward,
        "min_spend": values.money(series.min_spend),
        "validity": validity,
        "issue_until": values.day(series.issue_until),
        "inventory": series.inventory,
        "code_mode": series.code_mode,
        "code_format": {
            "prefix": series.code_prefix,
            "length": series.code_length,
            "group": series.code_group,
        },
        "self_service": series.self_service,
        "transferable": series.transferable,
        "notify_giver": series.notify_giver,
        "referral_reward": values.money(series.referral_reward),
        "expiry_reminder": {"hours": reminder} if reminder is not None else None,
        "kiosk_price": values.money(series.kiosk_price),
        "public_claim": series.public_claim,
        "archived": series.is_archived,
    }


def _rule(rule) -> dict:
    """Every rule carries its identity and ordering; the rest only where it restricts."""
    out = {
        "key": rule.key,
        "name": rule.name,
        "explanation": rule.explanation,
        "is_active": rule.is_active,
        "mode": rule.mode,
        "priority": rule.priority,
        "combine": rule.combine,
        "action": rule.action,
    }
    if rule.value is not None:
        out["value"] = values.money(rule.value)
    if rule.depends_measure or rule.depends_period or rule.thresholds:
        out["depends_on"] = {
            "measure": rule.depends_measure,
            "period": rule.depends_period,
            "thresholds": values.canonical_thresholds(
                rule.thresholds or [], measure=rule.depends_measure
            ),
        }
    if rule.min_quantity is not None:
        out["min_quantity"] = values.quantity(rule.min_quantity)
    if rule.max_quantity is not None:
        out["max_quantity"] = values.quantity(rule.max_quantity)
    if rule.action in Rule.CREDIT_ACTIONS:
        credit = {"account": rule.credit_account or "bonus"}
        if rule.credit_expires_in_days is not None:
            credit["expires_in_days"] = rule.credit_expires_in_days
        if rule.credit_activates_in_days is not None:
            credit["activates_in_days"] = rule.credit_activates_in_days
        out["credit"] = credit
    if rule.coupon_series_id:
        out["coupon"] = {
            "series": rule.coupon_series.key,
            "per": rule.coupon_per,
            "quantity": rule.coupon_quantity,
        }
    if rule.applies_to_sales != Rule.AppliesTo.ALL:
        out["applies_to_sales"] = rule.applies_to_sales
    if rule.customer_identity != Rule.Identity.ANY:
        out["customer_identity"] = rule.customer_identity
    points_of_sale = sorted(pos.key for pos in rule.points_of_sale.all())
    if points_of_sale:
        out["points_of_sale"] = points_of_sale
    categories = sorted(cat.key for cat in rule.customer_categories.all())
    if categories:
        out["customer_categories"] = categories
    for name in ("include_categories", "include_goods", "exclude_categories", "exclude_goods"):
        codes = getattr(rule, name) or []
        if codes:
            out[name] = list(codes)
    schedule = {
        "date_from": values.day(rule.date_from),
        "date_to": values.day(rule.date_to),
        "weekdays": sorted(rule.weekdays or []),
        "time_from": values.clock(rule.time_from),
        "time_to": values.clock(rule.time_to),
    }
    schedule = {name: value for name, value in schedule.items() if value not in (None, [])}
    if schedule:
        out["schedule"] = schedule
    out.update(_promotions(rule))
    return out


def _promotions(rule) -> dict:
    """promotions.md's rule fields, where set."""
    out: dict = {}
    if rule.group_size is not None:
        out["group_size"] = rule.group_size
    if rule.free_count is not None:
        out["free_count"] = rule.free_count
    if rule.components:
        out["components"] = [
            {
                **{
                    name: list(c[name])
                    for name in ("include_categories", "include_goods")
                    if c.get(name)
                },
                "quantity": c.get("quantity", 1),
            }
            for c in rule.components
        ]
    if rule.max_amount is not None:
        out["max_amount"] = values.money(rule.max_amount)
    if rule.quantity_limit is not None:
        out["quantity_limit"] = values.quantity(rule.quantity_limit)
    if rule.birthday_days_before is not None or rule.birthday_days_after is not None:
        out["birthday"] = {
            "days_before": rule.birthday_days_before or 0,
            "days_after": rule.birthday_days_after or 0,
        }
    return out


def _certificates(program) -> list[dict]:
    certificates = list(
        scoped(GiftCertificate, program.business_id).filter(program=program).order_by("key")
    )
    bundles: dict[int, list] = {}
    for entry in (
        scoped(CertificateSeries, program.business_id)
        .filter(certificate__in=certificates)
        .select_related("series")
        .order_by("id")
    ):
        bundles.setdefault(entry.certificate_id, []).append(
            {"series": entry.series.key, "count": entry.count}
        )
    return [
        {
            "key": cert.key,
            "name": cert.name,
            "title": cert.title,
            "description": cert.description,
            "valid_from": values.day(cert.valid_from),
            "valid_to": values.day(cert.valid_to),
            "series": bundles.get(cert.pk, []),
            "public_code": cert.public_code,
            "max_uses": cert.max_uses,
            "max_uses_per_customer": cert.max_uses_per_customer,
            "min_interval_hours": cert.min_interval_hours,
            "random_count": cert.random_count,
            "all_or_nothing": cert.all_or_nothing,
        }
        for cert in certificates
    ]


def _stamp_cards(program) -> list[dict]:
    cards = (
        scoped(StampCard, program.business_id)
        .filter(program=program)
        .select_related("reward")
        .order_by("key")
    )
    return [
        {
            "key": card.key,
            "name": card.name,
            "stamps": card.stamps,
            "counts": card.counts,
            "include_categories": list(card.include_categories),
            "include_goods": list(card.include_goods),
            "exclude_categories": list(card.exclude_categories),
            "exclude_goods": list(card.exclude_goods),
            "min_amount": None if card.min_amount is None else values.money(card.min_amount),
            "reward": card.reward.key,
            "expires_in_days": card.expires_in_days,
            "is_active": card.is_active,
        }
        for card in cards
    ]


def _tiers(program) -> dict:
    policy = TierPolicy.objects.filter(program=program).first()
    if policy is None:
        return {}
    levels = []
    for tier in policy.tiers.select_related("category").order_by("threshold", "id"):
        level = {"category": tier.category.key, "from": values.money(tier.threshold)}
        if tier.keep_days:
            level["keep_days"] = tier.keep_days
        levels.append(level)
    return {"tiers": {"measure": policy.measure, "period": policy.period, "levels": levels}}
